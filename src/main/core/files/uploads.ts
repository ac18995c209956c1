/**
 * Uploads: asking (`begin`, every limit checked before a byte is sent), the transfer
 * connections that bring the bytes (`open` claims the upload for one connection of the transfer
 * thread, which writes and hashes the bytes; then `finish`, `discard` or `interrupted`),
 * cancelling, and the expiry of abandoned partials. Quota accounting lives here: the bytes
 * stored (each content once) plus the bytes reserved by uploads in flight must stay within
 * maxStorageBytes, and the disk must keep minFreeDiskBytes free after every upload in flight
 * has written its remaining bytes.
 *
 * Exactly once: an upload is named by (user, key). Asking again with the same key answers the
 * same upload with the offset to resume from, or, once finished, the file itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import type { FileInfo } from '../../../shared/protocol/features/files.ts';
import { fileInfo, type FileRecords, type UploadRow } from '../store/file-records.ts';
import { sanitizeFileName } from './file-name.ts';
import { FileStore } from './file-store.ts';
import { SNIFF_HEAD_BYTES, sniffFile } from './sniff.ts';
import { checkThumbnail } from './thumbnail.ts';

/** Write errors that mean "no room": answered disk_full. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

export function isNoSpace(error: unknown): boolean {
  return NO_SPACE.has((error as { code?: string } | undefined)?.code ?? '');
}

export interface FileStorageLimits {
  maxFileBytes: number;
  maxStorageBytes: number;
  minFreeDiskBytes: number;
  maxUploadsInFlightPerUser: number;
  /** An upload no bytes arrived for in this long is deleted with its partial. */
  partialUploadTtlMs: number;
}

export interface Refusal {
  code: ErrorCode;
  message: string;
}

export interface BeginRequest {
  owner: string;
  /** The conversation key it goes to. */
  conv: string;
  key: string;
  name: string;
  size: number;
  thumb?: { data: string; width: number; height: number } | undefined;
  width?: number | undefined;
  height?: number | undefined;
}

export type BeginResult = { upload: { id: string; offset: number; size: number } } | { file: FileInfo };

/** The transfer connection writing an upload now. */
interface Claim {
  /** The transfer thread's id of that connection. */
  connection: number;
  /** Closes that connection from outside (cancel, a newer connection). */
  stop: (refusal: Refusal) => void;
  /** Resolves once the connection has reported how its bytes ended. */
  settled: Promise<void>;
  settle: () => void;
}

interface InFlight {
  row: UploadRow;
  /** Bytes in the partial file (while no connection writes it). */
  held: number;
  active: Claim | undefined;
}

const refuse = (code: ErrorCode, message: string): Refusal => ({ code, message });

/** How long asking again for an upload waits for its old transfer connection to be seen closed. */
const SETTLE_WAIT_MS = 1000;

function newId(prefix: string): string {
  return prefix + randomBytes(12).toString('base64url');
}

export class Uploads {
  readonly disk: FileStore;
  private readonly records: FileRecords;
  private readonly limits: FileStorageLimits;
  private readonly inFlight = new Map<string, InFlight>();
  private storedBytes: number;
  /** Told when an upload is gone for good (the transfer thread drops what it kept of it). */
  onGone: (uploadId: string) => void = () => {};

  constructor(dataDir: string, records: FileRecords, limits: FileStorageLimits) {
    this.disk = new FileStore(dataDir);
    this.records = records;
    this.limits = limits;
    this.storedBytes = records.storedBytes();
    // After a restart: every unfinished upload resumes from the bytes its partial holds.
    for (const row of records.uploadsInFlight()) {
      let held = this.disk.partialSize(row.id);
      if (held > row.size) {
        this.disk.createPartial(row.id); // more than announced cannot be resumed: start again
        held = 0;
      } else if (held === 0) this.disk.createPartial(row.id);
      this.inFlight.set(row.id, { row, held, active: undefined });
    }
    // Anything else in partial/ belongs to no upload (cancelled while the server was down, a
    // thumbnail write cut short): never visible, so simply deleted.
    for (const name of this.disk.partialNames()) {
      if (!this.inFlight.has(name.replace(/\.thumb$/, ''))) this.disk.deleteStray(name);
    }
  }

