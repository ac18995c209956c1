/**
 * The receiving side of a download's transfer connection: `download` → `download_ready`, then
 * exactly `length` raw bytes, then the server closes.
 *
 * The bytes are a Readable with real backpressure: when its consumer stops reading, the socket is
 * paused, TCP's window closes and the server stops sending (it holds no memory for us either).
 * The body ends only after exactly `length` bytes; a connection that ends short errors the body
 * with `disconnected` (resume from the bytes received), and more bytes than announced error it
 * too. Destroying the body closes the connection.
 */
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { DownloadReadyFrame } from '../../../../shared/protocol/server-frames.ts';
import { ParleyError } from '../errors.ts';
import { openTransfer, type TransferLink } from './transfer-socket.ts';

export type DownloadVariant = 'original' | 'thumb';

export interface DownloadRequest {
  variant?: DownloadVariant;
  offset?: number;
  /** Bytes wanted from `offset`; absent means to the end. */
  length?: number;
}

export interface Download {
  /** The server's header: the file, the variant's size and SHA-256, the range that follows. */
  ready: DownloadReadyFrame;
  /** Exactly `ready.length` bytes (errors if the connection ends short). */
  body: Readable;
}

/** Opens a download; rejects with the server's code (file_not_found …) or `disconnected`. */
export async function openDownload(link: TransferLink, file: string, request: DownloadRequest = {}): Promise<Download> {
  const offset = request.offset ?? 0;
  const first: Record<string, unknown> & { type: 'download' } = {
    type: 'download',
    file,
    variant: request.variant ?? 'original',
    offset,
  };
  if (request.length !== undefined) first['length'] = request.length;

  let socket: Socket | undefined;
  let remaining = 0;
  let received = 0;
  let finished = false;
  const body = new Readable({
    // 1 MiB between socket and consumer, then the socket is paused.
    highWaterMark: 1024 * 1024,
    read: () => socket?.resume(),
    destroy: (error, callback) => {
      socket?.destroy();
      callback(error);
    },
  });
  const end = () => {
    finished = true;
    body.push(null);
    socket?.end();
  };
  const opened = await openTransfer(link, first, 'download_ready', {
    onReady: (frame, opened) => {
      socket = opened;
      const problem = checkReady(frame as unknown as DownloadReadyFrame, offset, request.length);
      if (problem) {
        body.destroy(new ParleyError('bad_frame', problem));
        return;
      }
      remaining = (frame as unknown as DownloadReadyFrame).length;
    },
    onRaw: (chunk) => {
      if (finished || body.destroyed) return;
      if (chunk.length > remaining) {
        body.destroy(
          new ParleyError('bad_frame', `The server sent more than the ${received + remaining} bytes announced`),
        );
        return;
      }
      remaining -= chunk.length;
      received += chunk.length;
      const more = body.push(chunk);
      if (remaining === 0) end();
      else if (!more) socket?.pause();
    },
    // No frames are expected after download_ready: only raw bytes.
    onFrame: () => {},
    onClose: (reason) => {
      if (finished || body.destroyed) return;
      body.destroy(
        new ParleyError(
          'disconnected',
          `Download connection lost after ${received} of ${received + remaining} bytes: ${reason}`,
        ),
      );
    },
  });
  const ready = opened.ready as unknown as DownloadReadyFrame;
  if (body.destroyed) {
    opened.socket.destroy();
    throw body.errored ?? new ParleyError('disconnected', 'The download ended at once');
  }
  if (remaining === 0 && !finished) end();
  return { ready, body };
}

/** The header must describe the range asked for, within the variant. */
function checkReady(frame: DownloadReadyFrame, offset: number, length: number | undefined): string | undefined {
  const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!isCount(frame.size) || !isCount(frame.offset) || !isCount(frame.length)) return 'download_ready without sizes';
  if (frame.offset !== offset) return `download_ready at offset ${frame.offset}, not ${offset}`;
  if (frame.offset + frame.length > frame.size) return 'download_ready beyond the end of the file';
  if (length !== undefined && frame.length > length) return 'download_ready with more bytes than asked for';
  if (typeof frame.file !== 'object' || frame.file === null) return 'download_ready without the file';
  return undefined;
}
