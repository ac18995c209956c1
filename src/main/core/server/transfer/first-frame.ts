/**
 * Which kind of connection this is, from its first frame (docs/PROTOCOL.md §18.1): `upload` or
 * `download` make it a transfer connection, anything else a chat connection (whose bytes go to
 * its frame decoder as they are). Only the first frame is looked at, and it is bounded by
 * maxFrameBytes like any other; a length the decoder would refuse is left for it to refuse.
 */
import { FRAME_HEADER_BYTES } from '../../../../shared/protocol/constants.ts';
import { parseFrame, type ParsedFrame } from '../../framing/frame-codec.ts';

export type FirstFrame =
  | { kind: 'wait' }
  | { kind: 'chat'; bytes: Buffer }
  | { kind: 'transfer'; frame: ParsedFrame & { type: 'upload' | 'download' }; rest: Buffer };

export const TRANSFER_OPENERS: ReadonlySet<string> = new Set(['upload', 'download']);

/** Decides on `bytes` (everything received so far); 'wait' until the first frame is complete. */
export function classifyFirstFrame(bytes: Buffer, maxFrameBytes: number): FirstFrame {
  if (bytes.length < FRAME_HEADER_BYTES) return { kind: 'wait' };
  const length = bytes.readUInt32BE(0);
  if (length === 0 || length > maxFrameBytes) return { kind: 'chat', bytes };
  const end = FRAME_HEADER_BYTES + length;
  if (bytes.length < end) return { kind: 'wait' };
  const parsed = parseFrame(bytes.subarray(FRAME_HEADER_BYTES, end));
  if (!parsed.ok || !TRANSFER_OPENERS.has(parsed.frame.type)) return { kind: 'chat', bytes };
  return {
    kind: 'transfer',
    frame: parsed.frame as ParsedFrame & { type: 'upload' | 'download' },
    rest: bytes.subarray(end),
  };
}
