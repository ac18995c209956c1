/**
 * The TXT record of a Parley DNS-SD service (`_parley._tcp`): what a server puts in it and how a
 * browser reads one it received. Pure on purpose (no Node, no DOM): the server side, the tests
 * and any other consumer read the same rules, and docs/PROTOCOL.md ("Discovery") restates them
 * for clients in other languages.
 *
 * Everything in a received record is untrusted: any machine on the LAN can multicast a
 * `_parley._tcp` service. So a record is accepted only whole and only if every field we need is
 * there and valid; otherwise it is ignored (null), never half-shown. The rules follow DNS-SD
 * (RFC 6763 §6): strings are `key=value`, keys are case-insensitive, the first occurrence of a
 * key wins, unknown keys are ignored (room for later versions).
 */
import { checkRoomName } from '../text-rules.ts';

/** The fields a server advertises. */
export interface ParleyTxt {
  /** Wire protocol version (PROTOCOL_VERSION of the server). */
  version: number;
  /** The server's stable id (`s_…`). */
  id: string;
  /** The server's name, as users see it. */
  name: string;
  /** How many rooms it has. */
  rooms: number;
}

/** A received TXT record larger than this (RDATA bytes) is ignored. */
export const MAX_TXT_BYTES = 1300;
/** A DNS TXT string is at most 255 bytes (one length byte). */
export const MAX_TXT_STRING_BYTES = 255;
/** The `name` value is cut (at a character boundary) to this many UTF-8 bytes. */
export const MAX_TXT_NAME_BYTES = 250;
export const MAX_TXT_ROOMS = 1_000_000;
export const MAX_TXT_VERSION = 9999;
/** Shape of a server id (`s_` + base64url in practice; anything of this shape is accepted). */
export const SERVER_ID_PATTERN = /^[A-Za-z0-9_-]{4,64}$/;
/** Shown when a server's own name has nothing presentable left (see txtSafeName). */
export const FALLBACK_SERVER_NAME = 'Parley server';

const VERSION_PATTERN = /^[1-9][0-9]{0,3}$/;
const ROOMS_PATTERN = /^(0|[1-9][0-9]{0,6})$/;
const KEYS = ['v', 'id', 'name', 'rooms'] as const;
type Key = (typeof KEYS)[number];

const encoder = new TextEncoder();

/** Bytes of a TXT record's RDATA: one length byte per string plus the string. */
export function txtRecordBytes(strings: readonly Uint8Array[]): number {
  let total = 0;
  for (const s of strings) total += 1 + s.length;
  return total;
}

/** The longest prefix of `text` (whole code points) of at most `maxBytes` UTF-8 bytes. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (encoder.encode(text).length <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = encoder.encode(ch).length;
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * A server name as it can be advertised: what checkRoomName accepts, cut to the TXT limit.
 * Server names are checked where they are set (CLI, app), but not with the room-name rules:
 * characters those refuse are dropped here rather than making the whole record invalid.
 */
export function txtSafeName(raw: string): string {
  const checked = checkRoomName(raw);
  let name: string;
  if (checked.ok) {
    name = checked.value;
  } else {
    // Keep each code point that is acceptable on its own, then check the result as a whole.
    let kept = '';
    for (const ch of raw.normalize('NFC')) if (checkRoomName(`a${ch}`).ok) kept += ch;
    const again = checkRoomName([...kept].slice(0, 64).join(''));
    name = again.ok ? again.value : FALLBACK_SERVER_NAME;
  }
  const cut = checkRoomName(truncateUtf8(name, MAX_TXT_NAME_BYTES));
  return cut.ok ? cut.value : FALLBACK_SERVER_NAME;
}

/**
 * The TXT strings (`key=value`) a server advertises. The name goes through txtSafeName, so the
 * result always parses back with parseTxtRecord (to the same fields, name possibly shortened).
 * Throws on an id or counts that could never parse: that is a bug in the caller.
 */
export function buildTxtRecord(fields: ParleyTxt): string[] {
  if (!SERVER_ID_PATTERN.test(fields.id)) throw new Error(`not a server id: ${fields.id}`);
  if (!Number.isInteger(fields.version) || fields.version < 1 || fields.version > MAX_TXT_VERSION)
    throw new Error(`bad protocol version: ${fields.version}`);
  const rooms = Math.min(Math.max(0, Math.floor(fields.rooms)), MAX_TXT_ROOMS);
  return [`v=${fields.version}`, `id=${fields.id}`, `name=${txtSafeName(fields.name)}`, `rooms=${rooms}`];
}

/** The TXT strings of buildTxtRecord as bytes (what goes on the wire). */
export function encodeTxtStrings(strings: readonly string[]): Uint8Array[] {
  return strings.map((s) => encoder.encode(s));
}

/** Case-insensitive ASCII key of a `key=value` string; null when the string has no usable key. */
function keyOf(bytes: Uint8Array): { key: string; valueStart: number } | null {
  let end = bytes.indexOf(0x3d); // '='
  if (end === -1) end = bytes.length; // a boolean attribute: key without value
  if (end === 0) return null; // "=value": no key, ignored (RFC 6763 §6.4)
  let key = '';
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) return null; // keys are printable US-ASCII
    key += String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
  }
  return { key, valueStart: end < bytes.length ? end + 1 : -1 };
}

/**
 * Reads a received TXT record (its strings, as bytes). Returns the fields, or null when the
 * record must be ignored: larger than MAX_TXT_BYTES, a string over 255 bytes, a field missing,
 * without a value, not valid UTF-8 or not valid by the rules above.
 */
export function parseTxtRecord(strings: readonly Uint8Array[]): ParleyTxt | null {
  if (!Array.isArray(strings) || strings.length > MAX_TXT_BYTES) return null;
  let total = 0;
  for (const s of strings) {
    if (!(s instanceof Uint8Array) || s.length > MAX_TXT_STRING_BYTES) return null;
    total += 1 + s.length;
  }
  if (total > MAX_TXT_BYTES) return null;

  const values = new Map<Key, string>();
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for (const s of strings) {
    const parsed = keyOf(s);
    if (!parsed) continue;
    const key = parsed.key as Key;
    if (!(KEYS as readonly string[]).includes(key) || values.has(key)) continue; // first one wins
    if (parsed.valueStart === -1) return null; // one of our keys without a value
    let value: string;
    try {
      value = decoder.decode(s.subarray(parsed.valueStart));
    } catch {
      return null; // not UTF-8
    }
    values.set(key, value);
  }

  const v = values.get('v');
  const id = values.get('id');
  const name = values.get('name');
  const rooms = values.get('rooms');
  if (v === undefined || id === undefined || name === undefined || rooms === undefined) return null;
  if (!VERSION_PATTERN.test(v) || !SERVER_ID_PATTERN.test(id) || !ROOMS_PATTERN.test(rooms)) return null;
  const roomCount = Number(rooms);
  if (roomCount > MAX_TXT_ROOMS) return null;
  if (encoder.encode(name).length > MAX_TXT_NAME_BYTES) return null;
  const checkedName = checkRoomName(name);
  if (!checkedName.ok) return null;
  return { version: Number(v), id, name: checkedName.value, rooms: roomCount };
}
