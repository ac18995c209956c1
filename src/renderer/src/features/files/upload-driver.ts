/**
 * Drives one upload, the same in both builds (the renderer holds the File; main or the web
 * gateway only carries bytes):
 *
 *   beginUpload(key…)  → { upload: {id, offset} }  (or { file }: this key's upload is complete)
 *   writeUpload(offset, chunk) … one chunk after another, read from the File as it goes (a 30 GB
 *   file is never in memory); the chunk that ends the file carries its SHA-256 → { file }
 *
 * The hash is computed incrementally as the chunks go out (@noble/hashes: WebCrypto has no
 * streaming SHA-256). When the transfer connection is lost (`transfer_interrupted`) or the
 * server is away (`not_connected`), the driver waits until that server is connected again and
 * resumes BY ITSELF with one beginUpload under the same key, from the offset the server says it
 * holds. A hasher cannot rewind, so it keeps a copy taken before each chunk; when the server holds
 * some other number of bytes, the prefix is hashed again from the File. Every other error ends
 * the run with that error; `run()` again (Retry) continues from where the server is.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { ConversationTarget, ParleyApi } from '../../../../shared/api/contract.ts';
import type { UploadRequest } from '../../../../shared/api/contract.ts';
import type { FileInfo } from '../../../../shared/protocol/server-frames.ts';
import { errorCode, errorMessage } from '../../lib/describe-error.ts';

/** Errors after which the upload waits for the connection and resumes by itself. */
export const RESUMABLE_CODES: ReadonlySet<string> = new Set(['transfer_interrupted', 'not_connected', 'disconnected']);

/** What an upload is doing, for its progress line. */
export type UploadPhase = 'starting' | 'hashing' | 'uploading' | 'waiting';

export interface UploadProgress {
  phase: UploadPhase;
  /** Bytes the server holds. */
  sent: number;
  size: number;
  /** Smoothed; 0 until the first chunk went through, and while waiting. */
  bytesPerSecond: number;
}

export interface UploadJob {
  server: string;
  target: ConversationTarget;
  /** Client-chosen, the same for every attempt: the server resumes (or answers) that upload. */
  key: string;
  file: Blob;
  name: string;
  thumb?: UploadRequest['thumb'];
  width?: number;
  height?: number;
}

export interface UploadDeps {
  api: Pick<ParleyApi, 'beginUpload' | 'writeUpload' | 'cancelUpload'>;
  /** Resolves once `server` is connected again (after a lost connection); rejects when aborted. */
  waitUntilConnected: (server: string, signal: AbortSignal) => Promise<void>;
  onProgress: (progress: UploadProgress) => void;
  chunkBytes: number;
  now?: () => number;
}

/** An upload that ended: the server's (or the API's) code and words. */
export class UploadError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

type Hasher = ReturnType<typeof sha256.create>;

/** How much a new speed sample counts against the running average. */
const SPEED_WEIGHT = 0.3;
/** Re-asking for the offset after the server held an unexpected count: at most this often in a row. */
const MAX_RESYNCS = 3;

export class UploadDriver {
  private readonly job: UploadJob;
  private readonly deps: UploadDeps;
  private readonly now: () => number;
  private hasher: Hasher = sha256.create();
  /** Bytes fed to `hasher`. */
  private hashedTo = 0;
  /** A copy of the hasher before the chunk at `offset` went in: resuming at `offset` needs no rehash. */
  private checkpoint: { offset: number; hasher: Hasher } | null = null;
  private uploadId: string | null = null;
  private sent = 0;
  private speed = 0;
  private controller = new AbortController();
  private running = false;
  /** Times the driver resumed by itself after a lost connection (for tests and logs). */
  resumes = 0;

  constructor(job: UploadJob, deps: UploadDeps) {
    this.job = job;
    this.deps = deps;
    this.now = deps.now ?? (() => performance.now());
  }

  get size(): number {
    return this.job.file.size;
  }

