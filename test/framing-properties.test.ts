/**
 * Properties of the frame decoder and parser (src/main/core/framing), checked with fast-check: any
 * split of a valid stream decodes to the same frames, any byte string fails only with FrameError,
 * and the length bounds hold for every length. test/framing.test.ts has the worked examples.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, parseFrame } from '../src/main/core/framing/frame-codec.ts';
import { FrameDecoder, FrameError } from '../src/main/core/framing/frame-decoder.ts';

const MAX = 4096;

/** Frames as a client might send them: a type and arbitrary JSON fields (any Unicode in strings). */
const frameObject = fc
  .record({
    type: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    body: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  })
  .map(({ type, body }) => ({ ...body, type }))
  .filter((frame) => encodeFrame(frame).length - 4 <= MAX);

/** Cuts `bytes` at the given points (sorted, deduplicated), keeping every byte in order. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    parts.push(bytes.subarray(from, point));
    from = point;
  }
  return parts;
}

function decodeAll(decoder: FrameDecoder, parts: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  // Copy each payload: it may share memory with a chunk (FrameDecoder.push says so).
  for (const part of parts) decoder.push(part, (payload) => out.push(Buffer.from(payload)));
  return out;
}

describe('frame decoder (properties)', () => {
  it('decodes any split of a stream of valid frames to the same frames, in order, with nothing pending', () => {
    fc.assert(
      fc.property(
        fc.array(frameObject, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (frames, cuts) => {
          const stream = Buffer.concat(frames.map((f) => encodeFrame(f)));
          const decoder = new FrameDecoder(MAX);
          const payloads = decodeAll(decoder, split(stream, cuts));
          expect(decoder.pendingBytes).toBe(0);
          const parsed = payloads.map((p) => parseFrame(p));
          expect(parsed).toEqual(frames.map((f) => ({ ok: true, frame: JSON.parse(JSON.stringify(f)) })));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws anything but FrameError on any byte string, split anyhow; parseFrame never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
        const decoder = new FrameDecoder(256);
        let payloads: Buffer[] = [];
        try {
          payloads = decodeAll(decoder, split(Buffer.from(bytes), cuts));
        } catch (error) {
          expect(error).toBeInstanceOf(FrameError);
          expect((error as FrameError).code).toBe('bad_frame');
        }
        for (const payload of payloads) {
          expect(payload.length).toBeGreaterThan(0);
          expect(payload.length).toBeLessThanOrEqual(256);
          const result = parseFrame(payload);
          if (result.ok) expect(typeof result.frame.type).toBe('string');
          else expect(result.reason).toMatch(/^frame /);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly the lengths 1..max, and refuses 0 or above max before buffering any body byte', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 1 << 20 }), (length, max) => {
        const decoder = new FrameDecoder(max);
        const header = Buffer.alloc(4);
        header.writeUInt32BE(length);
        const valid = length >= 1 && length <= max;
        if (valid) {
          decoder.push(header, () => expect.fail('no body yet'));
          expect(decoder.pendingBytes).toBe(4);
        } else {
          expect(() => decoder.push(header, () => {})).toThrow(FrameError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a truncated frame is never delivered and stays pending until its last byte', () => {
    fc.assert(
      fc.property(frameObject, (frame) => {
        const bytes = encodeFrame(frame);
        const decoder = new FrameDecoder(MAX);
        const seen: Buffer[] = [];
        for (let i = 0; i < bytes.length - 1; i++) decoder.push(bytes.subarray(i, i + 1), (p) => seen.push(p));
        expect(seen).toEqual([]);
        expect(decoder.pendingBytes).toBe(bytes.length - 1);
        decoder.push(bytes.subarray(bytes.length - 1), (p) => seen.push(Buffer.from(p)));
        expect(seen.length).toBe(1);
        expect(decoder.pendingBytes).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
