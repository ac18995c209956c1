/** A byte-level connection to the server: write anything, read decoded frames, notice the close. */
import { connect, type Socket } from 'node:net';
import { encodeFrame, parseFrame } from '../../src/main/core/framing/frame-codec.ts';
import { FrameDecoder } from '../../src/main/core/framing/frame-decoder.ts';

export type Frame = Record<string, unknown> & { type: string };

export class WireConnection {
  readonly socket: Socket;
  closed = false;
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);
  private readonly replyWaiters = new Map<unknown, (frame: Frame) => void>();
  private readonly closeWaiters: (() => void)[] = [];

  private constructor(socket: Socket, onFrame: (frame: Frame) => void) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk, (payload) => {
          const parsed = parseFrame(payload);
          if (!parsed.ok) return;
          const frame = parsed.frame;
          onFrame(frame);
          const waiter = this.replyWaiters.get(frame['re'] ?? (frame.type === 'welcome' ? 'welcome' : undefined));
          if (waiter) waiter(frame);
        });
      } catch {
        socket.destroy(); // the server never sends a bad frame; if it does, this connection is over
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      for (const wake of this.closeWaiters.splice(0)) wake();
    });
  }

  static open(port: number, onFrame: (frame: Frame) => void = () => {}): Promise<WireConnection> {
    return new Promise((resolvePromise, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolvePromise(new WireConnection(socket, onFrame));
      });
    });
  }

  /** Writes bytes; resolves once the kernel took them (so a fast fuzzer does not buffer without bound). */
  write(bytes: Buffer): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((done) => {
      if (this.socket.write(bytes)) done();
      else {
        const finish = () => {
          this.socket.off('drain', finish);
          this.socket.off('close', finish);
          done();
        };
        this.socket.on('drain', finish);
        this.socket.on('close', finish);
      }
    });
  }

  /** Sends `frame` and waits for the frame answering `key` (its id, or 'welcome'), or the close. */
  request(frame: object, key: unknown, timeoutMs = 10_000): Promise<Frame | undefined> {
    return new Promise((resolvePromise) => {
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const finish = (reply: Frame | undefined) => {
        clearTimeout(timer);
        this.replyWaiters.delete(key);
        resolvePromise(reply);
      };
      this.replyWaiters.set(key, finish);
      this.closeWaiters.push(() => finish(undefined));
      this.socket.write(encodeFrame(frame));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
