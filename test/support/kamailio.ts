/**
 * A real SIP-over-WebSocket server for tests and demos: Debian's Kamailio 5.6 run
 * in the foreground as a child process, with test/sip/kamailio.cfg on a free port
 * of 127.0.0.1 (plain ws://, no TLS, no database).
 *
 *   const sip = await startKamailio();          // ws://127.0.0.1:<free port>, domain callbar.test
 *   ua register sip:alice@callbar.test with password sipPassword('alice')  // "pw-alice"
 *   await sip.restart();                        // same port; every registration is lost
 *   await sip.stop();
 *
 * Password rule (no subscriber table): the password of user U is "pw-" + U. Any user
 * name of letters and digits may register. A wrong password gets
 *  "403 Wrong password (test rule: pw-user)" (no < > in a reason phrase: JsSIP drops such a response).
 *
 * Plain Node (no vitest): importable from scripts/demo.ts under tsx.
 * Set KAMAILIO_LOG=1 to echo Kamailio's log to stderr; logs() returns the last lines anyway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The SIP domain every test user registers on (sip:alice@callbar.test). */
export const SIP_DOMAIN = 'callbar.test';
export const KAMAILIO_BIN = process.env.KAMAILIO_PATH ?? '/usr/sbin/kamailio';
export const KAMAILIO_CONFIG = fileURLToPath(new URL('../sip/kamailio.cfg', import.meta.url));

/** The test server's password rule: user U's password is "pw-" + U (alice → "pw-alice"). */
export function sipPassword(user: string): string {
  return `pw-${user}`;
}

export interface KamailioOptions {
  /** TCP port on 127.0.0.1; default: a free one picked at start. */
  port?: number;
  /** SIP domain (realm and alias); default SIP_DOMAIN. */
  domain?: string;
  /** Challenge initial INVITE/REFER/MESSAGE/SUBSCRIBE with 407 like a real PBX (default true); REGISTER is always challenged. */
  authenticateCalls?: boolean;
  /** Kamailio's debug level (default 2: info, one line per request). */
  debugLevel?: number;
  /** A user every call to an unregistered number goes to (the demo's answering customers); default none. */
  catchAll?: string;
  /** Another config template with the same substdef lines (default test/sip/kamailio.cfg). */
  config?: string;
  /** How long startup may take (default 10 s). */
  startTimeoutMs?: number;
  /** Each log line of Kamailio (stderr) as it comes; default: echo to stderr when KAMAILIO_LOG=1. */
  onLog?: (line: string) => void;
}

export interface Kamailio {
  /** ws://127.0.0.1:<port> — JsSIP's WebSocketInterface URL. */
  wsUrl: string;
  domain: string;
  port: number;
  /** Pid of the running Kamailio main process (undefined while stopped). */
  readonly pid: number | undefined;
  /** Stop and start again on the same port: connections drop and every registration is lost. */
  restart(): Promise<void>;
  /** Kill Kamailio and wait for it to exit; removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
  /** The last lines Kamailio logged (its stderr), for failure messages. */
  logs(lines?: number): string;
}

/** A port that is free on 127.0.0.1 right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.removeAllListeners();
      sock.destroy();
      resolve(ok);
    };
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
    sock.setTimeout(500, () => done(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The config of this run: test/sip/kamailio.cfg with its substdef lines rewritten. */
export function renderConfig(template: string, port: number, domain: string, authenticateCalls: boolean, debugLevel: number, catchAll = ''): string {
  const set = (text: string, name: string, value: string) => {
    const re = new RegExp(`^#!substdef "!${name}!.*!g"$`, 'm');
    if (!re.test(text)) throw new Error(`kamailio.cfg: no '#!substdef "!${name}!…!g"' line to rewrite`);
    return text.replace(re, `#!substdef "!${name}!${value}!g"`);
  };
  if (!/^[A-Za-z0-9.-]+$/.test(domain)) throw new Error(`not a usable SIP domain: ${domain}`);
  let cfg = set(template, 'WS_PORT', String(port));
  cfg = set(cfg, 'SIP_DOMAIN', domain);
  cfg = set(cfg, 'AUTH_INVITE', authenticateCalls ? '1' : '0');
  if (catchAll && !/^[A-Za-z0-9]+$/.test(catchAll)) throw new Error(`not a usable catch-all user: ${catchAll}`);
  cfg = set(cfg, 'CATCH_ALL', catchAll);
  return cfg.replace(/^debug=\d+$/m, `debug=${debugLevel}`);
}

