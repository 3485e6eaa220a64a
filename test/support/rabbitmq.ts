/**
 * A real message broker for tests and demos: Debian's RabbitMQ 3.10 with the web-STOMP plugin,
 * run as a child process (no systemd) with its own node name, data directory and ports on
 * 127.0.0.1. v-call pushes agent events over STOMP on WebSocket (docs/providers/vcall.md).
 *
 *   const mq = await startRabbit();               // about 7-9 s here
 *   await mq.addUser('vcall', 'agent-mq', 'secret'); // vhost + user with full rights on it
 *   new Client({ brokerURL: mq.stompUrl, connectHeaders: { login, passcode, host: 'vcall' } })
 *   await mq.dropConnections();                    // every client sees its socket close
 *   await mq.restart();                            // same ports; durable queues + persistent messages kept
 *   await mq.stop();                               // also removes the data directory
 *
 * Run as root (CI, this machine), the broker runs as the `rabbitmq` user Debian's package
 * creates (its data directory is chowned to it); otherwise as the current user.
 * Plain Node (no vitest): importable from scripts/demo.ts under tsx. RABBITMQ_LOG=1 echoes its output.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './kamailio.ts';
import { type Relay, startRelay } from './tcp-relay.ts';

const LIB = process.env.RABBITMQ_LIB ?? '/usr/lib/rabbitmq/bin';

export interface RabbitOptions {
  /** The port clients use for web-STOMP (WebSocket) on 127.0.0.1 (the harness's relay to the broker); default: a free one. */
  stompPort?: number;
  /** AMQP port on 127.0.0.1 (unused by CallBar, but the broker always listens); default: a free one. */
  amqpPort?: number;
  /** How long startup may take (default 30 s: a cold start here takes 7-9 s, more under load). */
  startTimeoutMs?: number;
}

