/**
 * The TXT record of `_parley._tcp`: what a server builds parses back; anything malformed,
 * oversized, incomplete or not UTF-8 that arrives from the network is ignored (null).
 */
import { describe, expect, it } from 'vitest';
import {
  buildTxtRecord,
  encodeTxtStrings,
  FALLBACK_SERVER_NAME,
  MAX_TXT_BYTES,
  parseTxtRecord,
  txtRecordBytes,
  txtSafeName,
  truncateUtf8,
} from '../../src/shared/discovery/txt-record.ts';

const enc = new TextEncoder();
const GOOD = { version: 1, id: 's_AbCdEf123456', name: 'Kitchen', rooms: 3 };

/** Parses TXT strings given as text (or raw bytes). */
function parse(...strings: (string | Uint8Array)[]) {
  return parseTxtRecord(strings.map((s) => (typeof s === 'string' ? enc.encode(s) : s)));
}

const valid = ['v=1', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=3'];

describe('buildTxtRecord', () => {
  it('writes v, id, name and rooms, which parse back to the same fields', () => {
    const strings = buildTxtRecord(GOOD);
    expect(strings).toEqual(valid);
    expect(parseTxtRecord(encodeTxtStrings(strings))).toEqual(GOOD);
  });

  it('keeps every string within 255 bytes and the record well under the limit, even for long names', () => {
    const name = '🦜'.repeat(64); // 64 characters, 256 bytes of UTF-8
    const strings = encodeTxtStrings(buildTxtRecord({ ...GOOD, name }));
    for (const s of strings) expect(s.length).toBeLessThanOrEqual(255);
    expect(txtRecordBytes(strings)).toBeLessThan(MAX_TXT_BYTES);
    const parsed = parseTxtRecord(strings)!;
    expect(parsed.name).toBe('🦜'.repeat(62)); // cut at a character boundary: 248 bytes
  });

  it('makes a presentable name out of one the room-name rules refuse', () => {
    expect(txtSafeName('  Kit\u0000chen\u200b  ')).toBe('Kitchen');
    expect(txtSafeName('x'.repeat(100))).toBe('x'.repeat(64));
    expect(txtSafeName('\u0001\u0002')).toBe(FALLBACK_SERVER_NAME);
    expect(txtSafeName('')).toBe(FALLBACK_SERVER_NAME);
    for (const name of ['  Kit\u0000chen  ', 'x'.repeat(100), '\u0007']) {
      expect(parseTxtRecord(encodeTxtStrings(buildTxtRecord({ ...GOOD, name })))).not.toBeNull();
    }
  });

  it('clamps the room count and refuses ids and versions that could never parse', () => {
    expect(buildTxtRecord({ ...GOOD, rooms: 5_000_000 })).toContain('rooms=1000000');
    expect(buildTxtRecord({ ...GOOD, rooms: -1 })).toContain('rooms=0');
    expect(() => buildTxtRecord({ ...GOOD, id: 'bad id!' })).toThrow(/server id/);
    expect(() => buildTxtRecord({ ...GOOD, version: 0 })).toThrow(/version/);
  });

  it('truncateUtf8 never splits a character', () => {
    expect(truncateUtf8('aé🦜', 3)).toBe('aé');
    expect(truncateUtf8('aé🦜', 6)).toBe('aé');
    expect(truncateUtf8('aé🦜', 7)).toBe('aé🦜');
  });
});

describe('parseTxtRecord', () => {
  it('accepts a valid record in any order, with keys in any case and unknown keys', () => {
    expect(parse('rooms=3', 'NAME=Kitchen', 'Id=s_AbCdEf123456', 'v=1', 'future=yes', 'flag')).toEqual(GOOD);
  });

  it('normalizes the name like a room name (NFC, trimmed)', () => {
    expect(parse('v=1', 'id=s_AbCdEf123456', 'name=  Cafe\u0301  ', 'rooms=0')?.name).toBe('Café');
  });

  it('keeps the first of duplicate keys (RFC 6763 §6.4)', () => {
    expect(parse(...valid, 'rooms=99', 'name=Other')).toEqual(GOOD);
    expect(parse('rooms=99', ...valid)?.rooms).toBe(99);
  });

  it.each([
    ['v', valid.filter((s) => !s.startsWith('v='))],
    ['id', valid.filter((s) => !s.startsWith('id='))],
    ['name', valid.filter((s) => !s.startsWith('name='))],
    ['rooms', valid.filter((s) => !s.startsWith('rooms='))],
  ])('ignores a record without %s', (_key, strings) => {
    expect(parse(...strings)).toBeNull();
  });

  it('ignores empty records and foreign ones', () => {
    expect(parse()).toBeNull();
    expect(parse('')).toBeNull();
    expect(parse('foo=bar', 'path=/')).toBeNull();
  });

  it.each([
    ['a key without value', ['v', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=3']],
    ['an empty version', ['v=', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=3']],
    ['version 0', ['v=0', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=3']],
    ['a negative version', ['v=-1', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=3']],
    ['a huge version', ['v=123456', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=3']],
    ['a fractional version', ['v=1.5', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=3']],
    ['a version with a leading zero', ['v=01', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=3']],
    ['a short id', ['v=1', 'id=s_a', 'name=Kitchen', 'rooms=3']],
    ['a long id', ['v=1', `id=s_${'a'.repeat(63)}`, 'name=Kitchen', 'rooms=3']],
    ['an id with spaces', ['v=1', 'id=s_AbC dEf', 'name=Kitchen', 'rooms=3']],
    ['an id with a slash', ['v=1', 'id=../etc/x', 'name=Kitchen', 'rooms=3']],
    ['an empty name', ['v=1', 'id=s_AbCdEf123456', 'name=', 'rooms=3']],
    ['a blank name', ['v=1', 'id=s_AbCdEf123456', 'name=   ', 'rooms=3']],
    ['a name with a NUL', ['v=1', 'id=s_AbCdEf123456', 'name=Kit\u0000chen', 'rooms=3']],
    ['a name with a newline', ['v=1', 'id=s_AbCdEf123456', 'name=Kit\nchen', 'rooms=3']],
    ['a name with a bidi override', ['v=1', 'id=s_AbCdEf123456', 'name=\u202eKitchen', 'rooms=3']],
    ['a name with a zero-width space', ['v=1', 'id=s_AbCdEf123456', 'name=Kit\u200bchen', 'rooms=3']],
    ['a name over 64 characters', ['v=1', 'id=s_AbCdEf123456', `name=${'x'.repeat(65)}`, 'rooms=3']],
    ['negative rooms', ['v=1', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=-1']],
    ['too many rooms', ['v=1', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=1000001']],
    ['rooms in hex', ['v=1', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=0x10']],
    ['rooms with a leading zero', ['v=1', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=03']],
    ['rooms in exponent form', ['v=1', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms=1e3']],
    ['rooms with spaces', ['v=1', 'id=s_AbCdEf123456', 'name=Kitchen', 'rooms= 3']],
  ])('ignores a record with %s', (_what, strings) => {
    expect(parse(...strings)).toBeNull();
  });

  it('accepts the limits themselves', () => {
    expect(parse('v=9999', `id=${'a'.repeat(64)}`, `name=${'x'.repeat(64)}`, 'rooms=1000000')).toMatchObject({
      version: 9999,
      rooms: 1_000_000,
    });
    expect(parse('v=1', 'id=abcd', 'name=x', 'rooms=0')).not.toBeNull();
  });

  it('ignores a value that is not UTF-8', () => {
    const bad = Uint8Array.from([...enc.encode('name=Kit'), 0xff, 0xfe, ...enc.encode('chen')]);
    expect(parse('v=1', 'id=s_AbCdEf123456', bad, 'rooms=3')).toBeNull();
    const overlong = Uint8Array.from([...enc.encode('name='), 0xc0, 0xaf]); // "/" encoded in two bytes
    expect(parse('v=1', 'id=s_AbCdEf123456', overlong, 'rooms=3')).toBeNull();
    const surrogate = Uint8Array.from([...enc.encode('name='), 0xed, 0xa0, 0x80]); // U+D800
    expect(parse('v=1', 'id=s_AbCdEf123456', surrogate, 'rooms=3')).toBeNull();
  });

  it('ignores keys that are not printable ASCII but still reads the rest', () => {
    const weirdKey = Uint8Array.from([0x01, ...enc.encode('=x')]);
    expect(parse(weirdKey, ...valid)).toEqual(GOOD);
    expect(parse('=value', ...valid)).toEqual(GOOD);
  });

  it('ignores a record over 1300 bytes, even with valid fields', () => {
    const padding = Array.from({ length: 10 }, (_, i) => `pad${i}=${'x'.repeat(120)}`);
    const strings = [...valid, ...padding].map((s) => enc.encode(s));
    expect(txtRecordBytes(strings)).toBeGreaterThan(MAX_TXT_BYTES);
    expect(parseTxtRecord(strings)).toBeNull();
    // Just under the limit is fine.
    const fewer = strings.slice(0, valid.length + 9);
    expect(txtRecordBytes(fewer)).toBeLessThanOrEqual(MAX_TXT_BYTES);
    expect(parseTxtRecord(fewer)).toEqual(GOOD);
  });

  it('ignores a string over 255 bytes (which no DNS TXT string can be)', () => {
    expect(parse(...valid, `x=${'y'.repeat(300)}`)).toBeNull();
  });

  it('ignores many tiny strings adding up past the limit', () => {
    expect(parse(...valid, ...Array.from({ length: 700 }, () => 'a'))).toBeNull();
  });

  it('ignores input of the wrong shape', () => {
    expect(parseTxtRecord('v=1' as unknown as Uint8Array[])).toBeNull();
    expect(parseTxtRecord(['v=1', 'id=abcd', 'name=x', 'rooms=0'] as unknown as Uint8Array[])).toBeNull();
    expect(parseTxtRecord(null as unknown as Uint8Array[])).toBeNull();
  });
});
