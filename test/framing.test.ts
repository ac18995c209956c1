/**
 * Unit tests of the framing layer: FrameDecoder (reassembly of length-prefixed frames from a
 * byte stream), encodeFrame and parseFrame (UTF-8 / JSON object / string type checks).
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame, parseFrame, type ParsedFrame } from '../src/main/core/framing/frame-codec.ts';
import { FrameDecoder, FrameError } from '../src/main/core/framing/frame-decoder.ts';

const MAX = 1024 * 1024;

/** A length-prefixed frame around arbitrary body bytes (for bodies encodeFrame can't make). */
function rawFrame(body: Buffer | string): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const header = Buffer.alloc(4);
  header.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([header, bytes]);
}

function header(length: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(length, 0);
  return out;
}

/**
 * Feeds `chunks` to a fresh decoder and returns the parsed frames. Payloads are copied as
 * they arrive because the decoder may hand out views into the chunks.
 */
function decodeAll(chunks: Buffer[], max = MAX): { frames: ParsedFrame[]; decoder: FrameDecoder } {
  const decoder = new FrameDecoder(max);
  const frames: ParsedFrame[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk, (payload) => {
      const parsed = parseFrame(payload);
      if (!parsed.ok) throw new Error(`unexpected parse failure: ${parsed.reason}`);
      frames.push(parsed.frame);
    });
  }
  return { frames, decoder };
}

/** Splits `bytes` into chunks at the given offsets. */
function splitAt(bytes: Buffer, ...offsets: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of [...offsets, bytes.length]) {
    chunks.push(bytes.subarray(start, offset));
    start = offset;
  }
  return chunks;
}