export interface Rabbit {
  /** ws://127.0.0.1:<port>/ws — the web-STOMP endpoint (@stomp/stompjs brokerURL). */
  stompUrl: string;
  stompPort: number;
  /**
   * ws://127.0.0.1:<port>/ws of the broker itself, bypassing the relay: for the platform's publisher
   * (a simulator), which the agent's network faults (dropConnections, setUnreachable) do not touch.
   */
  platformUrl: string;
  /** Full rights on vhost '/' and on every vhost made by addUser: for a publisher (a simulator). */
  admin: { login: string; passcode: string };
  /** Create the vhost if missing and a user (or reset its password) with full permissions on it. */
  addUser(vhost: string, login: string, passcode: string): Promise<void>;
  /**
   * Cut every client connection (each client sees its WebSocket close: a network drop). Clients
   * reach the broker through a TCP relay of this harness (RabbitMQ lists no web-STOMP connection
   * that rabbitmqctl could close), so this is the network failing, not the broker.
   */
  dropConnections(): Promise<void>;
  /** While true, new connections are refused at once (the network is down; the broker keeps running). */
  setUnreachable(down: boolean): void;
  /** Stop and start again on the same ports; durable queues and persistent messages survive. */
  restart(): Promise<void>;
  /** Stop the broker and remove its data. Safe to call twice. */
  stop(): Promise<void>;
  /** The last lines of the broker's output, for failure messages. */
  logs(lines?: number): string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

export async function startRabbit(options: RabbitOptions = {}): Promise<Rabbit> {
  if (!existsSync(join(LIB, 'rabbitmq-server'))) {
    throw new Error(`${LIB}/rabbitmq-server is missing: run \`node scripts/ensure-system-deps.mjs rabbitmq-server\``);
  }
  const stompPort = options.stompPort ?? (await freePort());
  const brokerPort = await freePort();
  const amqpPort = options.amqpPort ?? (await freePort());
  const distPort = await freePort();
  const startTimeout = options.startTimeoutMs ?? 30_000;
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'callbar-rabbitmq-'));
  mkdirSync(join(dir, 'mnesia'));
  mkdirSync(join(dir, 'log'));
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_web_stomp].\n');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${amqpPort}`,
      `web_stomp.tcp.port = ${brokerPort}`,
      'web_stomp.tcp.ip = 127.0.0.1',
      // The plain-TCP STOMP listener (61613 by default) would collide between brokers: off.
      'stomp.listeners.tcp = none',
      'loopback_users = none',
      // A test broker on a busy machine: do not refuse publishers over disk or memory alarms.
      'disk_free_limit.absolute = 1MB',
      'vm_memory_high_watermark.relative = 0.8',
      '',
    ].join('\n'),
  );
  if (asRoot) {
    const { uid, gid } = rabbitUser();
    for (const p of [dir, join(dir, 'mnesia'), join(dir, 'log'), join(dir, 'enabled_plugins'), join(dir, 'rabbitmq.conf')]) chownSync(p, uid, gid);
  }
  const nodeName = `callbar${stompPort}@localhost`;
  const env: Record<string, string> = {
    HOME: dir, // the Erlang cookie lives here; rabbitmqctl below uses the same
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
  };
  const command = (bin: string, args: readonly string[]): [string, string[]] => {
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    return asRoot ? ['runuser', ['-u', 'rabbitmq', '--', 'env', ...envArgs, join(LIB, bin), ...args]] : ['env', [...envArgs, join(LIB, bin), ...args]];
  };

  const lines: string[] = [];
  const echo = process.env.RABBITMQ_LOG ? (line: string) => process.stderr.write(`[rabbitmq:${stompPort}] ${line}\n`) : undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let stopped = false;
  const killOnExit = () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  };
  process.on('exit', killOnExit);
  const logs = (n = 60) => lines.slice(-n).join('\n');

  const ctl = (args: readonly string[], timeoutMs = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const [cmd, argv] = command('rabbitmqctl', args);
      execFile(cmd, argv, { cwd: dir, timeout: timeoutMs }, (err, stdout, stderr) => {
        if (err) reject(new Error(`rabbitmqctl ${args.join(' ')}: ${String(stderr || stdout || err.message).trim()}`));
        else resolve(stdout);
      });
    });

  async function launch(): Promise<void> {
    if (await canConnect(brokerPort)) throw new Error(`rabbitmq: 127.0.0.1:${brokerPort} is already in use`);
    const [cmd, argv] = command('rabbitmq-server', []);
    const proc = spawn(cmd, argv, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
    exited = new Promise((resolve) => {
      proc.once('error', () => resolve(-1));
      proc.once('exit', (code) => resolve(code));
    });
    let gone = false;
    void exited.then(() => (gone = true));
    const deadline = Date.now() + startTimeout;
    while (Date.now() < deadline && !gone) {
      // web-STOMP listens once the broker and its plugins are up.
      if (await canConnect(brokerPort)) return;
      await sleep(100);
    }
    if (!gone) await killAndWait();
    const logFile = join(dir, 'log', `${nodeName}.log`);
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new Error(`rabbitmq ${gone ? `exited with code ${await exited}` : `did not open web-STOMP on 127.0.0.1:${brokerPort} within ${startTimeout} ms`}:\n${logs(15)}\n${log}`);
  }

  async function killAndWait(): Promise<void> {
    const proc = child;
    if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
    // A clean stop writes the queues' state: durable queues and persistent messages survive a restart.
    await ctl(['stop'], 15_000).catch(() => undefined);
    const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
    if (timedOut) {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      await exited;
    }
    for (let i = 0; i < 60 && (await canConnect(brokerPort)); i++) await sleep(50);
  }

  try {
    await launch();
  } catch (err) {
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  let relay: Relay;
  try {
    relay = await startRelay(stompPort, brokerPort);
  } catch (err) {
    await killAndWait();
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const admin = { login: 'callbar-admin', passcode: 'callbar-admin-pw' };
  const vhosts = new Set<string>(['/']);
  const grant = (vhost: string, login: string) => ctl(['set_permissions', '-p', vhost, login, '.*', '.*', '.*']);
  async function ensureUser(login: string, passcode: string): Promise<void> {
    try {
      await ctl(['add_user', login, passcode]);
    } catch (err) {
      if (!/already exists/i.test(String(err))) throw err;
      await ctl(['change_password', login, passcode]);
    }
  }
  await ensureUser(admin.login, admin.passcode);
  await grant('/', admin.login);

  return {
    stompUrl: `ws://127.0.0.1:${stompPort}/ws`,
    stompPort,
    platformUrl: `ws://127.0.0.1:${brokerPort}/ws`,
    admin,
    async addUser(vhost, login, passcode) {
      if (!vhosts.has(vhost)) {
        try {
          await ctl(['add_vhost', vhost]);
        } catch (err) {
          if (!/already exists/i.test(String(err))) throw err;
        }
        vhosts.add(vhost);
        await grant(vhost, admin.login);
      }
      await ensureUser(login, passcode);
      await grant(vhost, login);
    },
    async dropConnections() {
      relay.dropAll();
    },
    setUnreachable(down) {
      relay.down = down;
      if (down) relay.dropAll();
    },
    async restart() {
      if (stopped) throw new Error('rabbitmq: restart() after stop()');
      await killAndWait();
      lines.push(`----- restart (${new Date().toISOString()}) -----`);
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await relay.close();
      await killAndWait();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
    logs,
  };
}

function rabbitUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('rabbitmq:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('rabbitmq: no `rabbitmq` user (install Debian\'s rabbitmq-server: node scripts/ensure-system-deps.mjs rabbitmq-server)');
  return { uid: Number(uid), gid: Number(gid) };
}
