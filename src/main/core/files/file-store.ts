/**
 * The bytes of files on disk, under `<dataDir>/files/` (README.md):
 *   blobs/<first 2 hex>/<sha256>   finished contents, named by their SHA-256 (stored once)
 *   partial/<upload id>            uploads in progress; never visible as a file, never served
 *   partial/<upload id>.thumb      the upload's checked thumbnail, until the upload finishes
 * A finished upload is renamed from partial/ into blobs/ (same file system: atomic), so a blob
 * is always complete. Only ids and hashes the server made name a path, never anything a client sent.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const FILES_DIR = 'files';

export class FileStore {
  readonly root: string;
  private readonly blobsDir: string;
  private readonly partialDir: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, FILES_DIR);
    this.blobsDir = join(this.root, 'blobs');
    this.partialDir = join(this.root, 'partial');
    mkdirSync(this.blobsDir, { recursive: true });
    mkdirSync(this.partialDir, { recursive: true });
  }

  blobPath(sha256: string): string {
    return join(this.blobsDir, sha256.slice(0, 2), sha256);
  }

  partialPath(uploadId: string): string {
    return join(this.partialDir, uploadId);
  }

  /** Where an upload's checked thumbnail waits until the upload finishes. */
  thumbPath(uploadId: string): string {
    return join(this.partialDir, `${uploadId}.thumb`);
  }

  hasBlobFile(sha256: string): boolean {
    return existsSync(this.blobPath(sha256));
  }

  /** Bytes of a partial upload on disk (0 when there is none). */
  partialSize(uploadId: string): number {
    try {
      return statSync(this.partialPath(uploadId)).size;
    } catch {
      return 0;
    }
  }

  createPartial(uploadId: string): void {
    writeFileSync(this.partialPath(uploadId), '', { flag: 'w' });
  }

  /** Deletes an upload's partial bytes and its waiting thumbnail. */
  deletePartial(uploadId: string): void {
    rmSync(this.partialPath(uploadId), { force: true });
    rmSync(this.thumbPath(uploadId), { force: true });
  }

  /** Deletes something in partial/ that belongs to no upload. */
  deleteStray(name: string): void {
    rmSync(join(this.partialDir, name), { force: true });
  }

  /** Names in partial/ (upload ids, and leftovers of interrupted thumbnail writes). */
  partialNames(): string[] {
    return readdirSync(this.partialDir);
  }

  /** Bytes free on the disk of the files folder for this (unprivileged) process. */
  freeDiskBytes(): number {
    const stats = statfsSync(this.root);
    return stats.bavail * stats.bsize;
  }

  /**
   * Makes a finished partial the blob of `sha256`. When that content is stored already (the
   * same file sent before), the partial is simply deleted: the same bytes are stored once.
   */
  async promotePartial(uploadId: string, sha256: string): Promise<void> {
    const target = this.blobPath(sha256);
    if (existsSync(target)) {
      await rm(this.partialPath(uploadId), { force: true });
      return;
    }
    await mkdir(join(this.blobsDir, sha256.slice(0, 2)), { recursive: true });
    await rename(this.partialPath(uploadId), target);
  }

  /** Keeps an upload's checked thumbnail until the upload finishes (written aside, then renamed). */
  async writeThumb(uploadId: string, data: Buffer): Promise<void> {
    const aside = join(this.partialDir, `tmp-${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(aside, data);
      await rename(aside, this.thumbPath(uploadId));
    } finally {
      await rm(aside, { force: true });
    }
  }

  async readThumb(uploadId: string): Promise<Buffer> {
    return readFile(this.thumbPath(uploadId));
  }

  /** Makes an upload's thumbnail the blob of `sha256` (or drops it when that content is stored). */
  async promoteThumb(uploadId: string, sha256: string): Promise<void> {
    const target = this.blobPath(sha256);
    if (existsSync(target)) {
      await rm(this.thumbPath(uploadId), { force: true });
      return;
    }
    await mkdir(join(this.blobsDir, sha256.slice(0, 2)), { recursive: true });
    await rename(this.thumbPath(uploadId), target);
  }

  /** Up to `bytes` bytes from the start of a blob. */
  async readHead(sha256: string, bytes: number): Promise<Buffer> {
    const handle = await open(this.blobPath(sha256), 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
}
