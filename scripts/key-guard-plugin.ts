/**
 * Puts src/content/key-guard.js into the built extension as a plain (non-module) content script
 * that runs at document_start, first in the manifest's list. crxjs turns every content script
 * into a module loaded with an async import(), which would run after the page's first scripts;
 * the key guard must be registered before them. crxjs writes dist/manifest.json late, so this
 * edits the written file when the build closes.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';

export const KEY_GUARD_FILE = 'key-guard.js';

export function keyGuard(): Plugin {
  let outDir = 'dist';
  return {
    name: 'callbar-key-guard',
    apply: 'build',
    enforce: 'post',
    configResolved(config: ResolvedConfig) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const file = join(outDir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { content_scripts?: Array<{ js?: string[] }> };
      if (manifest.content_scripts?.some((s) => s.js?.includes(KEY_GUARD_FILE))) return;
      copyFileSync(new URL('../src/content/key-guard.js', import.meta.url), join(outDir, KEY_GUARD_FILE));
      manifest.content_scripts = [{ matches: ['http://*/*', 'https://*/*'], js: [KEY_GUARD_FILE], run_at: 'document_start', all_frames: true } as never, ...(manifest.content_scripts ?? [])];
      writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    },
  };
}
