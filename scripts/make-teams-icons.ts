/**
 * `npx tsx scripts/make-teams-icons.ts`: draws the Teams app icons into manifests/teams/.
 * The glyph is a ring joining three dots (a community). Sizes and colours follow the Teams app
 * package rules: color.png 192x192 full colour, outline.png 32x32 white on transparent.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { crc32, deflateSync } from "node:zlib";

type Rgb = readonly [number, number, number];

/** The accent colour of the manifest; the colour icon's background. */
export const ACCENT: Rgb = [0x2e, 0x6f, 0x73];
const WHITE: Rgb = [255, 255, 255];

interface Glyph {
  ringRadius: number;
  ringWidth: number;
  dotRadius: number;
}

/** How much of the pixel (x, y) the glyph covers, 0..1, by 4x4 supersampling for smooth edges. */
function coverage(size: number, glyph: Glyph, x: number, y: number): number {
  const centre = size / 2;
  const dots = [90, 210, 330].map((deg) => {
    const rad = (deg * Math.PI) / 180;
    return [centre + glyph.ringRadius * Math.cos(rad), centre - glyph.ringRadius * Math.sin(rad)] as const;
  });
  let hits = 0;
  for (let sy = 0; sy < 4; sy += 1) {
    for (let sx = 0; sx < 4; sx += 1) {
      const px = x + (sx + 0.5) / 4;
      const py = y + (sy + 0.5) / 4;
      const fromCentre = Math.hypot(px - centre, py - centre);
      const onRing = Math.abs(fromCentre - glyph.ringRadius) <= glyph.ringWidth / 2;
      const onDot = dots.some(([dx, dy]) => Math.hypot(px - dx, py - dy) <= glyph.dotRadius);
      if (onRing || onDot) hits += 1;
    }
  }
  return hits / 16;
}

/** RGBA pixels: the white glyph over `background`, or over transparency when there is none. */
export function drawIcon(size: number, glyph: Glyph, background: Rgb | null): Buffer {
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const c = coverage(size, glyph, x, y);
      const i = (y * size + x) * 4;
      if (background === null) {
        rgba.set([...WHITE, Math.round(c * 255)], i);
      } else {
        const mix = (channel: 0 | 1 | 2): number => Math.round(background[channel] * (1 - c) + WHITE[channel] * c);
        rgba.set([mix(0), mix(1), mix(2), 255], i);
      }
    }
  }
  return rgba;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A PNG (8-bit RGBA, not interlaced, filter 0 on every row) from RGBA pixels. */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, filter set 0, no interlace
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y += 1) {
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(rows, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

export function makeColorIcon(): Buffer {
  // Teams crops the colour icon to a rounded square; the glyph stays inside its central safe area.
  return encodePng(192, 192, drawIcon(192, { ringRadius: 48, ringWidth: 8, dotRadius: 18 }, ACCENT));
}

export function makeOutlineIcon(): Buffer {
  return encodePng(32, 32, drawIcon(32, { ringRadius: 10, ringWidth: 2, dotRadius: 4 }, null));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = new URL("../manifests/teams/", import.meta.url);
  writeFileSync(new URL("color.png", dir), makeColorIcon());
  writeFileSync(new URL("outline.png", dir), makeOutlineIcon());
  console.log(`Wrote ${fileURLToPath(new URL("color.png", dir))} and outline.png`);
}
