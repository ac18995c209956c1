/**
 * The fuzzed input: valid frames of every request type, then mutated (type, fields, values,
 * lengths, Unicode), or raw bytes (random bodies, invalid UTF-8 or JSON, zero/oversized/truncated
 * length prefixes). Ids the server handed out (rooms, users) are fed back in, so mutations reach the
 * handlers behind the id lookups, not only the schemas.
 */
import { encodeFrame } from '../../src/main/core/framing/frame-codec.ts';
import type { Rng } from './rng.ts';
import { edgeString, plainString } from './strings.ts';

/** What one fuzz step writes. `close` says the connection is hung up right after (a truncated frame). */
export interface FuzzStep {
  kind: string;
  bytes: Buffer;
  close?: boolean;
}

/** Ids seen in replies, shared by all fuzz connections. */
export class KnownIds {
  readonly rooms: string[] = [];
  readonly users: string[] = [];

  /** Collects room and user ids from any server frame (bounded: the newest 200 of each). */
  learn(frame: Record<string, unknown>): void {
    const visit = (value: unknown, key: string, depth: number): void => {
      if (depth > 5 || value === null || typeof value !== 'object') {
        if (typeof value === 'string' && value.length < 80) {
          if (key === 'roomId' || key === 'room') remember(this.rooms, value);
          if (key === 'userId' || key === 'from' || key === 'user') remember(this.users, value);
        }
        return;
      }
      if (Array.isArray(value)) for (const item of value) visit(item, key, depth + 1);
      else for (const [k, v] of Object.entries(value)) visit(v, k === 'id' ? key : k, depth + 1);
    };
    visit(frame, '', 0);
  }
}

function remember(list: string[], id: string): void {
  if (list.includes(id)) return;
  list.push(id);
  if (list.length > 200) list.shift();
}

const TYPES = [
  'hello',
  'ping',
  'pong',
  'rename',
  'room_create',
  'room_list',
  'room_join',
  'room_leave',
  'room_members',
  'history',
  'send',
  'dm_list',
] as const;

/** A frame that the schema accepts (ids and names may still be unknown or taken). */
export function validFrame(rng: Rng, ids: KnownIds, seq: number): Record<string, unknown> {
  const id = rng.chance(0.7) ? seq : `r${seq}`;
  const room = rng.chance(0.9) && ids.rooms.length > 0 ? rng.pick(ids.rooms) : plainString(rng, 'room-');
  const user = ids.users.length > 0 ? rng.pick(ids.users) : plainString(rng, 'user-');
  const target = rng.chance(0.8) ? { room } : { user };
  switch (rng.pick(TYPES)) {
    case 'hello':
      return { type: 'hello', id, protocol: 1, name: plainString(rng, 'Fuzz '), client: 'fuzz' };
    case 'ping':
      return { type: 'ping', id };
    case 'pong':
      return { type: 'pong' };
    case 'rename':
      return { type: 'rename', id, name: plainString(rng, 'Renamed ') };
    case 'room_create':
      return { type: 'room_create', id, name: plainString(rng, 'Room '), topic: 'fuzzing' };
    case 'room_list':
      return { type: 'room_list', id };
    case 'room_join':
      return { type: 'room_join', id, room, ...(rng.chance(0.5) ? { since: rng.int(50) } : {}) };
    case 'room_leave':
      return { type: 'room_leave', id, room };
    case 'room_members':
      return { type: 'room_members', id, room };
    case 'history':
      return { type: 'history', id, ...target, ...(rng.chance(0.5) ? { before: rng.int(100) + 1 } : {}), limit: 50 };
    case 'send':
      return { type: 'send', id, ...target, msgId: plainString(rng, 'm'), text: `fuzz ${seq}` };
    case 'dm_list':
      return { type: 'dm_list', id };
  }
}

