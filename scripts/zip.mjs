#!/usr/bin/env node
/**
 * Package the built extension (dist/) as release/callbar-<version>.zip.
 *
 *   npm run zip        (builds first, then runs this)
 *
 * Files sit at the zip root (manifest.json at top level, without the "key" that pins the
 * unpacked extension's id: the store refuses it), in sorted order with a fixed timestamp, so the
 * same dist/ always gives the same zip bytes.
 */
import { zipSync } from 'fflate';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const RELEASE = path.join(ROOT, 'release');
// Fixed mtime for reproducible archives. Zip stores local DOS time and fflate
// reads the Date's local fields, so build it from local fields too: the
// archive then says 2026-01-01 00:00 whatever the TZ.
const MTIME = new Date(2026, 0, 1, 0, 0, 0);
// Already-compressed formats are stored, not deflated again.
const STORE_EXT = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.woff', '.woff2', '.zip', '.gz']);

function fail(msg) {
  console.error(`zip: ${msg}`);
  process.exit(1);
}

if (!existsSync(path.join(DIST, 'manifest.json'))) {
  fail(`${path.relative(process.cwd(), path.join(DIST, 'manifest.json')) || 'dist/manifest.json'} is missing; run npm run build first`);
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
if (!pkg.version) fail('package.json has no "version"');

/**
 * The manifest as the Chrome Web Store takes it: without "key". The key pins the id of the
 * unpacked extension (tests, policies written against it); the store refuses an upload that
 * carries one and gives the extension its own id.
 */
function storeManifest(bytes) {
  const manifest = JSON.parse(new TextDecoder().decode(bytes));
  delete manifest.key;
  return new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
}

/** All files under dir as zip paths ("a/b.js"), sorted by code unit order. */
function listFiles(dir, prefix = '') {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === '.DS_Store') continue;
    const abs = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    const st = statSync(abs);
    if (st.isDirectory()) out.push(...listFiles(abs, rel));
    else if (st.isFile()) out.push(rel);
  }
  return out;
}

const files = listFiles(DIST).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
// manifest.json first: purely cosmetic, but nice when listing the archive.
files.sort((a, b) => (a === 'manifest.json' ? -1 : b === 'manifest.json' ? 1 : 0));

/** @type {import('fflate').Zippable} */
const entries = {};
for (const rel of files) {
  let data = new Uint8Array(readFileSync(path.join(DIST, ...rel.split('/'))));
  if (rel === 'manifest.json') data = storeManifest(data);
  const level = STORE_EXT.has(path.extname(rel).toLowerCase()) ? 0 : 9;
  entries[rel] = [data, { level, mtime: MTIME }];
}

const zipped = zipSync(entries, { level: 9, mtime: MTIME });
mkdirSync(RELEASE, { recursive: true });
const out = path.join(RELEASE, `callbar-${pkg.version}.zip`);
writeFileSync(out, zipped);

const kib = (zipped.length / 1024).toFixed(1);
console.log(`${path.relative(process.cwd(), out) || out}  ${zipped.length} bytes (${kib} KiB, ${files.length} files)`);
