/**
 * The store zip (`npm run zip` → scripts/zip.mjs) is what the Chrome Web Store takes: the built
 * extension at the zip root, and a manifest without "key" (the store refuses an upload with one).
 * Runs against dist/ as `npm test` builds it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const built = existsSync(`${ROOT}dist/manifest.json`);

describe.skipIf(!built)('the store zip', () => {
  it('holds every built file, at the root, and a manifest without "key" that is otherwise the built one', () => {
    const out = execFileSync(process.execPath, [`${ROOT}scripts/zip.mjs`], { cwd: ROOT, encoding: 'utf8' });
    const name = /release\/(callbar-[\w.-]+\.zip)/.exec(out)?.[1];
    expect(name, out).toBeDefined();
    const files = unzipSync(readFileSync(`${ROOT}release/${name}`));
    const dist = JSON.parse(readFileSync(`${ROOT}dist/manifest.json`, 'utf8')) as Record<string, unknown>;
    expect(dist.key, 'the unpacked build keeps its pinned id').toBeTypeOf('string');
    const zipped = JSON.parse(strFromU8(files['manifest.json']!)) as Record<string, unknown>;
    expect(zipped).not.toHaveProperty('key');
    delete dist.key;
    expect(zipped).toEqual(dist);
    const count = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(`${dir}/${e.name}`) : 1), 0);
    expect(Object.keys(files)).toHaveLength(count(`${ROOT}dist`));
  });
});
