#!/usr/bin/env node
/**
 * Make a fresh checkout runnable with nothing but Node, npm and Debian's apt:
 * installs npm dependencies (npm ci, exactly the lock) when node_modules is missing or older than the lock
 * file, then the Debian packages named on the command line (default: chromium).
 *
 *   node scripts/bootstrap.mjs [debian-package …]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.package-lock.json');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[bootstrap] "${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

const stale = !existsSync(stamp) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(stamp).mtimeMs + 1000);
if (stale) {
  // npm ci: exactly the lock, never rewrites it (the lock records every platform's optional
  // packages, so npm ci accepts it on any machine); it replaces node_modules wholesale.
  console.log('[bootstrap] installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
const packages = process.argv.slice(2);
run(process.execPath, [join(root, 'scripts', 'ensure-system-deps.mjs'), ...(packages.length ? packages : ['chromium', 'chromium-l10n'])]);