describe('FrameDecoder reassembly', () => {
  it('reassembles a frame fed one byte at a time', () => {
    const frame = { type: 'hello', protocol: 1, name: 'Ada Lovelace — 🧮' };
    const bytes = encodeFrame(frame);
    const decoder = new FrameDecoder(MAX);
    const seen: ParsedFrame[] = [];
    for (let i = 0; i < bytes.length; i++) {
      decoder.push(bytes.subarray(i, i + 1), (payload) => {
        const parsed = parseFrame(payload);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) seen.push(parsed.frame);
      });
      if (i < bytes.length - 1) {
        expect(seen).toHaveLength(0);
        expect(decoder.pendingBytes).toBe(i + 1);
      }
    }
    expect(seen).toEqual([frame]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('decodes many frames delivered in one chunk, in order, none merged or lost', () => {
    const sent = Array.from({ length: 500 }, (_, i) => ({ type: 'ping', id: i, pad: 'x'.repeat(i % 17) }));
    const chunk = Buffer.concat(sent.map((f) => encodeFrame(f)));
    const { frames, decoder } = decodeAll([chunk]);
    expect(frames).toEqual(sent);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('handles a length prefix split across chunks (every split point of the header)', () => {
    const frameA = { type: 'ping', id: 'a' };
    const frameB = { type: 'ping', id: 'b' };
    const bytesA = encodeFrame(frameA);
    const bytesB = encodeFrame(frameB);
    const both = Buffer.concat([bytesA, bytesB]);
    for (let split = 1; split < 4; split++) {
      // The first frame's header split.
      expect(decodeAll(splitAt(bytesA, split)).frames).toEqual([frameA]);
      // The second frame's header split, with the first frame completing in the same chunk.
      expect(decodeAll(splitAt(both, bytesA.length + split)).frames).toEqual([frameA, frameB]);
      // The header split over three chunks.
      if (split < 3) expect(decodeAll(splitAt(bytesA, split, split + 1)).frames).toEqual([frameA]);
    }
    // Every byte of the header in its own chunk, then the body.
    expect(decodeAll(splitAt(bytesA, 1, 2, 3, 4)).frames).toEqual([frameA]);
  });

  it('reassembles frames spanning three or more chunks', () => {
    const big = { type: 'send', id: 7, room: 'r1', msgId: 'm1', text: 'lorem ipsum '.repeat(1000) };
    const small = { type: 'ping', id: 8 };
    const bytes = Buffer.concat([encodeFrame(big), encodeFrame(small)]);
    // Cut into 10 uneven chunks; the big frame spans many of them, and the small one starts
    // inside the last chunk that holds the big one's tail.
    const offsets = [3, 100, 2000, 2001, 5000, 9000, 11_000, 12_000, bytes.length - 5];
    const decoder = new FrameDecoder(MAX);
    const frames: ParsedFrame[] = [];
    const chunks = splitAt(bytes, ...offsets);
    expect(chunks.length).toBeGreaterThanOrEqual(10);
    chunks.forEach((chunk, index) => {
      decoder.push(chunk, (payload) => {
        const parsed = parseFrame(payload);
        if (parsed.ok) frames.push(parsed.frame);
      });
      if (index < chunks.length - 2) expect(frames).toHaveLength(0);
    });
    expect(frames).toEqual([big, small]);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('hands out payloads that stay correct when later chunks arrive', () => {
    // A payload may be a view into a chunk; copying it out in onFrame must give the right bytes
    // even though the decoder keeps working on the same chunk afterwards.
    const sent = [{ type: 'a' }, { type: 'b', x: 'y'.repeat(300) }, { type: 'c' }];
    const stream = Buffer.concat(sent.map((f) => encodeFrame(f)));
    const decoder = new FrameDecoder(MAX);
    const copies: Buffer[] = [];
    for (const chunk of splitAt(stream, 5, 200, 201)) decoder.push(chunk, (p) => copies.push(Buffer.from(p)));
    expect(copies.map((c) => JSON.parse(c.toString('utf8')))).toEqual(sent);
  });

  it('ignores empty chunks', () => {
    const frame = { type: 'ping', id: 1 };
    const bytes = encodeFrame(frame);
    const empty = Buffer.alloc(0);
    const { frames } = decodeAll([empty, bytes.subarray(0, 2), empty, bytes.subarray(2), empty]);
    expect(frames).toEqual([frame]);
  });
});

describe('FrameDecoder limits', () => {
  it('rejects a frame length of 0', () => {
    const decoder = new FrameDecoder(MAX);
    const onFrame = () => expect.unreachable('no frame expected');
    expect(() => decoder.push(header(0), onFrame)).toThrow(FrameError);
    // A zero length after a good frame in the same chunk is caught too, after that frame.
    const decoder2 = new FrameDecoder(MAX);
    const seen: string[] = [];
    expect(() =>
      decoder2.push(Buffer.concat([encodeFrame({ type: 'ok' }), header(0)]), (p) => seen.push(p.toString())),
    ).toThrow(/length is 0/);
    expect(seen).toEqual(['{"type":"ok"}']);
  });

  it('FrameError carries the bad_frame code', () => {
    const decoder = new FrameDecoder(MAX);
    try {
      decoder.push(header(0), () => {});
      expect.unreachable('should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(FrameError);
      expect((error as FrameError).code).toBe('bad_frame');
    }
  });

  it.each([
    ['max + 1', MAX + 1],
    ['16 MiB', 16 * 1024 * 1024],
    ['0x7FFFFFFF', 0x7fffffff],
    ['0xFFFFFFFF', 0xffffffff],
  ])('rejects a length of %s as soon as the 4 header bytes arrive, buffering nothing', (_label, length) => {
    const decoder = new FrameDecoder(MAX);
    const onFrame = () => expect.unreachable('no frame expected');
    const head = header(length);
    // Three header bytes: nothing can be decided yet, and only those 3 bytes are held.
    decoder.push(head.subarray(0, 3), onFrame);
    expect(decoder.pendingBytes).toBe(3);
    // The fourth byte completes the header: refused right there, with no body byte sent.
    expect(() => decoder.push(head.subarray(3), onFrame)).toThrow(FrameError);
    expect(() => new FrameDecoder(MAX).push(head, onFrame)).toThrow(/exceeds the limit/);
    // Nothing was allocated for the announced body.
    expect(decoder.pendingBytes).toBeLessThanOrEqual(4);
  });

  it('rejects an oversized length that follows a complete frame in the same chunk', () => {
    const decoder = new FrameDecoder(MAX);
    const seen: string[] = [];
    const chunk = Buffer.concat([encodeFrame({ type: 'first' }), header(0xffffffff), Buffer.from('xyz')]);
    expect(() => decoder.push(chunk, (p) => seen.push(p.toString()))).toThrow(FrameError);
    expect(seen).toEqual(['{"type":"first"}']);
    // Only the trailing bytes of this very chunk are still referenced, not a 4 GiB buffer.
    expect(decoder.pendingBytes).toBeLessThanOrEqual(chunk.length);
  });

  it('accepts a frame of exactly the maximum length (and one byte less), rejects one byte more', () => {
    const max = 64 * 1024;
    const make = (bodyBytes: number) => {
      const skeleton = '{"type":"x","pad":""}';
      return rawFrame(`{"type":"x","pad":"${'a'.repeat(bodyBytes - skeleton.length)}"}`);
    };
    for (const size of [max, max - 1]) {
      const bytes = make(size);
      expect(bytes.length).toBe(size + 4);
      const { frames, decoder } = decodeAll(splitAt(bytes, 4, 1000), max);
      expect(frames).toHaveLength(1);
      expect(frames[0]!.type).toBe('x');
      expect(decoder.pendingBytes).toBe(0);
    }
    expect(() => decodeAll([make(max + 1)], max)).toThrow(FrameError);
  });

  it('a decoder with the default 1 MiB limit accepts a 1 MiB frame', () => {
    const skeleton = '{"type":"x","pad":""}';
    const body = `{"type":"x","pad":"${'b'.repeat(MAX - skeleton.length)}"}`;
    expect(Buffer.byteLength(body)).toBe(MAX);
    const { frames } = decodeAll([rawFrame(body)]);
    expect(frames).toHaveLength(1);
  });
});

describe('parseFrame', () => {
  const bad = (body: Buffer | string) => parseFrame(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);

  it.each([
    ['a lone continuation byte', Buffer.from([0x7b, 0x80, 0x7d])],
    ['0xFF inside a string', Buffer.concat([Buffer.from('{"type":"x","t":"'), Buffer.from([0xff]), Buffer.from('"}')])],
    [
      'a truncated 3-byte sequence',
      Buffer.concat([Buffer.from('{"type":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]),
    ],
    [
      'an overlong NUL (C0 80)',
      Buffer.concat([Buffer.from('{"type":"'), Buffer.from([0xc0, 0x80]), Buffer.from('"}')]),
    ],
    [
      'a UTF-8 encoded surrogate (ED A0 80)',
      Buffer.concat([Buffer.from('{"type":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    ],
    [
      'a code point above U+10FFFF',
      Buffer.concat([Buffer.from('{"type":"'), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from('"}')]),
    ],
  ])('rejects invalid UTF-8: %s', (_label, body) => {
    const result = bad(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/UTF-8/);
  });

  it('rejects raw NUL bytes in the JSON (inside or outside strings)', () => {
    for (const body of [
      Buffer.concat([Buffer.from('{"type":"send","text":"a'), Buffer.from([0]), Buffer.from('b"}')]),
      Buffer.concat([Buffer.from('{"type":"ping"}'), Buffer.from([0])]),
      Buffer.concat([Buffer.from([0]), Buffer.from('{"type":"ping"}')]),
    ]) {
      const result = bad(body);
      expect(result.ok).toBe(false);
    }
  });

  it('accepts an escaped NUL inside a string (the server rejects it later as text_invalid)', () => {
    const result = bad('{"type":"send","text":"a\\u0000b"}');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.frame['text']).toBe('a\u0000b');
  });

  it.each([
    ['an array', '[{"type":"ping"}]'],
    ['a number', '42'],
    ['a string', '"ping"'],
    ['null', 'null'],
    ['true', 'true'],
    ['an empty object', '{}'],
    ['a numeric type', '{"type":1}'],
    ['a null type', '{"type":null}'],
    ['an object type', '{"type":{"x":1}}'],
    ['an array type', '{"type":["ping"]}'],
    ['a Type with a capital T', '{"Type":"ping"}'],
    ['not JSON', 'hello'],
    ['truncated JSON', '{"type":"ping"'],
    ['trailing garbage', '{"type":"ping"} x'],
    ['two objects', '{"type":"ping"}{"type":"ping"}'],
    ['whitespace only', '   '],
  ])('rejects %s', (_label, body) => {
    expect(bad(body).ok).toBe(false);
  });

  it('accepts an object with a string type and keeps the other fields', () => {
    const result = bad(' {"type":"room_join","id":3,"room":"r","extra":[1,{"a":null}]} \n');
    expect(result).toEqual({ ok: true, frame: { type: 'room_join', id: 3, room: 'r', extra: [1, { a: null }] } });
  });

  it('does not let __proto__ in the JSON change the prototype', () => {
    const result = bad('{"type":"ping","__proto__":{"polluted":true}}');
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('encodeFrame', () => {
  it('writes a big-endian byte length (not a UTF-16 length) before the JSON', () => {
    const frame = { type: 'send', text: 'é🙂' };
    const bytes = encodeFrame(frame);
    const json = JSON.stringify(frame);
    expect(bytes.readUInt32BE(0)).toBe(Buffer.byteLength(json));
    expect(bytes.readUInt32BE(0)).toBeGreaterThan(json.length);
    expect(bytes.subarray(4).toString('utf8')).toBe(json);
  });

  it.each([
    ['emoji and ZWJ sequences', '👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 🇫🇷'],
    ['right-to-left text', 'مرحبا بالعالم — שלום עולם'],
    ['combining characters', 'e\u0301 a\u0308 Z\u0351\u0352\u0353 \u1100\u1161\u11a8'],
    ['CJK and astral plane', '漢字かなカナ 𠜎𠜱𝌆'],
    ['escapes and whitespace', 'line1\nline2\ttab "quoted" back\\slash / <script>'],
    ['U+2028 and U+2029', 'a\u2028b\u2029c'],
  ])('round-trips %s through encode → decode (fed byte by byte) → parse', (_label, text) => {
    const frame = { type: 'send', id: 1, room: 'r', msgId: 'm', text, name: text };
    const bytes = encodeFrame(frame);
    const decoded = decodeAll(splitAt(bytes, ...Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)));
    expect(decoded.frames).toEqual([frame]);
    expect(decoded.frames[0]!['text']).toBe(text);
    // Exactly the same code points: no normalization, no replacement characters.
    expect([...(decoded.frames[0]!['text'] as string)]).toEqual([...text]);
  });
});
