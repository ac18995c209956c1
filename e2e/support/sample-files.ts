/**
 * Files for the file e2e tests, made here rather than checked in: a real PNG (a harbour at
 * sunset, so the previews in the screenshots look like a photo), a small valid PDF, and random
 * bytes of any size. Node's zlib does the PNG's compression and CRC-32.
 */
import { createHash, randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

export interface SampleFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** An RGB PNG of `width` × `height`: sky, sun, sea and a pier. */
export function harbourPng(name: string, width = 1200, height = 800): SampleFile {
  const rows: Buffer[] = [];
  const horizon = Math.round(height * 0.62);
  const sun = { x: width * 0.68, y: height * 0.5, r: height * 0.11 };
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      let r: number;
      let g: number;
      let b: number;
      if (y < horizon) {
        const t = y / horizon;
        r = 40 + 215 * t;
        g = 60 + 110 * t;
        b = 140 - 40 * t;
        const d = Math.hypot(x - sun.x, y - sun.y);
        if (d < sun.r) [r, g, b] = [255, 214, 120];
        else if (d < sun.r * 2.2) {
          const glow = 1 - (d - sun.r) / (sun.r * 1.2);
          r += (255 - r) * glow * 0.5;
          g += (200 - g) * glow * 0.4;
        }
      } else {
        const t = (y - horizon) / (height - horizon);
        const wave = Math.sin(x / 9 + y / 3) * 10 * (1 - t);
        r = 30 + 60 * (1 - t) + wave;
        g = 50 + 50 * (1 - t) + wave;
        b = 90 + 40 * (1 - t) + wave;
        if (Math.abs(x - sun.x) < sun.r * (1 - t) && Math.sin(y * 1.3) > 0) [r, g] = [r + 120, g + 80];
      }
      if (x > width * 0.12 && x < width * 0.16 && y > horizon - height * 0.04) [r, g, b] = [38, 28, 24];
      const at = 1 + x * 3;
      row[at] = Math.max(0, Math.min(255, r));
      row[at + 1] = Math.max(0, Math.min(255, g));
      row[at + 2] = Math.max(0, Math.min(255, b));
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return { name, mimeType: 'image/png', buffer: png };
}

/** A one-page PDF with a few lines of text (valid: header, objects, xref, trailer). */
export function minutesPdf(name: string, lines: string[]): SampleFile {
  const text = lines
    .map((line, i) => `BT /F1 ${i === 0 ? 20 : 12} Tf 72 ${740 - i * 24} Td (${line.replace(/[()\\]/g, '\\$&')}) Tj ET`)
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { name, mimeType: 'application/pdf', buffer: Buffer.from(body, 'latin1') };
}

export function randomFile(name: string, size: number, mimeType = 'application/octet-stream'): SampleFile {
  return { name, mimeType, buffer: randomBytes(size) };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
