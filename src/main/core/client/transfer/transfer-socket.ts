/**
 * A transfer connection (docs/PROTOCOL.md §18): a second connection to the same server (on its
 * transfer port, welcome.limits.files.transferPort), opened
 * through the client's own dialer (so TLS, when it comes, covers file bytes too), whose first
 * frame is `upload` or `download` with the user's credentials. The server answers one frame
 * (`upload_ready` / `download_ready`, or an `error` and a close); after it the connection
 * carries raw bytes. This file dials, sends the first frame, reads the answer, and then hands
 * the bytes to the caller: frames until the caller switches to raw mode, raw chunks after.
 */
import type { Socket } from 'node:net';
import { FRAME_HEADER_BYTES, PROTOCOL_VERSION } from '../../../../shared/protocol/constants.ts';
import { encodeFrame, parseFrame, type ParsedFrame } from '../../framing/frame-codec.ts';
import type { Dialer } from '../../transport/dialer.ts';
import { ParleyError } from '../errors.ts';

/**
 * Frames on a transfer connection are small (a FileInfo with a 255-character name, an error):
 * anything longer is not a server speaking this protocol, and is refused before it is buffered.
 */
const MAX_TRANSFER_FRAME_BYTES = 256 * 1024;

/** What a transfer connection needs from the client that opens it. */
export interface TransferLink {
  host: string;
  /** The server's transfer port (welcome.limits.files.transferPort). */
  port(): number;
  dialer: Dialer;
  connectTimeoutMs: number;
  /** How long the server may take to answer the first frame (and an upload's finish). */
  requestTimeoutMs: number;
  /** The credentials of the current user (undefined before the first welcome). */
  credentials(): { userId: string; token: string } | undefined;
  /** Registers an open transfer socket, so that closing the client closes it too. */
  track(socket: Socket): void;
}

/** Open transfer sockets of one client: all are destroyed when the client closes for good. */
export class TransferSockets {
  private readonly open = new Set<Socket>();

  track(socket: Socket): void {
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
  }

  closeAll(): void {
    for (const socket of [...this.open]) socket.destroy();
    this.open.clear();
  }
}

/** Splits incoming bytes into frames until `raw` is set; from then on chunks go to `raw` as they are. */
export class TransferReader {
  /** Raw-byte mode: set by a frame handler (after a `*_ready` frame), receives every later byte. */
  raw: ((chunk: Buffer) => void) | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private readonly onFrame: (frame: ParsedFrame) => void;
  private readonly onBadFrame: (reason: string) => void;

  constructor(onFrame: (frame: ParsedFrame) => void, onBadFrame: (reason: string) => void) {
    this.onFrame = onFrame;
    this.onBadFrame = onBadFrame;
  }

  push(chunk: Buffer): void {
    if (this.raw) {
      this.raw(chunk);
      return;
    }
    let data = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (!this.isRaw()) {
      if (data.length < FRAME_HEADER_BYTES) break;
      const length = data.readUInt32BE(0);
      if (length === 0 || length > MAX_TRANSFER_FRAME_BYTES) {
        this.buffered = Buffer.alloc(0);
        this.onBadFrame(`frame length ${length} on a transfer connection`);
        return;
      }
      if (data.length < FRAME_HEADER_BYTES + length) break;
      const parsed = parseFrame(data.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length));
      data = data.subarray(FRAME_HEADER_BYTES + length);
      if (!parsed.ok) {
        this.buffered = Buffer.alloc(0);
        this.onBadFrame(parsed.reason);
        return;
      }
      this.onFrame(parsed.frame);
    }
    const raw = this.raw as ((chunk: Buffer) => void) | undefined; // may have been set by onFrame
    if (raw) {
      this.buffered = Buffer.alloc(0);
      if (data.length > 0) raw(data);
    } else {
      // Copied: a small tail of a large chunk must not keep the whole chunk alive.
      this.buffered = Buffer.from(data);
    }
  }

  /** Read afresh each time: a frame handler may switch to raw mode in the middle of a chunk. */
  private isRaw(): boolean {
    return this.raw !== undefined;
  }
}

