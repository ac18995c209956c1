/**
 * A cheap protocol client for load generation: a raw socket and the real FrameDecoder.
 *
 * Outside the measured phase every frame is JSON-parsed and requests are matched to replies by
 * id (setup: hello, room_create, room_join). During the measured phase a benchmark installs a
 * `rawHandler` that sees each frame body as bytes with the arrival time of its TCP chunk, so that
 * 200 receivers cost little more than the bytes they read.
 */
import { connect, type Socket } from 'node:net';
import { encodeFrame, parseFrame, type ParsedFrame } from '../../src/main/core/framing/frame-codec.ts';
import { FrameDecoder } from '../../src/main/core/framing/frame-decoder.ts';
import { PROTOCOL_VERSION } from '../../src/shared/protocol/constants.ts';
import { nowNs } from './stats.ts';
import { releaseSocket } from './target.ts';

/** A TCP connection with Nagle off, for load generators: rejects on error or after `timeoutMs`. */
export function connectSocket(port: number, host: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('connect timed out'));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolvePromise(socket);
    });
  });
}

export const HOST = '127.0.0.1';

/** Replies can carry 200 messages of 4000 characters; accept anything the server may send. */
const MAX_FRAME = 64 * 1024 * 1024;

/** Called for every frame body; `payload` may share memory with the chunk: use it before returning. */
export type RawHandler = (payload: Buffer, arrivedNs: number) => void;

export class BenchConn {
  readonly socket: Socket;
  rawHandler: RawHandler | undefined;
  /** Frames that answered no pending request (events), kept only when `keepEvents` is set. */
  readonly events: ParsedFrame[] = [];
  keepEvents = false;
  closed = false;
  closeError: Error | undefined;
  private readonly decoder = new FrameDecoder(MAX_FRAME);
  private readonly pending = new Map<number, { resolve: (f: ParsedFrame) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => (this.closeError = error));
    socket.on('close', () => {
      this.closed = true;
      const error = this.closeError ?? new Error('connection closed');
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
  }

  static async open(port: number, timeoutMs = 10_000): Promise<BenchConn> {
    return new BenchConn(await connectSocket(port, HOST, timeoutMs));
  }

  /** Wraps a socket another process connected and handed over (lib/receiver-child.ts). */
  static adopt(socket: Socket): BenchConn {
    const conn = new BenchConn(socket);
    socket.resume();
    return conn;
  }

  /** See RawConn.detach (lib/target.ts). */
  detach(): Socket {
    if (this.decoder.pendingBytes > 0 || this.pending.size > 0) {
      throw new Error('cannot hand over a connection with a partial frame or a request in flight');
    }
    return releaseSocket(this.socket);
  }

  /** Connects and completes hello. */
  static async hello(port: number, name: string): Promise<BenchConn> {
    const conn = await BenchConn.open(port);
    const welcome = await conn.request({ type: 'hello', protocol: PROTOCOL_VERSION, name, client: 'parley-bench' });
    if (welcome['type'] !== 'welcome') {
      conn.destroy();
      throw new Error(`hello refused: ${JSON.stringify(welcome)}`);
    }
    return conn;
  }

  private onData(chunk: Buffer): void {
    const raw = this.rawHandler;
    if (raw) {
      const t = nowNs();
      this.decoder.push(chunk, (payload) => raw(payload, t));
      return;
    }
    this.decoder.push(chunk, (payload) => {
      const parsed = parseFrame(payload);
      if (!parsed.ok) throw new Error(`server sent a bad frame: ${parsed.reason}`);
      this.onFrame(parsed.frame);
    });
  }

  private onFrame(frame: ParsedFrame): void {
    const re = frame['re'];
    if (typeof re === 'number') {
      const waiter = this.pending.get(re);
      if (waiter) {
        this.pending.delete(re);
        waiter.resolve(frame);
        return;
      }
    }
    if (frame.type === 'ping') {
      this.send({ type: 'pong' });
      return;
    }
    if (this.keepEvents) this.events.push(frame);
  }

  send(frame: object): void {
    this.socket.write(encodeFrame(frame));
  }

  /** Sends a request with a fresh numeric id; resolves with its reply (result or error frame). */
  request(frame: Record<string, unknown>, timeoutMs = 30_000): Promise<ParsedFrame> {
    const id = this.nextId++;
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`request ${String(frame['type'])} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (f) => {
          clearTimeout(timer);
          resolvePromise(f);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.send({ ...frame, id });
    });
  }

  /** A request whose reply must be a result; returns its data. */
  async call(frame: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>> {
    const reply = await this.request(frame, timeoutMs);
    if (reply.type !== 'result') throw new Error(`${String(frame['type'])} failed: ${JSON.stringify(reply)}`);
    return reply['data'] as Record<string, unknown>;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/** ~`bytes` bytes of printable message text, different per message. */
export function messageText(index: number, bytes = 100): string {
  const head = `bench message ${index} `;
  return head + 'x'.repeat(Math.max(0, bytes - head.length));
}

/** Resolves when `condition()` holds, polling; rejects after timeoutMs with `what`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string, pollMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
