/**
 * `npm run screenshots`: README's pictures, taken from the real extension in Chromium.
 * Runs the demo's headless walk-through and copies the interesting steps to docs/images/.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/e2e/support/extension.ts';

// README shows the default provider (the 移动云 softphone bar); its demo writes demo-output/cmcc-softbar/.
const PROVIDER = 'cmcc-softbar';
const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts'), '--headless', '--provider', PROVIDER], { cwd: ROOT, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
const out = join(ROOT, 'demo-output', PROVIDER);
const images = join(ROOT, 'docs', 'images');
mkdirSync(images, { recursive: true });
const wanted: Record<string, string> = {
  'popup-logged-in': 'popup.png',
  'picker-confirm': 'picker.png',
  connected: 'toolbar.png',
  incoming: 'incoming.png',
  'popup-incoming': 'popup-incoming.png',
};
for (const file of readdirSync(out)) {
  const step = file.replace(/^\d+-/, '').replace(/\.png$/, '');
  if (wanted[step]) {
    copyFileSync(join(out, file), join(images, wanted[step]!));
    console.log(`docs/images/${wanted[step]}  ←  demo-output/${PROVIDER}/${file}`);
  }
}