  /** Bytes of all stored contents, and reserved by uploads in flight (for tests and logs). */
  usage(): { storedBytes: number; reservedBytes: number; uploadsInFlight: number } {
    let reserved = 0;
    for (const u of this.inFlight.values()) reserved += u.row.size;
    return { storedBytes: this.storedBytes, reservedBytes: reserved, uploadsInFlight: this.inFlight.size };
  }

  /**
   * file_upload: resumes or answers an upload with the same key, or starts one after checking
   * every limit (file_too_large, too_many_uploads, storage_full, disk_full, thumb_invalid).
   */
  async begin(request: BeginRequest, now = Date.now()): Promise<BeginResult | Refusal> {
    await this.settleActive(request.owner, request.key);
    const known = this.known(request.owner, request.key);
    if (known) return known;
    const limits = this.limits;
    if (request.size > limits.maxFileBytes) {
      return refuse('file_too_large', `This server accepts files of at most ${limits.maxFileBytes} bytes`);
    }
    let thumb: { data: Buffer; width: number; height: number } | undefined;
    if (request.thumb) {
      const data = Buffer.from(request.thumb.data, 'base64');
      const checked = await checkThumbnail(data, request.thumb.width, request.thumb.height);
      if (!checked) return refuse('thumb_invalid', 'The thumbnail is not a WebP, JPEG or PNG of the stated size');
      thumb = { data, width: checked.width, height: checked.height };
    }
    const id = newId('p_');
    // Written before the checks, so that they and the insert run with no await between them.
    if (thumb) {
      try {
        await this.disk.writeThumb(id, thumb.data);
      } catch (error) {
        if (isNoSpace(error)) return refuse('disk_full', 'The server has too little free disk space for this file');
        throw error;
      }
    }
    let outcome: BeginResult | Refusal;
    try {
      outcome = this.admit(request, id, thumb, now);
    } catch (error) {
      this.disk.deletePartial(id);
      throw error;
    }
    if (!('upload' in outcome && outcome.upload.id === id)) this.disk.deletePartial(id);
    return outcome;
  }

  /** The synchronous part of begin: the limits, then the new upload (no other begin in between). */
  private admit(
    request: BeginRequest,
    id: string,
    thumb: { data: Buffer; width: number; height: number } | undefined,
    now: number,
  ): BeginResult | Refusal {
    const limits = this.limits;
    const again = this.known(request.owner, request.key);
    if (again) return again;
    let mine = 0;
    let reserved = 0;
    let toWrite = 0;
    for (const u of this.inFlight.values()) {
      if (u.row.owner === request.owner) mine++;
      reserved += u.row.size;
      toWrite += u.row.size - u.held;
    }
    if (mine >= limits.maxUploadsInFlightPerUser) {
      return refuse(
        'too_many_uploads',
        `At most ${limits.maxUploadsInFlightPerUser} uploads at once; finish or cancel one`,
      );
    }
    if (this.storedBytes + reserved + request.size > limits.maxStorageBytes) {
      return refuse('storage_full', "The server's storage for files is full");
    }
    if (this.disk.freeDiskBytes() - toWrite - request.size < limits.minFreeDiskBytes) {
      return refuse('disk_full', 'The server has too little free disk space for this file');
    }
    const row: UploadRow = {
      id,
      owner: request.owner,
      key: request.key,
      conv: request.conv,
      name: sanitizeFileName(request.name),
      size: request.size,
      thumb: thumb && { size: thumb.data.length, width: thumb.width, height: thumb.height },
      width: request.width,
      height: request.height,
      createdAt: now,
      touchedAt: now,
      fileId: undefined,
    };
    this.disk.createPartial(row.id);
    this.records.createUpload(row);
    this.inFlight.set(row.id, { row, held: 0, active: undefined });
    return { upload: { id: row.id, offset: 0, size: row.size } };
  }