  /** Uploads (or resumes) the file; resolves with the stored file. One run at a time. */
  async run(): Promise<FileInfo> {
    if (this.running) throw new UploadError('busy', 'The upload is already running.');
    if (this.controller.signal.aborted) throw new UploadError('canceled', 'The upload was cancelled.');
    this.running = true;
    let resyncs = 0;
    try {
      for (;;) {
        try {
          return await this.attempt();
        } catch (error) {
          if (this.controller.signal.aborted) throw new UploadError('canceled', 'The upload was cancelled.');
          if (error instanceof OffsetMoved && resyncs++ < MAX_RESYNCS) continue;
          const code = error instanceof UploadError ? error.code : (errorCode(error) ?? 'internal');
          if (!RESUMABLE_CODES.has(code)) {
            throw error instanceof UploadError ? error : new UploadError(code, errorMessage(error));
          }
          this.speed = 0;
          this.report('waiting');
          await this.deps.waitUntilConnected(this.job.server, this.controller.signal).catch(() => {
            throw new UploadError('canceled', 'The upload was cancelled.');
          });
          if (this.controller.signal.aborted) throw new UploadError('canceled', 'The upload was cancelled.');
          this.resumes++;
          resyncs = 0;
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Stops the upload; the server deletes what it holds of it. */
  cancel(): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort();
    if (this.uploadId !== null) this.deps.api.cancelUpload(this.job.server, this.uploadId).catch(() => {});
  }

  private async attempt(): Promise<FileInfo> {
    const { api } = this.deps;
    const { server, target, key, file, name } = this.job;
    this.report('starting');
    const request: UploadRequest = { key, name, size: file.size };
    if (this.job.thumb) request.thumb = this.job.thumb;
    if (this.job.width !== undefined && this.job.height !== undefined) {
      request.width = this.job.width;
      request.height = this.job.height;
    }
    const begun = await this.unlessCanceled(api.beginUpload(server, target, request));
    this.throwIfCanceled();
    if ('file' in begun) {
      this.sent = file.size;
      return begun.file;
    }
    const { id, offset } = begun.upload;
    this.uploadId = id;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > file.size) {
      throw new UploadError('upload_offset_mismatch', 'The server holds more of this file than it has.');
    }
    await this.hashUpTo(offset);
    this.sent = offset;
    this.report('uploading');

    let position = offset;
    do {
      const end = Math.min(file.size, position + this.deps.chunkBytes);
      const started = this.now();
      const chunk = new Uint8Array(await file.slice(position, end).arrayBuffer());
      this.throwIfCanceled();
      if (chunk.byteLength !== end - position) {
        throw new UploadError('file_changed', 'The file changed or could not be read while it was sent.');
      }
      this.checkpoint = { offset: position, hasher: this.hasher.clone() };
      this.hasher.update(chunk);
      this.hashedTo = end;
      const last = end === file.size;
      const digest = last ? bytesToHex(this.hasher.clone().digest()) : undefined;
      const result = await this.unlessCanceled(api.writeUpload(server, id, position, chunk, digest));
      this.throwIfCanceled();
      if (result.file) {
        this.sent = file.size;
        return result.file;
      }
      if (result.offset !== end) throw new OffsetMoved();
      this.sample(end - position, this.now() - started);
      position = end;
      this.sent = end;
      this.report('uploading');
    } while (position < file.size);
    throw new UploadError('internal', 'The server did not confirm the finished file.');
  }

  /** Puts the hasher at `offset`: the copy from before that chunk, else the prefix read again. */
  private async hashUpTo(offset: number): Promise<void> {
    if (this.hashedTo === offset) return;
    if (this.checkpoint?.offset === offset) {
      this.hasher = this.checkpoint.hasher.clone();
      this.hashedTo = offset;
      return;
    }
    this.hasher = sha256.create();
    this.hashedTo = 0;
    this.checkpoint = null;
    this.report('hashing');
    while (this.hashedTo < offset) {
      const end = Math.min(offset, this.hashedTo + this.deps.chunkBytes);
      const chunk = new Uint8Array(await this.job.file.slice(this.hashedTo, end).arrayBuffer());
      this.throwIfCanceled();
      this.hasher.update(chunk);
      this.hashedTo = end;
    }
  }

  private sample(bytes: number, elapsedMs: number): void {
    if (!(elapsedMs > 0)) return;
    const rate = (bytes * 1000) / elapsedMs;
    this.speed = this.speed === 0 ? rate : SPEED_WEIGHT * rate + (1 - SPEED_WEIGHT) * this.speed;
  }

  private report(phase: UploadPhase): void {
    this.deps.onProgress({ phase, sent: this.sent, size: this.job.file.size, bytesPerSecond: this.speed });
  }

  /** A call's answer, or the cancellation as soon as it happens (a stuck call does not hold it up). */
  private unlessCanceled<T>(call: Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new UploadError('canceled', 'The upload was cancelled.'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      call.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new UploadError(errorCode(error) ?? 'internal', errorMessage(error)));
        },
      );
    });
  }

  private throwIfCanceled(): void {
    if (this.controller.signal.aborted) throw new UploadError('canceled', 'The upload was cancelled.');
  }
}

/** The server holds a different number of bytes than the last write left: ask it again. */
class OffsetMoved extends Error {}