/** A JSON value of any shape, including the ones schemas most often forget. */
function oddValue(rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => edgeString(rng),
    () => null,
    () => true,
    () => 0,
    () => -1,
    () => 1.5,
    () => 2 ** 53 + 1,
    () => -(2 ** 63),
    () => 1e308,
    () => [],
    () => [edgeString(rng)],
    () => ({}),
    () => ({ userId: edgeString(rng), token: edgeString(rng) }),
    () => ({ __proto__: { polluted: true } }),
    () => Array.from({ length: 1000 }, (_, i) => i),
  ])();
}

/** One field of `frame` changed, removed or added. */
function mutateFrame(rng: Rng, frame: Record<string, unknown>): Record<string, unknown> {
  const out = { ...frame };
  const keys = Object.keys(out);
  const key = rng.pick(keys);
  switch (rng.int(6)) {
    case 0:
      out['type'] = rng.chance(0.5) ? rng.pick(TYPES) : edgeString(rng);
      break;
    case 1:
      delete out[key];
      break;
    case 2:
      out[rng.pick(['extra', 'id', 'room', 'user', 'since', 'limit', 'protocol', 'resume', 'before', 'after'])] =
        oddValue(rng);
      break;
    default:
      // Strings are where the Unicode and length edge cases go.
      out[rng.pick(keys.filter((k) => k !== 'type').concat(['name', 'text', 'msgId']))] = rng.chance(0.7)
        ? edgeString(rng)
        : oddValue(rng);
  }
  return out;
}

function withLength(length: number, body: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(length >>> 0);
  return Buffer.concat([header, body]);
}

/** The next step for one connection, `maxFrameBytes` from the server's welcome. */
export function fuzzStep(rng: Rng, ids: KnownIds, seq: number, maxFrameBytes: number): FuzzStep {
  const roll = rng.int(100);
  if (roll < 15) return { kind: 'valid', bytes: encodeFrame(validFrame(rng, ids, seq)) };
  if (roll < 75) {
    let frame = validFrame(rng, ids, seq);
    for (let n = 1 + rng.int(3); n > 0; n--) frame = mutateFrame(rng, frame);
    return { kind: 'mutated', bytes: encodeFrame(frame) };
  }
  if (roll < 80) {
    // JSON that is not an object with a string type, or not JSON, or not UTF-8.
    const body = rng.pick([
      '[]',
      '42',
      '"hello"',
      'null',
      '{"type":1}',
      '{"type":"send"',
      '{"type":"ping","id":1}garbage',
      '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
      '{"type":"ping","id":1,"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
      '{"type":"hello","type":"ping","id":1}',
    ]);
    const bytes = rng.chance(0.8)
      ? Buffer.from(body)
      : Buffer.concat([Buffer.from(body), Buffer.from([0xed, 0xa0, 0x80])]);
    return { kind: 'bad_json', bytes: withLength(bytes.length, bytes) };
  }
  if (roll < 88) {
    const body = rng.bytes(1 + rng.int(200));
    return { kind: 'random_bytes', bytes: withLength(body.length, body) };
  }
  if (roll < 94) {
    // A frame cut short, then the connection hung up: the server must forget the partial frame.
    const whole = encodeFrame(mutateFrame(rng, validFrame(rng, ids, seq)));
    return { kind: 'truncated', bytes: whole.subarray(0, rng.int(whole.length)), close: true };
  }
  // Length prefixes: zero, one over the limit, the maximum; or a big frame just under the limit.
  const length = rng.pick([0, maxFrameBytes + 1, 0xffffffff, 0x7fffffff]);
  if (rng.chance(0.3)) {
    const text = 'y'.repeat(Math.max(0, maxFrameBytes - 200));
    return {
      kind: 'near_limit',
      bytes: encodeFrame({ type: 'send', id: seq, room: rng.pick(ids.rooms.concat(['x'])), msgId: `big${seq}`, text }),
    };
  }
  return { kind: 'bad_length', bytes: withLength(length, rng.bytes(rng.int(16))), close: rng.chance(0.5) };
}
