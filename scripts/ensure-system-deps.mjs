#!/usr/bin/env node
/**
 * Make sure the Debian packages the tests need are installed.
 *
 *   node scripts/ensure-system-deps.mjs chromium [kamailio …]
 *
 * For each package: chromium counts as present when /usr/bin/chromium exists
 * and `chromium --version` runs; anything else is checked with `dpkg -s`.
 * Missing ones are installed with one `apt-get update` followed by one
 * `apt-get install -y --no-install-recommends …` (DEBIAN_FRONTEND=noninteractive),
 * through sudo when not root. Exits non-zero with a clear message on failure.
 * A system Kamailio or RabbitMQ that installing them starts is stopped again (tests run their own).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PKG_RE = /^[a-z0-9][a-z0-9.+-]+$/;

function log(msg) {
  console.log(`[ensure-system-deps] ${msg}`);
}

function fail(msg) {
  console.error(`[ensure-system-deps] ERROR: ${msg}`);
  process.exit(1);
}

function quiet(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
  return { ok: !r.error && r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function commandExists(cmd) {
  return quiet('sh', ['-c', `command -v ${cmd}`]).ok;
}

function isPresent(pkg) {
  if (pkg === 'chromium') {
    if (!existsSync('/usr/bin/chromium')) return { ok: false };
    const v = quiet('/usr/bin/chromium', ['--version']);
    const version = v.stdout.trim().split('\n').pop() ?? '';
    return { ok: v.ok && /chrom/i.test(version), detail: version };
  }
  const r = quiet('dpkg', ['-s', pkg]);
  const installed = r.ok && /^Status:.*\binstalled\b/m.test(r.stdout) && !/^Status:.*not-installed/m.test(r.stdout);
  const version = /^Version:\s*(.+)$/m.exec(r.stdout)?.[1];
  return { ok: installed, detail: version };
}

const pkgs = [...new Set(process.argv.slice(2))];
if (pkgs.length === 0) fail('usage: node scripts/ensure-system-deps.mjs <debian-package> [more …]');
const bad = pkgs.filter((p) => !PKG_RE.test(p));
if (bad.length) fail(`not a valid Debian package name: ${bad.join(', ')}`);

const missing = [];
for (const pkg of pkgs) {
  const st = isPresent(pkg);
  if (st.ok) log(`${pkg}: present${st.detail ? ` (${st.detail})` : ''}`);
  else {
    log(`${pkg}: missing`);
    missing.push(pkg);
  }
}
if (missing.length === 0) process.exit(0);

if (!commandExists('apt-get')) {
  fail(`apt-get not found; install these packages with your system's package manager: ${missing.join(' ')}`);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const installCmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
let prefix = [];
if (!isRoot) {
  if (commandExists('sudo')) prefix = ['sudo', 'env', 'DEBIAN_FRONTEND=noninteractive'];
  else {
    fail(
      `not root and sudo is not available. Run as root:\n` +
        `    DEBIAN_FRONTEND=noninteractive sh -c '${installCmd}'`,
    );
  }
}

function run(args) {
  const [cmd, ...rest] = [...prefix, ...args];
  log(`running: ${[cmd, ...rest].join(' ')}`);
  const r = spawnSync(cmd, rest, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.error) return `${r.error.message}`;
  if (r.status !== 0) return `exit code ${r.status ?? r.signal}`;
  return null;
}

let err = run(['apt-get', 'update']);
if (err) fail(`apt-get update failed (${err}). Check network access/apt sources, then retry: ${installCmd}`);
err = run(['apt-get', 'install', '-y', '--no-install-recommends', ...missing]);
if (err) fail(`apt-get install failed (${err}) for: ${missing.join(' ')}. Is the package name right for this Debian release?`);

const still = missing.filter((p) => !isPresent(p).ok);
if (still.length) fail(`installed, but still not usable: ${still.join(', ')}`);
log(`installed: ${missing.join(' ')}`);

// Debian's kamailio and rabbitmq-server packages start a system service on install (Kamailio's
// sample config on port 5060, a broker on 5672). The tests run their own on free ports of 127.0.0.1
// (test/support/kamailio.ts, rabbitmq.ts) and need none: stop what this install just started, and
// keep it from starting at boot.
for (const service of ['kamailio', 'rabbitmq-server'].filter((p) => missing.includes(p))) {
  const systemd = quiet('sh', ['-c', 'command -v systemctl >/dev/null && [ -d /run/systemd/system ]']).ok;
  const cmds = systemd ? [['systemctl', 'disable', '--now', service]] : [['sh', '-c', `command -v invoke-rc.d >/dev/null && invoke-rc.d ${service} stop || service ${service} stop`]];
  for (const c of cmds) {
    const [cmd, ...rest] = [...prefix, ...c];
    const r = quiet(cmd, rest);
    log(`system ${service} service: ${r.ok ? 'stopped' : 'not running'} (the tests start their own)`);
  }
}
