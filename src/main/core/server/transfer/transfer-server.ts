/**
 * Transfer connections (docs/PROTOCOL.md §18.1), the room server's side. The bytes travel in the
 * transfer thread (transfer-thread.ts: its header says why), on its own port; this class starts
 * that thread and makes every decision it asks for: the first frame's schema and protocol
 * version, the credentials the welcome issued (the same check as hello's resume), who may
 * download what (file-access.ts), the per-user limits, and what becomes of an upload's bytes
 * (uploads.ts: stored, discarded, or kept for a resume). Whatever goes wrong is an error frame
 * and a close, never the server's end. A thread that dies is started again on the same port;
 * the uploads it was writing resume from what their partials hold.
 */
import type { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { PROTOCOL_VERSION } from '../../../../shared/protocol/constants.ts';
import type { ErrorCode } from '../../../../shared/protocol/error-codes.ts';
import {
  TRANSFER_FRAMES,
  uploadFinishFrame,
  type DownloadOpenFrame,
  type DownloadReadyFrame,
  type UploadOpenFrame,
} from '../../../../shared/protocol/features/files.ts';
import type { Refusal, Uploads } from '../../files/uploads.ts';
import { fileInfo, type FileRow } from '../../store/file-records.ts';
import type { HistoryStore } from '../../store/history-store.ts';
import type { Logger } from '../logger.ts';
import type { ServerLimitsConfig } from '../server-config.ts';
import {
  startTransferThread,
  type FromThread,
  type ToThread,
  type TransferStats,
  type UploadOutcome,
} from './transfer-thread.ts';

export interface TransferServerOptions {
  limits: ServerLimitsConfig;
  store: HistoryStore;
  uploads: Uploads;
  log: Logger;
  /** Whether `userId` may read `file` (its conversation's member, or its sender before it is sent). */
  canRead(userId: string, file: FileRow): boolean;
}

/** What the server knows of one connection of the thread. */
interface Tracked {
  kind: 'upload' | 'download' | 'unknown';
  /** The user a download is counted for (too_many_downloads). */
  downloader: string | undefined;
}

/** Connection ids one thread may hand out (its first id is its generation times this). */
const IDS_PER_THREAD = 2 ** 32;

/** How long after a thread's death it is started again (so a crash loop cannot spin). */
const RESTART_DELAY_MS = 1000;

export class TransferServer {
  private readonly options: TransferServerOptions;
  private worker: Worker | undefined;
  private readonly tracked = new Map<number, Tracked>();
  private readonly downloadsPerUser = new Map<string, number>();
  private readonly exempt = new Set<string>();
  /** Answers being worked out (an upload being stored): shutdown waits for them. */
  private readonly pending = new Set<Promise<void>>();
  private readonly sweepTimer: NodeJS.Timeout;
  private lastExpiry = 0;
  private listenAt: { host: string; port: number } | undefined;
  private boundPort = 0;
  private generation = 0;
  private closed = false;
  private allClosed: (() => void) | undefined;
  private readonly statsAsked = new Map<number, (stats: TransferStats) => void>();
  private nextAsk = 1;

  constructor(options: TransferServerOptions) {
    this.options = options;
    options.uploads.onGone = (uploadId) => this.post({ t: 'forget', uploadId });
    const every = Math.min(60_000, Math.max(1000, options.limits.partialUploadTtlMs / 4));
    this.sweepTimer = setInterval(() => this.expire(), every);
    this.sweepTimer.unref();
  }

  /** The port transfer connections go to (welcome.limits.files.transferPort). */
  get port(): number {
    return this.boundPort;
  }

  /** What the transfer thread holds now: its connections and the bytes waiting to be sent. */
  stats(): Promise<TransferStats> {
    if (!this.worker) return Promise.resolve({ connections: 0, pendingOutBytes: 0 });
    const ask = this.nextAsk++;
    const answered = new Promise<TransferStats>((resolve) => this.statsAsked.set(ask, resolve));
    this.post({ t: 'stats', ask });
    return answered;
  }

  /**
   * Starts the thread and its listener on `port`, or (undefined) on the port after the chat
   * port when that is fixed and free, else on any free port. Rejects if a given port cannot be
   * bound.
   */
  async listen(host: string, port: number | undefined, chatPort: number): Promise<void> {
    const next = chatPort > 0 && chatPort < 65535 ? chatPort + 1 : 0;
    this.listenAt = { host, port: port ?? next };
    try {
      this.boundPort = await this.startThread();
    } catch (error) {
      if (port !== undefined || next === 0 || (error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
      this.listenAt = { host, port: 0 };
      this.boundPort = await this.startThread();
    }
    this.listenAt = { host, port: this.boundPort };
  }

  /** Lifts the per-address limit for `address` (the web gateway, see RoomServer). */
  exemptFromPerIpLimit(address: string): void {
    this.exempt.add(address);
    this.post({ t: 'exempt', ip: address });
  }

  private startThread(): Promise<number> {
    const { limits, log } = this.options;
    // Connection ids never repeat across threads, so an answer meant for a connection of a thread
    // that died cannot reach another connection of the next one.
    this.generation++;
    const worker = startTransferThread(this.generation * IDS_PER_THREAD, {
      maxFrameBytes: limits.maxFrameBytes,
      maxConnections: limits.maxConnections,
      maxConnectionsPerIp: limits.maxConnectionsPerIp,
      handshakeTimeoutMs: limits.handshakeTimeoutMs,
      transferIdleTimeoutMs: limits.transferIdleTimeoutMs,
    });
    this.worker = worker;
    for (const ip of this.exempt) worker.postMessage({ t: 'exempt', ip } satisfies ToThread);
    return new Promise<number>((resolve, reject) => {
      let started = false;
      worker.on('message', (message: FromThread) => {
        if (message.t === 'listening') {
          started = true;
          resolve(message.port);
        } else if (message.t === 'listen_failed') {
          reject(Object.assign(new Error(`transfer port: ${message.message}`), { code: message.code }));
          void worker.terminate();
        } else this.onMessage(message);
      });
      worker.on('error', (error) => log.error({ err: error }, 'the transfer thread failed'));
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = undefined;
        if (!started) {
          reject(new Error(`the transfer thread exited with code ${code} before listening`));
          return;
        }
        this.lost();
      });
      worker.postMessage({ t: 'listen', ...this.listenAt! } satisfies ToThread);
    });
  }

  /** The thread is gone: its connections went with it; a new one is started unless closing. */
  private lost(): void {
    this.tracked.clear();
    for (const answer of this.statsAsked.values()) answer({ connections: 0, pendingOutBytes: 0 });
    this.statsAsked.clear();
    this.downloadsPerUser.clear();
    this.options.uploads.threadLost();
    if (this.closed) {
      this.allClosed?.();
      return;
    }
    this.options.log.error({}, 'the transfer thread stopped; starting it again');
    setTimeout(() => {
      if (this.closed) return;
      this.startThread().catch((error: unknown) =>
        this.options.log.error({ err: error }, 'the transfer thread could not be started again'),
      );
    }, RESTART_DELAY_MS).unref();
  }

  private post(message: ToThread): void {
    this.worker?.postMessage(message);
  }

  /** The verdict on connection `id`'s request (an error frame, then the close). */
  private fail(id: number, code: ErrorCode, message: string): void {
    this.post({ t: 'fail', id, code, message, answer: true });
  }

  private onMessage(message: FromThread): void {
    switch (message.t) {
      case 'open':
        this.tracked.set(message.id, { kind: 'unknown', downloader: undefined });
        this.track(this.open(message.id, message.ip, message.frame));
        return;
      case 'received':
        this.track(this.received(message.id, message.uploadId, message.outcome));
        return;
      case 'closed': {
        const tracked = this.tracked.get(message.id);
        this.tracked.delete(message.id);
        if (tracked?.downloader !== undefined) {
          const left = (this.downloadsPerUser.get(tracked.downloader) ?? 1) - 1;
          if (left > 0) this.downloadsPerUser.set(tracked.downloader, left);
          else this.downloadsPerUser.delete(tracked.downloader);
        }
        return;
      }
      case 'closed_all':
        this.allClosed?.();
        return;
      case 'stats':
        this.statsAsked.get(message.ask)?.(message.stats);
        this.statsAsked.delete(message.ask);
        return;
      case 'log':
        this.options.log[message.level](message.fields, message.message);
        return;
      default:
        return;
    }
  }

  private track(work: Promise<void>): void {
    const { log } = this.options;
    const running = work.catch((error: unknown) => log.error({ err: error }, 'transfer failed'));
    this.pending.add(running);
    void running.finally(() => this.pending.delete(running));
  }

  /** A connection's first frame: refused, or answered with where its bytes come from or go. */
  private async open(id: number, ip: string, raw: Record<string, unknown>): Promise<void> {
    if (this.closed) return this.fail(id, 'server_shutdown', 'The server is shutting down');
    if (raw['protocol'] !== PROTOCOL_VERSION) {
      return this.fail(id, 'protocol_unsupported', `This server speaks protocol ${PROTOCOL_VERSION} only`);
    }
    const kind = raw['type'] as 'upload' | 'download';
    const checked = TRANSFER_FRAMES[kind].safeParse(raw);
    if (!checked.success) return this.fail(id, 'bad_request', z.prettifyError(checked.error));
    const frame = checked.data;
    const user = this.options.store.authenticate(frame.credentials.userId, frame.credentials.token);
    if (!user) return this.fail(id, 'not_authenticated', 'These credentials are not valid on this server');
    const tracked = this.tracked.get(id);
    if (tracked) tracked.kind = frame.type;
    if (frame.type === 'upload') return this.openUpload(id, user.id, frame);
    this.openDownload(id, user.id, frame, ip);
  }

  private async openUpload(id: number, userId: string, frame: UploadOpenFrame): Promise<void> {
    // A stop from outside (cancel, a newer connection): not a verdict, so the thread lets an
    // upload whose bytes are being stored finish instead.
    const stop = (refusal: Refusal) =>
      this.post({ t: 'fail', id, code: refusal.code, message: refusal.message, answer: false });
    const opened = await this.options.uploads.open(userId, frame.upload, frame.offset, id, stop);
    if ('code' in opened) return this.fail(id, opened.code, opened.message);
    if (!this.tracked.has(id)) {
      // Closed, or its thread died, while the upload was claimed: give the claim back at once.
      this.options.uploads.interrupted(frame.upload, id, opened.held, false);
      return;
    }
    this.post({ t: 'receive', id, uploadId: frame.upload, ...opened });
  }

  private openDownload(id: number, userId: string, frame: DownloadOpenFrame, ip: string): void {
    const { limits, store, uploads, log } = this.options;
    const file = store.files.fileById(frame.file);
    // A file this user may not read is answered exactly like a file that does not exist.
    if (!file || !this.options.canRead(userId, file)) return this.fail(id, 'file_not_found', 'No such file');
    const thumb = file.thumb;
    if (frame.variant === 'thumb' && !thumb) return this.fail(id, 'file_not_found', 'This file has no preview');
    const sha256 = frame.variant === 'thumb' ? thumb!.sha256 : file.sha256;
    const size = frame.variant === 'thumb' ? thumb!.size : file.size;
    const mediaType = frame.variant === 'thumb' ? thumb!.type : file.type;
    if (frame.offset > size)
      return this.fail(id, 'bad_request', `offset ${frame.offset} is past the end (${size} bytes)`);
    const tracked = this.tracked.get(id);
    if (!tracked) return; // closed while this was decided
    const running = this.downloadsPerUser.get(userId) ?? 0;
    if (running >= limits.maxDownloadsPerUser) {
      return this.fail(id, 'too_many_downloads', `At most ${limits.maxDownloadsPerUser} downloads at once`);
    }
    this.downloadsPerUser.set(userId, running + 1);
    tracked.downloader = userId;
    const length = Math.min(frame.length ?? size - frame.offset, size - frame.offset);
    const ready: DownloadReadyFrame = {
      type: 'download_ready',
      file: fileInfo(file),
      variant: frame.variant,
      size,
      offset: frame.offset,
      length,
      sha256,
      mediaType,
    };
    log.debug({ ip, file: file.id, user: userId }, 'download');
    this.post({ t: 'send', id, path: uploads.disk.blobPath(sha256), offset: frame.offset, length, ready });
  }

  /** How an upload's bytes ended: stored and answered, discarded and refused, or kept for a resume. */
  private async received(id: number, uploadId: string, outcome: UploadOutcome): Promise<void> {
    const { uploads } = this.options;
    if (outcome.kind === 'cut') {
      uploads.interrupted(uploadId, id, outcome.position, outcome.failed);
      return;
    }
    if (outcome.kind === 'refused') {
      // Nothing of the bytes is kept, and that is done before the sender hears the refusal.
      uploads.discard(uploadId, id);
      return this.fail(id, outcome.code, outcome.message);
    }
    const finish = uploadFinishFrame.safeParse(outcome.finish);
    if (!finish.success) {
      uploads.discard(uploadId, id);
      return this.fail(id, 'bad_request', 'upload_finish needs sha256: 64 lowercase hex digits');
    }
    const result = await uploads.finish(uploadId, id, outcome.sha256, finish.data.sha256);
    if ('code' in result) return this.fail(id, result.code, result.message);
    this.post({ t: 'done', id, frame: { type: 'upload_done', file: result } });
  }

  /** Deletes abandoned partial uploads (not those being written now). */
  private expire(now = Date.now()): void {
    if (now - this.lastExpiry < 1000) return;
    this.lastExpiry = now;
    const expired = this.options.uploads.expire(now);
    if (expired > 0) this.options.log.info({ uploads: expired }, 'abandoned partial uploads expired');
  }

  /**
   * Shutdown: no new transfer; every transfer is closed (uploads keep what they wrote), the
   * uploads being stored are finished, then the thread ends.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    const worker = this.worker;
    if (!worker) return;
    const drained = new Promise<void>((resolve) => (this.allClosed = resolve));
    this.post({ t: 'close' });
    await drained;
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await worker.terminate();
  }
}
