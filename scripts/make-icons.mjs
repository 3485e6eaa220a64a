#!/usr/bin/env node
/**
 * Generates the extension icons with Node built-ins only:
 *
 *   icons/icon-{16,32,48,128}.png       white handset on a #1677ff rounded square
 *   icons/icon-gray-{16,32,48,128}.png  same glyph on #8c8c8c (logged-out state)
 *
 * The glyph is a polygon (arcs flattened to line segments) filled with a
 * supersampled scanline rasteriser; the badge is an analytic rounded square.
 * PNG chunks and CRC-32 are written by hand; IDAT is zlib-deflated.
 * Output is deterministic (same bytes every run).
 *
 *   node scripts/make-icons.mjs [outDir]
 */
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.resolve(process.argv[2] ?? path.join(ROOT, 'icons'));
const SIZES = [16, 32, 48, 128];
const VARIANTS = [
  { prefix: 'icon', color: [0x16, 0x77, 0xff] },
  { prefix: 'icon-gray', color: [0x8c, 0x8c, 0x8c] },
];

// ---------------------------------------------------------------- PNG -----
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([len, typeAndData, crc]);
}

/** rgba: Uint8Array of width*height*4 (non-premultiplied RGBA). */
function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: None
    Buffer.from(rgba.buffer, rgba.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ------------------------------------------------------------- glyph -----
/**
 * Telephone handset outline in a unit box (y down). The handset is symmetric
 * about the anti-diagonal x + y = 1: earpiece at the top-left, mouthpiece at
 * the bottom-right, handle curving through the bottom-left. We build one half
 * and mirror it. `thickness` is the handle width (thicker for tiny icons).
 */
function handsetPolygon(thickness) {
  const C = [0.94, 0.06]; // centre of the handle's arcs
  const rOut = 0.94;
  const rIn = rOut - thickness;
  const padW = 0.32; // earpiece width
  const corner = 0.06;
  const STEPS = 48;
  const deg = (d) => (d * Math.PI) / 180;
  const pts = [];
  const arc = (cx, cy, r, a0, a1, steps = STEPS) => {
    for (let i = 0; i <= steps; i++) {
      const a = deg(a0 + ((a1 - a0) * i) / steps);
      pts.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
    }
  };

  // Where the earpiece's inner face, after its rounded bottom corner, meets
  // the inner arc: walk from the corner along direction (-1, 1).
  const kx = padW - corner + corner * Math.cos(deg(45));
  const ky = 0.27 + corner * Math.sin(deg(45));
  // Solve |(kx - s, ky + s) - C| = rIn for s > 0.
  const dx = kx - C[0];
  const dy = ky - C[1];
  const a = 2;
  const b = 2 * (dy - dx);
  const c = dx * dx + dy * dy - rIn * rIn;
  const s = (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
  const jx = kx - s;
  const jy = ky + s;
  const joinAngle = (Math.atan2(jy - C[1], jx - C[0]) * 180) / Math.PI;

  arc(C[0], C[1], rIn, 135, joinAngle); // inner edge of handle, up to the earpiece
  arc(padW - corner, 0.27, corner, 45, 0, 8); // earpiece bottom-right corner
  arc(padW - corner, corner, corner, 0, -90, 8); // earpiece top-right corner
  arc(corner, corner, corner, -90, -180, 8); // earpiece top-left corner
  arc(C[0], C[1], rOut, 180, 135); // outer edge of handle, down to the axis

  const half = pts;
  const mirrored = half.map(([x, y]) => [1 - y, 1 - x]).reverse();
  return half.concat(mirrored.slice(1, -1));
}

/** Supersampled coverage (0..1) of a polygon, even-odd rule, per pixel. */
function rasterizePolygon(poly, size, ss) {
  const cov = new Float32Array(size * size);
  const n = poly.length;
  const xs = [];
  const inc = 1 / (ss * ss);
  for (let py = 0; py < size; py++) {
    for (let sy = 0; sy < ss; sy++) {
      const y = py + (sy + 0.5) / ss;
      xs.length = 0;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const [xi, yi] = poly[i];
        const [xj, yj] = poly[j];
        if (yi > y !== yj > y) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
      }
      xs.sort((p, q) => p - q);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        // sample centres x = px + (sx + 0.5) / ss inside [xs[k], xs[k+1])
        const first = Math.max(0, Math.ceil(xs[k] * ss - 0.5));
        const last = Math.min(size * ss - 1, Math.ceil(xs[k + 1] * ss - 0.5) - 1);
        for (let sxAbs = first; sxAbs <= last; sxAbs++) cov[py * size + ((sxAbs / ss) | 0)] += inc;
      }
    }
  }
  return cov;
}

/** Supersampled coverage of a rounded square filling the canvas. */
function roundedSquareCoverage(size, radius, inset, ss) {
  const cov = new Float32Array(size * size);
  const lo = inset;
  const hi = size - inset;
  const inc = 1 / (ss * ss);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let c = 0;
      for (let sy = 0; sy < ss; sy++) {
        const y = py + (sy + 0.5) / ss;
        for (let sx = 0; sx < ss; sx++) {
          const x = px + (sx + 0.5) / ss;
          if (x < lo || x > hi || y < lo || y > hi) continue;
          const cx = Math.min(Math.max(x, lo + radius), hi - radius);
          const cy = Math.min(Math.max(y, lo + radius), hi - radius);
          const ddx = x - cx;
          const ddy = y - cy;
          if (ddx * ddx + ddy * ddy <= radius * radius) c += inc;
        }
      }
      cov[py * size + px] = c;
    }
  }
  return cov;
}

function renderIcon(size, color) {
  const ss = size <= 32 ? 16 : 8;
  const small = size <= 32;
  // Small icons get a thicker handle and a slightly larger glyph so the
  // handset still reads at 16 px.
  const glyphScale = small ? 0.66 : 0.6;
  const thickness = small ? 0.2 : 0.16;
  const inset = size <= 16 ? 0 : size * 0.02;
  const radius = (size - 2 * inset) * 0.22;

  const glyphSize = size * glyphScale;
  const offset = (size - glyphSize) / 2;
  // Nudge the glyph up-right a touch: its visual mass sits bottom-left.
  const nudge = size * 0.015;
  const poly = handsetPolygon(thickness).map(([x, y]) => [offset + nudge + x * glyphSize, offset - nudge + y * glyphSize]);

  const bg = roundedSquareCoverage(size, radius, inset, ss);
  const fg = rasterizePolygon(poly, size, ss);
  const rgba = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    const a = Math.min(1, bg[i]);
    const g = Math.min(1, fg[i]);
    // glyph (white) over badge colour; alpha from the badge shape
    rgba[i * 4] = Math.round(color[0] + (255 - color[0]) * g);
    rgba[i * 4 + 1] = Math.round(color[1] + (255 - color[1]) * g);
    rgba[i * 4 + 2] = Math.round(color[2] + (255 - color[2]) * g);
    rgba[i * 4 + 3] = Math.round(255 * a);
  }
  return encodePng(size, size, rgba);
}

mkdirSync(OUT_DIR, { recursive: true });
for (const { prefix, color } of VARIANTS) {
  for (const size of SIZES) {
    const file = path.join(OUT_DIR, `${prefix}-${size}.png`);
    const png = renderIcon(size, color);
    writeFileSync(file, png);
    console.log(`${path.relative(process.cwd(), file) || file}  ${size}x${size}  ${png.length} B`);
  }
}