export async function startKamailio(options: KamailioOptions = {}): Promise<Kamailio> {
  if (!existsSync(KAMAILIO_BIN)) {
    throw new Error(`${KAMAILIO_BIN} is missing: run \`node scripts/ensure-system-deps.mjs kamailio kamailio-websocket-modules\``);
  }
  const domain = options.domain ?? SIP_DOMAIN;
  const port = options.port ?? (await freePort());
  const startTimeout = options.startTimeoutMs ?? 10_000;
  const echo = options.onLog ?? (process.env.KAMAILIO_LOG ? (line: string) => process.stderr.write(`[kamailio:${port}] ${line}\n`) : undefined);
  const dir = mkdtempSync(join(tmpdir(), 'callbar-kamailio-'));
  const cfgPath = join(dir, 'kamailio.cfg');
  writeFileSync(cfgPath, renderConfig(readFileSync(options.config ?? KAMAILIO_CONFIG, 'utf8'), port, domain, options.authenticateCalls ?? true, options.debugLevel ?? 2, options.catchAll));

  const lines: string[] = [];
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let stopped = false;

  // If the Node process dies first, Kamailio (and its children, one process group) die with it.
  const killOnExit = () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', killOnExit);

  const logs = (n = 60) => lines.slice(-n).join('\n');

  async function launchOnce(): Promise<void> {
    // Something else on the port would pass the readiness check below: refuse to start beside it.
    if (await canConnect(port)) throw new Error(`kamailio: 127.0.0.1:${port} is already in use (Address already in use)`);
    const firstLine = lines.length;
    const proc = spawn(
      KAMAILIO_BIN,
      // -DD: stay in the foreground; -E: log to stderr; own pid file, runtime dir and working dir.
      ['-DD', '-E', '-m', '32', '-M', '4', '-Y', dir, '-P', join(dir, 'kamailio.pid'), '-w', dir, '-f', cfgPath],
      { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let partial = '';
    const onData = (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        echo?.(line);
      }
      if (lines.length > 2000) lines.splice(0, lines.length - 1000);
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    let spawnError: Error | undefined;
    exited = new Promise((resolve) => {
      proc.once('error', (err) => {
        spawnError = err;
        resolve(-1);
      });
      proc.once('exit', (code) => resolve(code));
    });
    let gone = false;
    void exited.then(() => (gone = true));

    const deadline = Date.now() + startTimeout;
    while (Date.now() < deadline) {
      if (gone) break;
      if (await canConnect(port)) {
        if (!gone) return;
        break;
      }
      await sleep(50);
    }
    if (!gone) await killAndWait();
    const code = await exited;
    const why = spawnError ? spawnError.message : gone ? `exited with code ${code}` : `did not accept connections on 127.0.0.1:${port} within ${startTimeout} ms`;
    // Kamailio's own complaints first (a config error prints one per line and then more), then how it ended.
    const own = lines.slice(firstLine);
    const errors = own.filter((l) => /\b(ERROR|CRITICAL|ALERT|BUG)\b/.test(l)).slice(0, 12);
    const tail = own.slice(-12).filter((l) => !errors.includes(l));
    throw new Error(`kamailio ${why} (config ${cfgPath}):\n${[...errors, ...(tail.length ? ['…', ...tail] : [])].join('\n')}`);
  }

  async function launch(): Promise<void> {
    // A restart right after a stop can still find the port held for a moment: retry that only.
    for (let attempt = 1; ; attempt++) {
      try {
        await launchOnce();
        return;
      } catch (err) {
        const busy = /Address already in use/i.test(String(err));
        if (!busy || attempt >= 5) throw err;
        await sleep(200 * attempt);
      }
    }
  }

  async function killAndWait(): Promise<void> {
    const proc = child;
    if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
    const group = -proc.pid;
    try {
      process.kill(group, 'SIGTERM');
    } catch {
      /* gone */
    }
    const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
    if (timedOut) {
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        /* gone */
      }
      await exited;
    }
    // Kamailio's children (same process group) can outlive the main process for a few
    // seconds and share its listening socket: wait for the whole group, then kill what is left.
    const groupAlive = () => {
      try {
        process.kill(group, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 40 && groupAlive(); i++) await sleep(50);
    if (groupAlive()) {
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        /* gone */
      }
      for (let i = 0; i < 40 && groupAlive(); i++) await sleep(50);
    }
    for (let i = 0; i < 40 && (await canConnect(port)); i++) await sleep(50);
  }

  try {
    await launch();
  } catch (err) {
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    domain,
    port,
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    async restart() {
      if (stopped) throw new Error('kamailio: restart() after stop()');
      await killAndWait();
      lines.push(`----- restart (${new Date().toISOString()}) -----`);
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await killAndWait();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
    logs,
  };
}