/** An error frame from the server as the ParleyError a transfer rejects with. */
export function errorOf(frame: ParsedFrame): ParleyError {
  const code = typeof frame['code'] === 'string' ? frame['code'] : 'internal';
  const message = typeof frame['message'] === 'string' ? frame['message'] : 'The server refused the transfer';
  return new ParleyError(code as ParleyError['code'], message);
}

export interface TransferHooks {
  /** Runs as the ready frame is read, before any byte behind it. */
  onReady?(frame: ParsedFrame, socket: Socket): void;
  onRaw?(chunk: Buffer): void;
  onFrame(frame: ParsedFrame): void;
  onClose(reason: string): void;
}

export interface OpenedTransfer {
  socket: Socket;
  reader: TransferReader;
  /** The server's answer to the first frame (its `type` is the `ready` type asked for). */
  ready: ParsedFrame;
}

/**
 * Dials a transfer connection, sends `first` (with `protocol` and the credentials added) and
 * resolves with the server's `readyType` frame. Rejects with the server's error code, or
 * `disconnected` when the connection could not be made or ended first. `onReady` runs as the
 * ready frame is read; with `onRaw`, every byte after it is raw and goes there (bytes may follow
 * the frame in the same chunk, so the switch happens then, not when the promise settles). Later
 * frames go to `onFrame`, the close to `onClose`.
 */
export function openTransfer(
  link: TransferLink,
  first: { type: 'upload' | 'download' } & Record<string, unknown>,
  readyType: 'upload_ready' | 'download_ready',
  hooks: TransferHooks,
): Promise<OpenedTransfer> {
  const credentials = link.credentials();
  if (!credentials) {
    return Promise.reject(new ParleyError('not_authenticated', 'No credentials yet: connect to the server first'));
  }
  return new Promise((resolve, reject) => {
    /** The promise settled: resolved (ready) or rejected. */
    let settled = false;
    /** The ready frame arrived: from then on the caller owns the connection's outcome. */
    let opened = false;
    let failure = 'connection closed';
    const fail = (error: ParleyError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
      socket.destroy();
    };
    const socket = link.dialer({ host: link.host, port: link.port() }, () => {
      socket.setTimeout(0);
      socket.write(encodeFrame({ ...first, protocol: PROTOCOL_VERSION, credentials: { ...credentials } }));
    });
    link.track(socket);
    socket.setTimeout(link.connectTimeoutMs, () => socket.destroy(new Error('connect timed out')));
    const timer = setTimeout(
      () => fail(new ParleyError('timeout', `No ${readyType} within ${link.requestTimeoutMs} ms`)),
      link.connectTimeoutMs + link.requestTimeoutMs,
    );
    const reader = new TransferReader(
      (frame) => {
        if (opened) {
          hooks.onFrame(frame);
          return;
        }
        if (settled) return; // refused or timed out: the socket is being destroyed
        if (frame.type === 'error') {
          fail(errorOf(frame));
          return;
        }
        if (frame.type !== readyType) {
          failure = `unexpected ${frame.type} frame before ${readyType}`;
          socket.destroy();
          return;
        }
        settled = true;
        opened = true;
        clearTimeout(timer);
        hooks.onReady?.(frame, socket);
        if (hooks.onRaw) reader.raw = hooks.onRaw;
        resolve({ socket, reader, ready: frame });
      },
      (reason) => {
        failure = `bad frame from server: ${reason}`;
        socket.destroy();
      },
    );
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', (error) => {
      failure = error.message;
    });
    socket.on('close', () => {
      if (opened) hooks.onClose(failure);
      else fail(new ParleyError('disconnected', `Transfer connection lost: ${failure}`));
    });
  });
}
