/**
 * A real X display for the tests that need Chromium's own UI: the permission prompt
 * (chrome.permissions.request shows a native dialog, which headless Chromium never shows) and
 * keyboard shortcuts (commands go through the browser window). Xvfb and xdotool come from Debian
 * (`npm test` installs them through scripts/bootstrap.mjs).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Display {
  /** `:N`, for DISPLAY. */
  name: string;
  /** Press keys as the agent does, on whatever window has the focus (xdotool key syntax: "Tab", "alt+shift+d"). */
  keys(...keys: string[]): void;
  /** A screenshot of the whole screen (ImageMagick's import), for a human to look at. */
  screenshot(path: string): void;
  stop(): Promise<void>;
}

export async function startDisplay(): Promise<Display> {
  for (const tool of ['Xvfb', 'xdotool']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`]);
    } catch {
      throw new Error(`${tool} is missing: run \`node scripts/ensure-system-deps.mjs xvfb xdotool\``);
    }
  }
  // A display number nobody uses.
  let n = 90 + Math.floor(Math.random() * 400);
  while (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) n++;
  const name = `:${n}`;
  const server: ChildProcess = spawn('Xvfb', [name, '-screen', '0', '1366x900x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!existsSync(`/tmp/.X11-unix/X${n}`)) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`Xvfb ${name} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const env = { ...process.env, DISPLAY: name };
  return {
    name,
    keys: (...keys) => void execFileSync('xdotool', ['key', '--delay', '120', ...keys], { env }),
    screenshot: (path) => {
      try {
        execFileSync('import', ['-window', 'root', path], { env });
      } catch {
        // ImageMagick is optional: screenshots are for people, not for the assertions.
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (server.exitCode !== null) return resolve();
        server.once('exit', () => resolve());
        server.kill('SIGTERM');
      }),
  };
}
