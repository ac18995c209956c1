/**
 * Encoding a frame, and turning a frame body into a JSON object with a string `type`.
 * Both sides of the connection (server and client library) use these.
 */
import { isUtf8 } from 'node:buffer';
import { FRAME_HEADER_BYTES } from '../../../shared/protocol/constants.ts';

/** Serializes `frame` as JSON once and prefixes its byte length: one allocation, one write. */
export function encodeFrame(frame: object): Buffer {
  const json = JSON.stringify(frame);
  const length = Buffer.byteLength(json);
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + length);
  out.writeUInt32BE(length, 0);
  out.write(json, FRAME_HEADER_BYTES, 'utf8');
  return out;
}

export type ParsedFrame = { type: string } & Record<string, unknown>;
export type ParseResult = { ok: true; frame: ParsedFrame } | { ok: false; reason: string };

/** Validates UTF-8, parses JSON and checks for an object with a string `type`. */
export function parseFrame(payload: Buffer): ParseResult {
  if (!isUtf8(payload)) return { ok: false, reason: 'frame is not valid UTF-8' };
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: 'frame is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'frame is not a JSON object' };
  }
  if (typeof (value as { type?: unknown }).type !== 'string') {
    return { ok: false, reason: 'frame has no string "type" field' };
  }
  return { ok: true, frame: value as ParsedFrame };
}
