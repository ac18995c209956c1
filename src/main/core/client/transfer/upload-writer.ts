/**
 * The sending side of one upload's transfer connection: `upload` → `upload_ready`, then the raw
 * bytes from the offset the server holds, then `upload_finish {sha256}` → `upload_done {file}`.
 *
 * Flow control: `write` resolves once the socket has taken the chunk (at once below its high-water
 * mark, else on 'drain'), so a caller that awaits each write never holds more than one chunk in
 * memory, whatever the speed of the network. The server may refuse at any time with an error
 * frame (size_mismatch, disk_full, upload_not_found …); every pending and later call then rejects
 * with that code. A connection that ends early rejects with `disconnected`: resume by asking
 * `file_upload` again (same key) for the offset the server now holds, and open a new writer there.
 */
import type { Socket } from 'node:net';
import type { FileInfo } from '../../../../shared/protocol/server-frames.ts';
import type { ParsedFrame } from '../../framing/frame-codec.ts';
import { encodeFrame } from '../../framing/frame-codec.ts';
import { ParleyError } from '../errors.ts';
import { errorOf, openTransfer, type TransferLink } from './transfer-socket.ts';

/** The finish may make the server hash, fsync and index a large file: it gets more time than a request. */
const FINISH_TIMEOUT_FACTOR = 6;

export class UploadWriter {
  readonly uploadId: string;
  /** Set as the server's ready frame is read. */
  private socket: Socket | undefined;
  private position: number;
  private failure: ParleyError | undefined;
  private done: FileInfo | undefined;
  private finishing = false;
  /** Waiting for 'drain', upload_done or the failure: each is woken by either outcome. */
  private readonly waiters = new Set<() => void>();
  private readonly finishTimeoutMs: number;

  private constructor(uploadId: string, offset: number, finishTimeoutMs: number) {
    this.uploadId = uploadId;
    this.position = offset;
    this.finishTimeoutMs = finishTimeoutMs;
  }

  /**
   * Opens the transfer connection for `uploadId` at `offset` (which must be what the server holds:
   * the `file_upload` reply's offset). Rejects with the server's code or `disconnected`.
   */
  static async open(link: TransferLink, uploadId: string, offset: number): Promise<UploadWriter> {
    const writer = new UploadWriter(uploadId, offset, link.requestTimeoutMs * FINISH_TIMEOUT_FACTOR);
    const opened = await openTransfer(link, { type: 'upload', upload: uploadId, offset }, 'upload_ready', {
      onReady: (_frame, socket) => (writer.socket = socket),
      onFrame: (frame) => writer.onFrame(frame),
      onClose: (reason) => writer.onClose(reason),
    });
    if (writer.failure) {
      opened.socket.destroy();
      throw writer.failure;
    }
    if (opened.ready['offset'] !== offset) {
      opened.socket.destroy();
      throw new ParleyError(
        'upload_offset_mismatch',
        `The server is at ${String(opened.ready['offset'])}, not ${offset}`,
      );
    }
    return writer;
  }

  /** Bytes of the file the server has been sent so far (the offset of the next chunk). */
  get offset(): number {
    return this.position;
  }

  /** False once the connection failed, finished or was closed: open a new writer to go on. */
  get usable(): boolean {
    return this.failure === undefined && !this.finishing && this.socket?.destroyed === false;
  }

  /** Sends the next bytes of the file; resolves once the socket has taken them. */
  async write(chunk: Uint8Array): Promise<void> {
    const socket = this.assertUsable();
    if (chunk.byteLength === 0) return;
    this.position += chunk.byteLength;
    if (socket.write(chunk)) return;
    await this.until(() => !socket.writableNeedDrain, socket);
  }

  /**
   * Ends the upload: the frame `upload_finish` right after the last byte. Resolves with the stored
   * file, or rejects with the server's verdict (hash_mismatch, size_mismatch …) or `disconnected`.
   */
  async finish(sha256: string): Promise<FileInfo> {
    const socket = this.assertUsable();
    this.finishing = true;
    socket.write(encodeFrame({ type: 'upload_finish', sha256 }));
    const timer = setTimeout(() => {
      this.fail(new ParleyError('timeout', `No upload_done within ${this.finishTimeoutMs} ms`));
    }, this.finishTimeoutMs);
    try {
      await this.until(() => this.done !== undefined);
    } finally {
      clearTimeout(timer);
    }
    return this.done!;
  }

  /** Closes the connection (the server keeps the bytes it has; file_cancel deletes them). */
  close(): void {
    this.fail(new ParleyError('closed', 'The upload connection was closed'));
  }

  private assertUsable(): Socket {
    if (this.failure) throw this.failure;
    if (this.finishing) throw new ParleyError('closed', 'This upload was already finished');
    if (!this.socket || this.socket.destroyed) throw new ParleyError('disconnected', 'The upload connection is closed');
    return this.socket;
  }

  /**
   * Resolves when `ready()` holds, rejects on a failure; checked on every wake-up (and on the
   * socket's 'drain' when `drainOf` is given).
   */
  private until(ready: () => boolean, drainOf?: Socket): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const failure = this.failure;
        if (failure === undefined && !ready()) return;
        this.waiters.delete(check);
        drainOf?.off('drain', check);
        if (failure) reject(failure);
        else resolve();
      };
      this.waiters.add(check);
      drainOf?.on('drain', check);
      check();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private onFrame(frame: ParsedFrame): void {
    if (frame.type === 'error') {
      this.fail(errorOf(frame));
      return;
    }
    if (frame.type === 'upload_done' && this.finishing && this.done === undefined) {
      this.done = frame['file'] as FileInfo;
      this.wake();
      this.socket?.end();
    }
  }

  private onClose(reason: string): void {
    if (this.done !== undefined) return;
    this.fail(new ParleyError('disconnected', `Upload connection lost: ${reason}`));
  }

  private fail(error: ParleyError): void {
    if (this.failure === undefined && this.done === undefined) this.failure = error;
    this.socket?.destroy();
    this.wake();
  }
}
