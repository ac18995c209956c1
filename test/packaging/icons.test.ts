/**
 * Every icon the config and the app refer to exists, has the pixel size its name promises, and
 * (for the Windows and macOS containers) parses: header magic, entry count, every entry in bounds.
 * The files are committed renders of resources/icon.svg (`npm run icons`, tools/make-icons.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, readBuilderConfig } from './builder-config.ts';

const config = readBuilderConfig();
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk (always the first), or null if it is no PNG. */
function pngSize(data: Buffer): { width: number; height: number } | null {
  if (data.length < 24 || !data.subarray(0, 8).equals(PNG_MAGIC)) return null;
  if (data.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

type IcoEntry = { width: number; height: number; format: 'png' | 'bmp' };

/** The entries of an ICO file (ICONDIR + ICONDIRENTRY), each checked to lie inside the file. */
function icoEntries(file: Buffer): IcoEntry[] {
  expect(file.readUInt16LE(0)).toBe(0); // reserved
  expect(file.readUInt16LE(2)).toBe(1); // 1 = icon
  const count = file.readUInt16LE(4);
  const entries: IcoEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = 6 + i * 16;
    const width = file.readUInt8(at) || 256;
    const height = file.readUInt8(at + 1) || 256;
    const size = file.readUInt32LE(at + 8);
    const offset = file.readUInt32LE(at + 12);
    expect(offset + size).toBeLessThanOrEqual(file.length);
    const data = file.subarray(offset, offset + size);
    const png = pngSize(data);
    if (png) {
      expect(png).toEqual({ width, height });
      entries.push({ width, height, format: 'png' });
    } else {
      // A BITMAPINFOHEADER: 40 bytes, then width and (doubled: colour + mask) height.
      expect(data.readUInt32LE(0)).toBe(40);
      expect(data.readInt32LE(4)).toBe(width);
      expect(data.readInt32LE(8)).toBe(height * 2);
      entries.push({ width, height, format: 'bmp' });
    }
  }
  return entries;
}

/** The PNG-coded entries of an ICNS file by OSType, with their pixel size. */
function icnsPngEntries(file: Buffer): Map<string, number> {
  expect(file.toString('latin1', 0, 4)).toBe('icns');
  expect(file.readUInt32BE(4)).toBe(file.length);
  const found = new Map<string, number>();
  let at = 8;
  while (at < file.length) {
    const type = file.toString('latin1', at, at + 4);
    const length = file.readUInt32BE(at + 4);
    expect(length).toBeGreaterThanOrEqual(8);
    expect(at + length).toBeLessThanOrEqual(file.length);
    const png = pngSize(file.subarray(at + 8, at + length));
    if (png) {
      expect(png.width).toBe(png.height);
      found.set(type, png.width);
    }
    at += length;
  }
  expect(at).toBe(file.length);
  return found;
}

describe('icons', () => {
  it('has one SVG source', () => {
    expect(readFileSync(join(ROOT, 'resources/icon.svg'), 'utf8')).toMatch(/<svg[^>]+viewBox="0 0 1024 1024"/);
  });

  it('resources/icon.png (window and tray; packaged via `files`) is 1024 px', () => {
    expect(config.files).toContain('resources/icon.png');
    expect(pngSize(readFileSync(join(ROOT, 'resources/icon.png')))).toEqual({ width: 1024, height: 1024 });
  });

  it('build/icons/ (Linux) has every size, each as large as its name says', () => {
    expect(config.linux.icon).toBe('build/icons');
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      const file = join(ROOT, `build/icons/${size}x${size}.png`);
      expect(existsSync(file), file).toBe(true);
      expect(pngSize(readFileSync(file)), file).toEqual({ width: size, height: size });
    }
  });

  it('build/icon.ico (Windows) holds 16 to 256 px', () => {
    expect(config.win.icon).toBe('build/icon.ico');
    const entries = icoEntries(readFileSync(join(ROOT, config.win.icon)));
    const sizes = entries.map((e) => e.width);
    expect(sizes).toEqual(expect.arrayContaining([16, 24, 32, 48, 64, 128, 256]));
    for (const entry of entries) expect(entry.width).toBe(entry.height);
    // electron-builder refuses an .ico without a 256 px image.
    expect(Math.max(...sizes)).toBe(256);
  });

  it('build/icon.icns (macOS) holds 16 to 1024 px, retina variants included', () => {
    expect(config.mac.icon).toBe('build/icon.icns');
    const entries = icnsPngEntries(readFileSync(join(ROOT, config.mac.icon)));
    // OSType → pixel size (Apple's Icon Services types).
    const expected: Record<string, number> = {
      ic11: 32, // 16@2x
      ic12: 64, // 32@2x
      ic07: 128,
      ic13: 256, // 128@2x
      ic08: 256,
      ic14: 512, // 256@2x
      ic09: 512,
      ic10: 1024, // 512@2x
    };
    for (const [type, size] of Object.entries(expected)) expect(entries.get(type), type).toBe(size);
  });
});
