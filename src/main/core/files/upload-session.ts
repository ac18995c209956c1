/**
 * One transfer connection's share of an upload: the raw bytes it brings are hashed as they
 * arrive (SHA-256, incrementally) and appended to the partial file. Writes are queued and
 * coalesced (one `writev` for everything that arrived while the previous write ran), so a fast
 * sender costs few system calls; above WRITE_HIGH_WATER bytes queued the caller is told to stop
 * reading (`write` returns false, `onDrain` says when to go on), so a sender faster than the disk
 * holds at most that much server memory.
 */
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** Bytes received but not yet written above which the sender is paused. */
export const WRITE_HIGH_WATER = 4 * 1024 * 1024;

/** Write errors that mean "no room": answered disk_full, the partial is deleted. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

export function isNoSpace(error: unknown): boolean {
  return NO_SPACE.has((error as { code?: string }).code ?? '');
}

export class UploadWriter {
  /** Bytes on disk (the partial's size once every queued write is done). */
  position: number;
  /** The first write error; nothing more is written after it. */
  failure: unknown;
  onDrain: () => void = () => {};
  readonly hash: Hash;
  private readonly handle: FileHandle;
  private queue: Buffer[] = [];
  private queued = 0;
  private writing: Promise<void> | undefined;

  constructor(handle: FileHandle, position: number, hash: Hash) {
    this.handle = handle;
    this.position = position;
    this.hash = hash;
  }

  /** Bytes received and not yet written. */
  get pendingBytes(): number {
    return this.queued;
  }

  /** Hashes and queues `chunk`; false when the caller should stop reading until onDrain. */
  write(chunk: Buffer): boolean {
    if (this.failure !== undefined) return true;
    this.hash.update(chunk);
    this.queue.push(chunk);
    this.queued += chunk.length;
    this.writing ??= this.pump();
    return this.queued < WRITE_HIGH_WATER;
  }

  /** Resolves once everything queued is on disk (or a write failed: see `failure`). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async close(): Promise<void> {
    await this.flushed();
    await this.handle.close().catch(() => {});
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.failure === undefined) {
        const buffers = this.queue;
        const bytes = this.queued;
        this.queue = [];
        this.queued = 0;
        const wasFull = bytes >= WRITE_HIGH_WATER;
        try {
          const { bytesWritten } = await this.handle.writev(buffers, this.position);
          this.position += bytesWritten;
          // A regular file is written short only at a limit (RLIMIT_FSIZE, a full disk).
          if (bytesWritten < bytes) this.failure = Object.assign(new Error('short write'), { code: 'ENOSPC' });
        } catch (error) {
          this.failure = error;
        }
        if (wasFull || this.failure !== undefined) this.onDrain();
      }
    } finally {
      this.writing = undefined;
    }
  }
}
