/**
 * Desktop downloads: a file of a server, saved into the Downloads folder (or where the user
 * chooses), verified, resumed after a lost connection.
 *
 * - The bytes go to a hidden `.part` file next to the final name and are hashed as they are
 *   written (the hash covers exactly what is on disk). When all `size` bytes are there, the
 *   SHA-256 is compared with the file's: a match renames the part file to its final, unique name;
 *   a mismatch deletes it (state `failed`, `hash_mismatch`). Nothing half-written ever carries
 *   the final name.
 * - A lost connection (the chat's or only the transfer's) puts the download in `waiting`; it
 *   resumes by itself from the part file's length once the server is connected again. One run
 *   loop per download, so it resumes exactly once per interruption.
 * - Progress is `downloadChanged`: on every state change, and while bytes move at most every
 *   PROGRESS_INTERVAL_MS, with a smoothed speed.
 * - Only downloads this session finished can be opened or shown (`pathOf`): the UI never names a
 *   path on disk.
 */
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, existsSync, type Stats } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { backoffDelay } from '../../../shared/backoff.ts';
import type { DownloadView } from '../../../shared/api/contract.ts';
import { ApiError } from '../../../shared/api/proxy.ts';
import type { FileInfo } from '../../../shared/protocol/server-frames.ts';
import { hasCode } from '../client/errors.ts';
import type { ParleyClient } from '../client/parley-client.ts';
import { describeError } from '../describe-error.ts';
import { toApiError } from './api-errors.ts';
import { partPathOf, safeLocalName, uniquePath } from './download-names.ts';
import type { DesktopFiles } from './media.ts';
import type { Emit } from './server-events.ts';

/** About four progress events a second while bytes move. */
export const PROGRESS_INTERVAL_MS = 250;
/** Finished, failed and cancelled downloads remembered (for open/show) at most; oldest go first. */
const MAX_SETTLED_DOWNLOADS = 500;
/** Between attempts to resume while the server is away. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

export interface DownloadsDeps {
  desktop: DesktopFiles;
  emit: Emit;
  askWhereToSave(): boolean;
  /** The client of this server if it is connected right now (caught up), else undefined. */
  connectedClient(server: string): ParleyClient | undefined;
}

interface DownloadRecord {
  view: DownloadView;
  file: FileInfo;
  finalPath: string;
  partPath: string;
  /** The user chose this path in a save dialog: it may replace a file there (the dialog asked). */
  chosen: boolean;
  hash: Hash;
  handle: FileHandle | undefined;
  abort: AbortController;
  /** The running transfer, destroyed on cancel. */
  body: Readable | undefined;
  speed: { at: number; bytes: number };
  progressTimer: NodeJS.Timeout | undefined;
  lastEmit: number;
}

export class Downloads {
  private readonly deps: DownloadsDeps;
  private readonly records = new Map<string, DownloadRecord>();
  /** Paths picked by a start() that has not registered its download yet (two starts, two names). */
  private readonly reserved = new Set<string>();
  private closed = false;

  constructor(deps: DownloadsDeps) {
    this.deps = deps;
  }

  /**
   * Starts downloading a file; resolves with its view once the target file exists (state
   * `active`), or null when the user cancelled the save dialog. Rejects with the server's code
   * (file_not_found …) or not_connected.
   */
  async start(server: string, fileId: string): Promise<DownloadView | null> {
    const client = this.deps.connectedClient(server);
    if (!client) throw new ApiError('not_connected', `Not connected to ${server}`);
    // A header-only read: the file's name, size and hash before any byte or path is chosen.
    const file = await client.download(fileId, { offset: 0, length: 0 }).then(
      ({ ready, body }) => {
        body.destroy();
        return ready.file;
      },
      (error: unknown) => {
        throw toApiError(error);
      },
    );
    const dir = this.deps.desktop.downloadsDir();
    const suggested = uniquePath(dir, safeLocalName(file.name), this.takenPaths());
    this.reserved.add(suggested);
    let finalPath = suggested;
    let chosen = false;
    let handle: FileHandle;
    try {
      if (this.deps.askWhereToSave()) {
        const picked = await this.deps.desktop.chooseSavePath(suggested);
        if (picked === null) return null;
        finalPath = picked;
        chosen = true;
      }
      if (this.closed) throw new ApiError('closed', 'The session was closed');
      const partPath = partPathOf(finalPath);
      try {
        handle = await open(partPath, 'wx', 0o600);
      } catch (error) {
        throw new ApiError(diskCode(error), `Cannot create ${partPath}: ${describeError(error)}`);
      }
    } finally {
      this.reserved.delete(suggested);
    }
    const partPath = partPathOf(finalPath);
    const record: DownloadRecord = {
      view: {
        id: `d_${randomUUID()}`,
        server,
        fileId,
        name: basename(finalPath),
        size: file.size,
        received: 0,
        bytesPerSecond: 0,
        state: 'active',
      },
      file,
      finalPath,
      partPath,
      chosen,
      hash: createHash('sha256'),
      handle,
      abort: new AbortController(),
      body: undefined,
      speed: { at: Date.now(), bytes: 0 },
      progressTimer: undefined,
      lastEmit: 0,
    };
    this.records.set(record.view.id, record);
    this.trimSettled();
    this.emitNow(record);
    void this.run(record);
    return { ...record.view };
  }

