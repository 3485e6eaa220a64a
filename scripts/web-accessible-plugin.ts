/**
 * Keeps `web_accessible_resources` to what manifest.config.ts declares. crxjs lists every
 * script built through `?script` as web-accessible with a fixed URL, which would let any page
 * probe `chrome-extension://<id>/src/content/index.js` to learn that CallBar is installed. Our
 * content script is injected by chrome.scripting (registerContentScripts / executeScript),
 * which needs no web-accessible entry, so such entries are dropped from dist/manifest.json when
 * the build closes (crxjs writes the manifest late).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';

interface War {
  resources: string[];
  matches?: string[];
  use_dynamic_url?: boolean;
}

export function onlyDeclaredWebAccessible(declared: readonly War[]): Plugin {
  let outDir = 'dist';
  const allowed = new Set(declared.flatMap((entry) => entry.resources));
  return {
    name: 'callbar-only-declared-web-accessible',
    apply: 'build',
    enforce: 'post',
    configResolved(config: ResolvedConfig) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const file = join(outDir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { web_accessible_resources?: War[] };
      const kept = (manifest.web_accessible_resources ?? [])
        .map((entry) => ({ ...entry, resources: entry.resources.filter((r) => allowed.has(r)) }))
        .filter((entry) => entry.resources.length > 0 && entry.use_dynamic_url === true);
      if (kept.length) manifest.web_accessible_resources = kept;
      else delete manifest.web_accessible_resources;
      writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    },
  };
}