  /**
   * Asking again for a key whose upload a transfer connection still writes means that connection
   * is over for the client: it lost it, and the server has not noticed yet (a cut reaches the
   * transfer thread and the chat connection separately). The answer waits until the bytes that
   * connection brought are counted, so that the offset is the one to resume from: for the close
   * to arrive (at most SETTLE_WAIT_MS), then by stopping the connection.
   */
  private async settleActive(owner: string, key: string): Promise<void> {
    const row = this.records.uploadByKey(owner, key);
    const claim = row && this.inFlight.get(row.id)?.active;
    if (!claim) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      claim.settled.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), SETTLE_WAIT_MS))),
    ]);
    clearTimeout(timer);
    if (waited) return;
    claim.stop(refuse('upload_not_found', 'The upload was resumed on another connection'));
    await claim.settled;
  }

  /** The answer for a key already used: the upload to resume, or its file. */
  private known(owner: string, key: string): BeginResult | undefined {
    const row = this.records.uploadByKey(owner, key);
    if (!row) return undefined;
    if (row.fileId !== undefined) {
      const file = this.records.fileById(row.fileId);
      if (file) return { file: fileInfo(file) };
    }
    const flight = this.inFlight.get(row.id);
    if (!flight) return undefined;
    return { upload: { id: row.id, offset: flight.held, size: row.size } };
  }

  /** file_cancel: stops its transfer (if one runs) and deletes the partial. */
  cancel(owner: string, uploadId: string): Refusal | undefined {
    const flight = this.inFlight.get(uploadId);
    if (!flight || flight.row.owner !== owner) return refuse('upload_not_found', 'No unfinished upload has this id');
    flight.active?.stop(refuse('upload_not_found', 'The upload was cancelled'));
    this.drop(flight);
    return undefined;
  }

  /** Deletes an upload that will never finish (its partial and its row). */
  private drop(flight: InFlight): void {
    if (this.inFlight.get(flight.row.id) !== flight) return;
    this.inFlight.delete(flight.row.id);
    this.disk.deletePartial(flight.row.id);
    this.records.deleteUpload(flight.row.id);
    this.onGone(flight.row.id);
  }

  /**
   * A transfer connection starts writing an upload at `offset` (which must be the bytes held).
   * A connection still writing the same upload (the client reconnected before the server saw the
   * old one go) is stopped first. `stop` is how this upload's connection is closed from outside.
   * Answers where the bytes go: the partial file, the bytes it holds, the size announced.
   */
  async open(
    owner: string,
    uploadId: string,
    offset: number,
    connection: number,
    stop: (refusal: Refusal) => void,
  ): Promise<{ path: string; held: number; size: number } | Refusal> {
    let flight = this.inFlight.get(uploadId);
    if (!flight || flight.row.owner !== owner) return refuse('upload_not_found', 'No unfinished upload has this id');
    if (flight.active) {
      const previous = flight.active;
      previous.stop(refuse('upload_not_found', 'The upload was resumed on another connection'));
      await previous.settled;
      flight = this.inFlight.get(uploadId);
      if (!flight || flight.active) return refuse('upload_not_found', 'No unfinished upload has this id');
    }
    if (offset !== flight.held) {
      return refuse('upload_offset_mismatch', `The server holds ${flight.held} bytes of this upload, not ${offset}`);
    }
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    flight.active = { connection, stop, settled, settle };
    return { path: this.disk.partialPath(uploadId), held: flight.held, size: flight.row.size };
  }

  /** The flight `connection` writes, if it still does. */
  private claimed(uploadId: string, connection: number): InFlight | undefined {
    const flight = this.inFlight.get(uploadId);
    return flight?.active?.connection === connection ? flight : undefined;
  }

  /** Ends `flight`'s claim: a newer connection waiting for it may go on. */
  private release(flight: InFlight): void {
    const claim = flight.active;
    flight.active = undefined;
    claim?.settle();
  }

  /**
   * The connection ended before the last byte: the `position` bytes written are kept for a resume,
   * unless a write failed (then the upload is dropped).
   */
  interrupted(uploadId: string, connection: number, position: number, failed: boolean, now = Date.now()): void {
    const flight = this.claimed(uploadId, connection);
    if (!flight) return;
    this.release(flight);
    if (failed) {
      this.drop(flight);
      return;
    }
    flight.held = position;
    flight.row.touchedAt = now;
    this.records.touchUpload(uploadId, now);
  }

  /** The bytes are refused (size_mismatch, hash_mismatch, disk_full): nothing of them is kept. */
  discard(uploadId: string, connection: number): void {
    const flight = this.claimed(uploadId, connection);
    if (!flight) return;
    this.release(flight);
    this.drop(flight);
  }

  /** The transfer thread is gone: every claim ends with the bytes its partial holds on disk. */
  threadLost(now = Date.now()): void {
    for (const flight of this.inFlight.values()) {
      if (!flight.active) continue;
      this.release(flight);
      flight.held = Math.min(this.disk.partialSize(flight.row.id), flight.row.size);
      flight.row.touchedAt = now;
    }
  }

  /**
   * Every byte arrived (`actual` is their SHA-256, computed as they came) and the sender stated
   * `sha256`: checks it, stores the content (once), sniffs its type and records the file. Whatever
   * is refused leaves nothing behind.
   */
  async finish(
    uploadId: string,
    connection: number,
    actual: string,
    sha256: string,
    now = Date.now(),
  ): Promise<FileInfo | Refusal> {
    const flight = this.claimed(uploadId, connection);
    if (!flight) return refuse('upload_not_found', 'The upload was cancelled');
    if (actual !== sha256) {
      this.discard(uploadId, connection);
      return refuse('hash_mismatch', 'The bytes do not match the stated SHA-256; nothing was kept');
    }
    const row = flight.row;
    try {
      await this.disk.promotePartial(uploadId, actual);
      const head = await this.disk.readHead(actual, SNIFF_HEAD_BYTES);
      const sniffed = await sniffFile(head, { width: row.width, height: row.height });
      let thumb;
      if (row.thumb) {
        const bytes = await this.disk.readThumb(uploadId);
        const checked = await checkThumbnail(bytes, row.thumb.width, row.thumb.height);
        if (checked) {
          const thumbSha = createHash('sha256').update(bytes).digest('hex');
          await this.disk.promoteThumb(uploadId, thumbSha);
          thumb = { sha256: thumbSha, ...checked };
        }
      }
      const file = {
        id: newId('f_'),
        sha256: actual,
        name: row.name,
        size: row.size,
        type: sniffed.type,
        kind: sniffed.kind,
        width: sniffed.width,
        height: sniffed.height,
        thumb,
        owner: row.owner,
        conv: row.conv,
        createdAt: now,
      };
      if (this.inFlight.get(uploadId) !== flight) return refuse('upload_not_found', 'The upload was cancelled');
      this.records.finishUpload(uploadId, file, now);
      this.inFlight.delete(uploadId);
      this.onGone(uploadId);
      this.storedBytes = this.records.storedBytes();
      return fileInfo({ ...file, messageSeq: undefined });
    } catch (error) {
      this.drop(flight);
      return isNoSpace(error)
        ? refuse('disk_full', 'The server ran out of disk space; nothing was kept')
        : refuse('internal', 'The file could not be stored; nothing was kept');
    } finally {
      this.release(flight);
    }
  }

  /** Deletes uploads no bytes arrived for in partialUploadTtlMs (not those being written now). */
  expire(now = Date.now()): number {
    let expired = 0;
    for (const flight of [...this.inFlight.values()]) {
      if (flight.active || now - flight.row.touchedAt < this.limits.partialUploadTtlMs) continue;
      this.drop(flight);
      expired++;
    }
    return expired;
  }
}
