/**
 * `npm run sim:<provider>` stops with its parent: a SIGTERM to npm (a process manager, a CI
 * step's timeout) must free the simulator's port, not leave its node process running behind
 * (npm signals the shell it started; the scripts `exec` tsx so that the signal reaches it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let running: ChildProcess | null = null;

afterEach(() => {
  if (running?.exitCode === null) running.kill('SIGKILL');
});

/** Start `npm run <script>` and resolve with the first loopback URL it prints. */
function start(script: string, args: string[]): Promise<{ npm: ChildProcess; url: string }> {
  const npm = spawn('npm', ['run', script, '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running = npm;
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${script} printed no URL in 20 s:\n${out}`)), 20_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
      if (url) {
        clearTimeout(timer);
        resolve({ npm, url });
      }
    };
    npm.stdout!.on('data', read);
    npm.stderr!.on('data', read);
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

describe('simulator scripts', () => {
  it.each([
    ['sim:softbar', ['--port', '0']],
    ['sim:dscom', ['--port', '0', '--billing-port', '0']],
    ['sim:800ing', ['--port', '0', '--client-port', '0']],
  ])('%s: a SIGTERM to npm stops the simulator (its port is free again)', async (script, args) => {
    const { npm, url } = await start(script, args);
    expect(await answers(url)).toBe(true);
    npm.kill('SIGTERM');
    const deadline = Date.now() + 5_000;
    while ((await answers(url)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await answers(url), `${url} still answers after npm was stopped`).toBe(false);
  }, 30_000);
});
