#!/usr/bin/env node
// Draws the Clientele mark into assets/icon.svg and assets/icon.png (512x512 RGBA) from one set of
// shapes, with no image tools: a small anti-aliased rasterizer and a PNG writer on node:zlib.
// The mark: an open "C" (the client relationship) with an amber dot in its opening (the next
// conversation), white on an indigo-to-teal rounded square.
//
//   node scripts/make-icon.mjs

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4; // 4x4 supersampling per pixel for smooth edges

const tile = { x: 16, y: 16, size: 480, radius: 108, from: '#1e3a8a', to: '#0f766e' };
const ring = { cx: 256, cy: 256, r: 130, width: 56, gapDegrees: 42, color: '#ffffff' };
const dot = { cx: 386, cy: 256, r: 34, color: '#f59e0b' };

function svg() {
  const gap = (ring.gapDegrees * Math.PI) / 180;
  const ex = round(ring.cx + ring.r * Math.cos(gap));
  const top = round(ring.cy - ring.r * Math.sin(gap));
  const bottom = round(ring.cy + ring.r * Math.sin(gap));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <title>Clientele</title>
  <defs>
    <linearGradient id="tile" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${tile.from}"/>
      <stop offset="1" stop-color="${tile.to}"/>
    </linearGradient>
  </defs>
  <rect x="${tile.x}" y="${tile.y}" width="${tile.size}" height="${tile.size}" rx="${tile.radius}" fill="url(#tile)"/>
  <path d="M ${ex} ${top} A ${ring.r} ${ring.r} 0 1 0 ${ex} ${bottom}" fill="none" stroke="${ring.color}" stroke-width="${ring.width}" stroke-linecap="round"/>
  <circle cx="${dot.cx}" cy="${dot.cy}" r="${dot.r}" fill="${dot.color}"/>
</svg>
`;
}

/** RGBA bytes, each pixel the average of SAMPLES² samples (premultiplied, then un-premultiplied). */
function rasterize() {
  const pixels = Buffer.alloc(SIZE * SIZE * 4);
  const from = hex(tile.from);
  const to = hex(tile.to);
  const white = hex(ring.color);
  const amber = hex(dot.color);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = px + (sx + 0.5) / SAMPLES;
          const y = py + (sy + 0.5) / SAMPLES;
          if (!inRoundedSquare(x, y)) continue;
          let color;
          if (inDot(x, y)) color = amber;
          else if (inRing(x, y)) color = white;
          else {
            const t = clamp(((x - tile.x) / tile.size + (y - tile.y) / tile.size) / 2);
            color = from.map((c, i) => c + (to[i] - c) * t);
          }
          r += color[0];
          g += color[1];
          b += color[2];
          a += 1;
        }
      }
      const offset = (py * SIZE + px) * 4;
      if (a > 0) {
        pixels[offset] = Math.round(r / a);
        pixels[offset + 1] = Math.round(g / a);
        pixels[offset + 2] = Math.round(b / a);
        pixels[offset + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
      }
    }
  }
  return pixels;
}

function inRoundedSquare(x, y) {
  const { x: left, y: top, size, radius } = tile;
  const cx = clampTo(x, left + radius, left + size - radius);
  const cy = clampTo(y, top + radius, top + size - radius);
  if (x < left || y < top || x > left + size || y > top + size) return false;
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/** An arc stroke with round caps: the ring minus a wedge of ±gap around 0° (pointing right). */
function inRing(x, y) {
  const dx = x - ring.cx;
  const dy = y - ring.cy;
  const half = ring.width / 2;
  const gap = (ring.gapDegrees * Math.PI) / 180;
  if (Math.abs(Math.atan2(dy, dx)) >= gap) return Math.abs(Math.hypot(dx, dy) - ring.r) <= half;
  const capX = ring.r * Math.cos(gap);
  const capY = ring.r * Math.sin(gap);
  return Math.hypot(dx - capX, dy - capY) <= half || Math.hypot(dx - capX, dy + capY) <= half;
}

function inDot(x, y) {
  return Math.hypot(x - dot.cx, y - dot.cy) <= dot.r;
}

function png(width, height, rgba) {
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function hex(color) {
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
}

function clamp(t) {
  return Math.min(1, Math.max(0, t));
}

function clampTo(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

function round(value) {
  return Math.round(value * 100) / 100;
}

const assets = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'assets');
mkdirSync(assets, { recursive: true });
writeFileSync(join(assets, 'icon.svg'), svg());
writeFileSync(join(assets, 'icon.png'), png(SIZE, SIZE, rasterize()));
console.log('wrote assets/icon.svg and assets/icon.png');
