/**
 * A transfer-connection client written from docs/PROTOCOL.md §18 alone, with node:net and no
 * code of the server or the client library: it proves the protocol can be implemented from the
 * document. Frames are a 4-byte big-endian length and a UTF-8 JSON object; after `upload_ready`
 * the client sends raw bytes, after `download_ready` the server does.
 */
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { onCleanup } from './harness.ts';

export interface Credentials {
  userId: string;
  token: string;
}

export type WireFrame = { type: string } & Record<string, unknown>;

export function frame(value: object): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const out = Buffer.alloc(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * One transfer connection: reads frames until `raw()` is asked for, after which every byte is
 * raw (a download's content). Records whether and when the server closed it.
 */
export class TransferWire {
  readonly socket: Socket;
  closed = false;
  private buffer: Buffer = Buffer.alloc(0);
  private rawMode = false;
  private rawChunks: Buffer[] = [];
  private rawBytes = 0;
  private waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      if (this.rawMode) {
        this.rawChunks.push(chunk);
        this.rawBytes += chunk.length;
      } else this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<TransferWire> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        onCleanup(() => socket.destroy());
        resolve(new TransferWire(socket));
      });
    });
  }

  send(value: object): void {
    this.socket.write(frame(value));
  }

  write(bytes: Buffer): boolean {
    return this.socket.write(bytes);
  }

  /** The next frame from the server; throws when it closed without one. */
  async nextFrame(timeoutMs = 10_000): Promise<WireFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffer.length >= 4) {
        const length = this.buffer.readUInt32BE(0);
        if (this.buffer.length >= 4 + length) {
          const body = this.buffer.subarray(4, 4 + length);
          const rest = this.buffer.subarray(4 + length);
          this.buffer = Buffer.alloc(0);
          const parsed = JSON.parse(body.toString('utf8')) as WireFrame;
          if (rest.length > 0) {
            this.rawChunks.push(rest);
            this.rawBytes += rest.length;
          }
          return parsed;
        }
      }
      if (this.closed) throw new Error('closed without a frame');
      await this.wait(deadline);
    }
  }

  /** From now on everything is raw; resolves with `length` bytes (or what came before the close). */
  async raw(length: number, timeoutMs = 30_000): Promise<Buffer> {
    this.rawMode = true;
    const deadline = Date.now() + timeoutMs;
    while (this.rawBytes < length && !this.closed) await this.wait(deadline);
    return Buffer.concat(this.rawChunks, this.rawBytes);
  }

  async waitClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) await this.wait(deadline);
  }

  private wait(deadline: number): Promise<void> {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.reject(new Error('timed out on the transfer connection'));
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, left);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Writes `data` in chunks, waiting for the socket to drain (a well-behaved sender). */
async function writeAll(wire: TransferWire, data: Buffer, chunkBytes = 256 * 1024): Promise<void> {
  for (let at = 0; at < data.length; at += chunkBytes) {
    if (wire.closed) return;
    if (!wire.write(data.subarray(at, at + chunkBytes))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          wire.socket.off('drain', done);
          wire.socket.off('close', done);
          resolve();
        };
        wire.socket.on('drain', done);
        wire.socket.on('close', done);
      });
    }
  }
}

export interface UploadOutcome {
  /** The server's first answer: upload_ready, or an error. */
  ready: WireFrame;
  /** upload_done or an error (undefined when the upload was not ready or was cut on purpose). */
  result?: WireFrame;
}

/**
 * Uploads `data` (the bytes from `offset` on) of the upload `upload`: the open frame, the raw
 * bytes, `upload_finish`. `sha` defaults to the SHA-256 of `whole` (all the file's bytes).
 */
export async function upload(
  port: number,
  credentials: Credentials,
  uploadId: string,
  data: Buffer,
  options: { offset?: number; sha?: string; whole?: Buffer } = {},
): Promise<UploadOutcome> {
  const wire = await TransferWire.open(port);
  const offset = options.offset ?? 0;
  wire.send({ type: 'upload', protocol: 1, credentials, upload: uploadId, offset });
  const ready = await wire.nextFrame();
  if (ready.type !== 'upload_ready') return { ready };
  await writeAll(wire, data);
  wire.send({ type: 'upload_finish', sha256: options.sha ?? sha256(options.whole ?? data) });
  const result = await wire.nextFrame();
  wire.socket.destroy();
  return { ready, result };
}

export interface DownloadOutcome {
  ready: WireFrame;
  bytes: Buffer;
}

/** Downloads a file (or a range of it): the open frame, `download_ready`, the raw bytes. */
export async function download(
  port: number,
  credentials: Credentials,
  fileId: string,
  options: { variant?: 'original' | 'thumb'; offset?: number; length?: number } = {},
): Promise<DownloadOutcome> {
  const wire = await TransferWire.open(port);
  wire.send({ type: 'download', protocol: 1, credentials, file: fileId, ...options });
  const ready = await wire.nextFrame();
  if (ready.type !== 'download_ready') return { ready, bytes: Buffer.alloc(0) };
  const bytes = await wire.raw(ready['length'] as number);
  wire.socket.destroy();
  return { ready, bytes };
}
