/**
 * Reassembles length-prefixed frames from a TCP byte stream.
 *
 * Two states: waiting for the 4-byte big-endian length, then waiting for that many body bytes.
 * The length is checked against the limit *before* any body byte is buffered, so a hostile
 * 0xFFFFFFFF prefix costs nothing. Chunks are kept in a list and only copied when a frame spans
 * more than one of them.
 */
import { FRAME_HEADER_BYTES } from '../../../shared/protocol/constants.ts';

export class FrameError extends Error {
  readonly code = 'bad_frame';
}

export class FrameDecoder {
  readonly maxFrameBytes: number;
  private chunks: Buffer[] = [];
  /** Read position inside chunks[0]. */
  private offset = 0;
  private buffered = 0;
  /** Body length of the frame being read, or -1 while waiting for a length prefix. */
  private bodyLength = -1;

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received that do not yet form a complete frame (0 between frames). */
  get pendingBytes(): number {
    return this.buffered + (this.bodyLength >= 0 ? FRAME_HEADER_BYTES : 0);
  }

  /**
   * Feeds one chunk; calls `onFrame` for every frame it completes, in order.
   * Throws FrameError on a length of 0 or above the limit; the stream is unusable afterwards.
   * A payload passed to `onFrame` may share memory with the chunk: use it before returning.
   */
  push(chunk: Buffer, onFrame: (payload: Buffer) => void): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.bodyLength < 0) {
        if (this.buffered < FRAME_HEADER_BYTES) return;
        const length = this.readHeader();
        if (length === 0) throw new FrameError('frame length is 0');
        if (length > this.maxFrameBytes) {
          throw new FrameError(`frame length ${length} exceeds the limit of ${this.maxFrameBytes} bytes`);
        }
        this.bodyLength = length;
      }
      if (this.buffered < this.bodyLength) return;
      const payload = this.take(this.bodyLength);
      this.bodyLength = -1;
      onFrame(payload);
    }
  }

  private readHeader(): number {
    const first = this.chunks[0]!;
    if (first.length - this.offset >= FRAME_HEADER_BYTES) {
      const value = first.readUInt32BE(this.offset);
      this.advance(FRAME_HEADER_BYTES);
      return value;
    }
    return this.take(FRAME_HEADER_BYTES).readUInt32BE(0);
  }

  /** Removes and returns the next `n` buffered bytes (n ≤ buffered). */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.advance(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[0]!;
      const count = Math.min(n - written, chunk.length - this.offset);
      chunk.copy(out, written, this.offset, this.offset + count);
      written += count;
      this.advance(count);
    }
    return out;
  }

  private advance(n: number): void {
    this.offset += n;
    this.buffered -= n;
    if (this.offset === this.chunks[0]!.length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}