  /** Stops a download that is not finished and deletes its part file; finished ones stay. */
  async cancel(id: string): Promise<void> {
    const record = this.get(id);
    if (record.view.state !== 'active' && record.view.state !== 'waiting') return;
    record.abort.abort();
    record.body?.destroy();
    await this.discard(record);
    this.setState(record, 'canceled');
  }

  /** The path of a download this session finished (never any other path). */
  pathOf(id: string): string {
    const record = this.records.get(id);
    if (!record || record.view.state !== 'done') {
      throw new ApiError('download_not_found', 'No finished download of this session has this id');
    }
    return record.finalPath;
  }

  /** Stops every running download and deletes its part file (it cannot be resumed by a later run). */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.records.values()].filter((r) => r.view.state === 'active' || r.view.state === 'waiting');
    await Promise.all(running.map((record) => this.cancel(record.view.id)));
  }

  private get(id: string): DownloadRecord {
    const record = this.records.get(id);
    if (!record) throw new ApiError('download_not_found', 'No download of this session has this id');
    return record;
  }

  /** Final and part paths of every download not settled: no two downloads pick the same name. */
  private takenPaths(): Set<string> {
    const taken = new Set<string>(this.reserved);
    for (const record of this.records.values()) {
      if (record.view.state === 'active' || record.view.state === 'waiting') taken.add(record.finalPath);
    }
    return taken;
  }

  /** Receives until the file is complete, waiting and resuming across lost connections. */
  private async run(record: DownloadRecord): Promise<void> {
    const { signal } = record.abort;
    let attempt = 0;
    while (!signal.aborted && record.view.received < record.view.size) {
      const client = this.deps.connectedClient(record.view.server);
      if (!client) {
        this.setState(record, 'waiting');
        if (!(await sleep(backoffDelay(attempt++, RETRY_MIN_MS, RETRY_MAX_MS), signal))) return;
        continue;
      }
      try {
        await this.resumeFromDisk(record);
        const offset = record.view.received;
        const { ready, body } = await client.download(record.view.fileId, {
          offset,
          length: record.view.size - offset,
        });
        record.body = body;
        if (signal.aborted) {
          body.destroy();
          return;
        }
        if (ready.size !== record.view.size || ready.sha256 !== record.file.sha256) {
          body.destroy();
          await this.fail(record, 'file_changed', 'The server answered with another file for this id');
          return;
        }
        attempt = 0;
        this.setState(record, 'active');
        await this.receive(record, body);
      } catch (error) {
        if (signal.aborted) return;
        if (isLostConnection(error)) {
          this.setState(record, 'waiting');
          if (!(await sleep(backoffDelay(attempt++, RETRY_MIN_MS, RETRY_MAX_MS), signal))) return;
          continue;
        }
        const apiError = isDiskError(error) ? new ApiError(diskCode(error), describeError(error)) : toApiError(error);
        await this.fail(record, apiError.code, apiError.message);
        return;
      } finally {
        record.body = undefined;
      }
    }
    if (!signal.aborted) await this.complete(record);
  }

  /** Writes the body at the end of the part file; the hash and count follow what was written. */
  private async receive(record: DownloadRecord, body: Readable): Promise<void> {
    const handle = record.handle!;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (record.abort.signal.aborted) return;
      let written = 0;
      while (written < chunk.length) {
        const { bytesWritten } = await handle.write(
          chunk,
          written,
          chunk.length - written,
          record.view.received + written,
        );
        written += bytesWritten;
      }
      record.hash.update(chunk);
      record.view.received += chunk.length;
      this.progress(record);
    }
  }

  /**
   * Before each attempt: the part file must hold exactly the bytes counted (and hashed). If it
   * does not (something else touched it), hash it again from disk and go on from its length.
   */
  private async resumeFromDisk(record: DownloadRecord): Promise<void> {
    let stats: Stats;
    try {
      stats = await stat(record.partPath);
    } catch (error) {
      throw Object.assign(new Error(`The part file is gone: ${describeError(error)}`), { code: 'ENOENT' });
    }
    if (stats.size === record.view.received) return;
    const length = Math.min(stats.size, record.view.size);
    const hash = createHash('sha256');
    if (length > 0) {
      for await (const chunk of createReadStream(record.partPath, { start: 0, end: length - 1 }))
        hash.update(chunk as Buffer);
    }
    await record.handle!.truncate(length);
    record.hash = hash;
    record.view.received = length;
  }

  private async complete(record: DownloadRecord): Promise<void> {
    const digest = record.hash.digest('hex');
    if (digest !== record.file.sha256) {
      await this.fail(record, 'hash_mismatch', 'The bytes received do not match the file’s SHA-256; nothing was kept');
      return;
    }
    try {
      await record.handle!.sync();
      await record.handle!.close();
      record.handle = undefined;
      // The name was free when the download started; take another if something took it since
      // (not when the user chose the path in a save dialog, which asked about replacing).
      if (!record.chosen && existsSync(record.finalPath)) {
        const taken = this.takenPaths();
        taken.delete(record.finalPath);
        record.finalPath = uniquePath(dirname(record.finalPath), basename(record.finalPath), taken);
        record.view.name = basename(record.finalPath);
      }
      await rename(record.partPath, record.finalPath);
    } catch (error) {
      await this.fail(record, diskCode(error), `Cannot save ${record.finalPath}: ${describeError(error)}`);
      return;
    }
    this.setState(record, 'done');
  }

  private async fail(record: DownloadRecord, code: string, message: string): Promise<void> {
    await this.discard(record);
    record.view.error = { code, message };
    this.setState(record, 'failed');
  }

  /** Closes and deletes the part file. */
  private async discard(record: DownloadRecord): Promise<void> {
    const handle = record.handle;
    record.handle = undefined;
    await handle?.close().catch(() => {});
    await rm(record.partPath, { force: true }).catch(() => {});
  }

  private setState(record: DownloadRecord, state: DownloadView['state']): void {
    if (record.view.state === state) return;
    record.view.state = state;
    if (state !== 'active') record.view.bytesPerSecond = 0;
    this.emitNow(record);
  }

  /** Bytes moved: an event now if the last one is old enough, else one when it is. */
  private progress(record: DownloadRecord): void {
    if (record.progressTimer) return;
    const wait = record.lastEmit + PROGRESS_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.emitNow(record);
      return;
    }
    record.progressTimer = setTimeout(() => {
      record.progressTimer = undefined;
      if (record.view.state === 'active') this.emitNow(record);
    }, wait);
  }

  private emitNow(record: DownloadRecord): void {
    clearTimeout(record.progressTimer);
    record.progressTimer = undefined;
    const now = Date.now();
    if (record.view.state === 'active') {
      const seconds = (now - record.speed.at) / 1000;
      if (seconds > 0) {
        const current = (record.view.received - record.speed.bytes) / seconds;
        // Smoothed, so that the time left the UI shows does not jump with every chunk.
        const previous = record.view.bytesPerSecond;
        record.view.bytesPerSecond = Math.round(previous === 0 ? current : previous * 0.6 + current * 0.4);
      }
    }
    record.speed = { at: now, bytes: record.view.received };
    record.lastEmit = now;
    this.deps.emit('downloadChanged', {
      ...record.view,
      ...(record.view.error ? { error: { ...record.view.error } } : {}),
    });
  }

  /** Keeps the most recent settled downloads only (running ones are always kept). */
  private trimSettled(): void {
    let excess = this.records.size - MAX_SETTLED_DOWNLOADS;
    for (const [id, record] of this.records) {
      if (excess <= 0) break;
      if (record.view.state === 'active' || record.view.state === 'waiting') continue;
      this.records.delete(id);
      excess--;
    }
  }
}

/** The connection went away (or never came): worth waiting for the server and resuming. */
function isLostConnection(error: unknown): boolean {
  if (hasCode(error, 'disconnected', 'timeout', 'closed', 'not_authenticated')) return true;
  return error instanceof ApiError && error.code === 'not_connected';
}

function isDiskError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** A file-system error as the code a failed download shows. */
function diskCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'disk_full';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'not_allowed';
  if (code === 'EEXIST') return 'file_exists';
  return 'write_failed';
}

/** Waits `ms`; false if aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
