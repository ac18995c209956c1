/**
 * What every transfer connection has: its socket, who it authenticated as, when bytes last
 * moved (the idle timeout), and how it ends: with an `error` frame (then the socket is ended and,
 * after a short grace, destroyed) or silently.
 */
import type { Socket } from 'node:net';
import type { ErrorCode } from '../../../../shared/protocol/error-codes.ts';
import { encodeFrame } from '../../framing/frame-codec.ts';

const CLOSE_GRACE_MS = 2000;

export class TransferConnection {
  readonly socket: Socket;
  readonly ip: string;
  readonly kind: 'upload' | 'download';
  userId: string | undefined;
  lastProgressAt = Date.now();
  /**
   * True while the server itself holds the transfer up (rehashing a partial, waiting for the disk,
   * storing a finished upload): its idle clock stands still meanwhile.
   */
  holding = true;
  ended = false;
  /** Resolves when the socket has closed and the transfer has cleaned up (see TransferServer.close). */
  readonly finished: Promise<void>;
  private finish!: () => void;

  constructor(socket: Socket, ip: string, kind: 'upload' | 'download') {
    this.socket = socket;
    this.ip = ip;
    this.kind = kind;
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  send(frame: object): void {
    if (!this.ended && !this.socket.destroyed) this.socket.write(encodeFrame(frame));
  }

  /** Sends an error frame and closes; what the client still sends is read and dropped. */
  fail(code: ErrorCode, message: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.socket.destroyed) return;
    this.socket.removeAllListeners('data');
    this.socket.resume();
    this.socket.end(encodeFrame({ type: 'error', code, message, fatal: true }));
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Ends after the bytes already written (a download that is complete). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Cleanup is done: the server may forget this connection. */
  settled(): void {
    this.finish();
  }
}
