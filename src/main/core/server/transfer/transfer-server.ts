/**
 * Transfer connections (docs/PROTOCOL.md §18.1): a connection to the chat port whose first frame
 * is `upload` or `download` is handed over here by the room server. It authenticates with the
 * credentials the welcome issued (the same check as hello's resume), then carries raw bytes one
 * way. Transfer connections stay counted in the per-address and total connection limits (the
 * room server keeps their Connection), have their own idle timeout (no byte moved for
 * transferIdleTimeoutMs), are closed on shutdown, and never take the server down: whatever
 * goes wrong is an error frame and a close.
 */
import { z } from 'zod';
import { PROTOCOL_VERSION } from '../../../../shared/protocol/constants.ts';
import { TRANSFER_FRAMES } from '../../../../shared/protocol/features/files.ts';
import type { Uploads } from '../../files/uploads.ts';
import type { FileRow } from '../../store/file-records.ts';
import type { HistoryStore } from '../../store/history-store.ts';
import type { Connection } from '../connection.ts';
import type { Logger } from '../logger.ts';
import type { ServerLimitsConfig } from '../server-config.ts';
import { runDownload } from './download-transfer.ts';
import { classifyFirstFrame } from './first-frame.ts';
import { TransferConnection } from './transfer-connection.ts';
import { runUpload } from './upload-transfer.ts';

export interface TransferServerOptions {
  limits: ServerLimitsConfig;
  store: HistoryStore;
  uploads: Uploads;
  log: Logger;
  /** Whether `userId` may read `file` (its conversation's member, or its sender before it is sent). */
  canRead(userId: string, file: FileRow): boolean;
}

export class TransferServer {
  private readonly options: TransferServerOptions;
  private readonly transfers = new Set<TransferConnection>();
  private readonly downloadsPerUser = new Map<string, number>();
  /** First bytes of connections whose first frame is not complete yet. */
  private readonly firstBytes = new WeakMap<Connection, Buffer>();
  private readonly sweepTimer: NodeJS.Timeout;
  private lastExpiry = 0;
  private closed = false;

  constructor(options: TransferServerOptions) {
    this.options = options;
    const idle = options.limits.transferIdleTimeoutMs;
    this.sweepTimer = setInterval(() => this.sweep(), Math.min(1000, Math.max(10, idle / 4)));
    this.sweepTimer.unref();
  }

  get count(): number {
    return this.transfers.size;
  }

  /**
   * The room server's first look at a new connection's bytes. Returns the bytes for the chat
   * path once the first frame is not a transfer opener, or undefined when they were kept (the
   * first frame is not complete) or handed over (a transfer connection).
   */
  firstLook(connection: Connection, chunk: Buffer): Buffer | undefined {
    const before = this.firstBytes.get(connection);
    const bytes = before ? Buffer.concat([before, chunk]) : chunk;
    const first = classifyFirstFrame(bytes, this.options.limits.maxFrameBytes);
    if (first.kind === 'wait') {
      this.firstBytes.set(connection, bytes);
      return undefined;
    }
    this.firstBytes.delete(connection);
    connection.firstFrameSeen = true;
    if (first.kind === 'chat') return first.bytes;
    connection.transfer = true;
    connection.socket.removeAllListeners('data');
    const transfer = new TransferConnection(connection.socket, connection.ip, first.frame.type);
    // Kept until its cleanup is done (not just its socket closed), so that close() waits for it.
    this.transfers.add(transfer);
    void this.run(transfer, first.frame, first.rest);
    return undefined;
  }

  private async run(transfer: TransferConnection, raw: Record<string, unknown>, rest: Buffer): Promise<void> {
    const { log } = this.options;
    const socket = transfer.socket;
    socket.pause();
    let countedDownload: string | undefined;
    try {
      if (this.closed) return transfer.fail('server_shutdown', 'The server is shutting down');
      if (raw['protocol'] !== PROTOCOL_VERSION) {
        return transfer.fail('protocol_unsupported', `This server speaks protocol ${PROTOCOL_VERSION} only`);
      }
      const schema = TRANSFER_FRAMES[transfer.kind];
      const checked = schema.safeParse(raw);
      if (!checked.success) return transfer.fail('bad_request', z.prettifyError(checked.error));
      const frame = checked.data;
      const user = this.options.store.authenticate(frame.credentials.userId, frame.credentials.token);
      if (!user) return transfer.fail('not_authenticated', 'These credentials are not valid on this server');
      transfer.userId = user.id;
      if (frame.type === 'upload') {
        await runUpload(transfer, frame, rest, this.options.uploads, log);
        return;
      }
      const file = this.options.store.files.fileById(frame.file);
      // A file this user may not read is answered exactly like a file that does not exist.
      if (!file || !this.options.canRead(user.id, file)) return transfer.fail('file_not_found', 'No such file');
      const running = this.downloadsPerUser.get(user.id) ?? 0;
      if (running >= this.options.limits.maxDownloadsPerUser) {
        return transfer.fail(
          'too_many_downloads',
          `At most ${this.options.limits.maxDownloadsPerUser} downloads at once`,
        );
      }
      this.downloadsPerUser.set(user.id, running + 1);
      countedDownload = user.id;
      socket.resume(); // a downloader sends nothing more; whatever it sends is dropped
      transfer.holding = false; // from here on, only the receiver can hold it up
      await runDownload(transfer, frame, file, this.options.uploads, log);
    } catch (error) {
      log.error({ err: error, ip: transfer.ip }, 'transfer failed');
      transfer.fail('internal', 'The transfer could not be carried out');
    } finally {
      if (countedDownload !== undefined) {
        const user = countedDownload;
        const release = () => {
          const left = (this.downloadsPerUser.get(user) ?? 1) - 1;
          if (left > 0) this.downloadsPerUser.set(user, left);
          else this.downloadsPerUser.delete(user);
        };
        if (socket.destroyed) release();
        else socket.once('close', release);
      }
      this.transfers.delete(transfer);
      transfer.settled();
    }
  }

  /** Closes transfers nothing moved on for transferIdleTimeoutMs; expires abandoned partials. */
  private sweep(now = Date.now()): void {
    const idle = this.options.limits.transferIdleTimeoutMs;
    for (const transfer of this.transfers) {
      if (transfer.holding) transfer.lastProgressAt = now;
      if (now - transfer.lastProgressAt <= idle) continue;
      if (transfer.ended) transfer.socket.destroy();
      else transfer.fail('idle_timeout', `No bytes moved for ${idle} ms`);
    }
    const every = Math.min(60_000, Math.max(1000, this.options.limits.partialUploadTtlMs / 4));
    if (now - this.lastExpiry >= every) {
      this.lastExpiry = now;
      const expired = this.options.uploads.expire(now);
      if (expired > 0) this.options.log.info({ uploads: expired }, 'abandoned partial uploads expired');
    }
  }

  /** Shutdown: every transfer is closed (uploads keep their partials) and its cleanup awaited. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    for (const transfer of this.transfers) {
      if (transfer.kind === 'upload' && !transfer.ended)
        transfer.fail('server_shutdown', 'The server is shutting down');
      else transfer.socket.destroy();
    }
    await Promise.all([...this.transfers].map((t) => t.finished));
  }
}
