/**
 * The uploads the UI drives (beginUpload → writeUpload … → the file): one open transfer
 * connection per upload, kept between chunks, so that a file of many chunks costs one connection
 * and one `upload_ready`, not one per chunk.
 *
 * A connection is opened at the first chunk, and again when the chunk's offset is not where the
 * open one stands (the UI resumed elsewhere) or the open one broke. Chunks of one upload are
 * written one after another (a second call waits for the first), and each call resolves only
 * once the socket has taken its bytes: at most one chunk per upload waits in memory here.
 * A broken connection rejects with `transfer_interrupted`: the UI asks beginUpload again (same
 * key) for the offset the server holds and goes on from there.
 */
import { ApiError } from '../../../shared/api/proxy.ts';
import type { FileInfo } from '../../../shared/protocol/server-frames.ts';
import { hasCode } from '../client/errors.ts';
import type { ParleyClient, UploadWriter } from '../client/parley-client.ts';
import { toApiError } from './api-errors.ts';

/** A connection the UI stopped writing to (it gave up without cancelling) is closed after this. */
const IDLE_UPLOAD_MS = 2 * 60_000;
/**
 * Chunks of one upload waiting behind the one being written, at most: the UI awaits each write,
 * so more means a caller that does not, and its chunks (up to 8 MiB each) are refused, not held.
 */
const MAX_QUEUED_WRITES = 2;
/** Sizes of begun uploads remembered at most (for the last-chunk check); oldest go first. */
const MAX_REMEMBERED_SIZES = 1000;

interface OpenUpload {
  client: ParleyClient;
  writer: UploadWriter;
  idle: NodeJS.Timeout;
}

export class UploadWriters {
  private readonly open = new Map<string, OpenUpload>();
  /** The size each begun upload announced, by server and upload id. */
  private readonly sizes = new Map<string, number>();
  /** The call running for each upload: the next one waits for it. */
  private readonly busy = new Map<string, Promise<unknown>>();
  /** Calls of each upload not settled yet. */
  private readonly queued = new Map<string, number>();

  /** beginUpload answered an upload to continue: remember its size. */
  begun(server: string, uploadId: string, size: number): void {
    const id = keyOf(server, uploadId);
    this.sizes.delete(id);
    this.sizes.set(id, size);
    if (this.sizes.size > MAX_REMEMBERED_SIZES) this.sizes.delete(this.sizes.keys().next().value!);
  }

  /**
   * Writes `bytes` at `offset` of an upload through `client`; with `sha256` (the last chunk) it
   * then finishes the upload and resolves with the stored file.
   */
  write(
    server: string,
    client: ParleyClient,
    uploadId: string,
    offset: number,
    bytes: Uint8Array,
    sha256: string | undefined,
  ): Promise<{ offset: number; file?: FileInfo }> {
    const id = keyOf(server, uploadId);
    const waiting = this.queued.get(id) ?? 0;
    if (waiting > MAX_QUEUED_WRITES) {
      return Promise.reject(new ApiError('too_many_writes', 'Wait for the previous chunks of this upload first'));
    }
    this.queued.set(id, waiting + 1);
    const run = async () => this.writeNow(id, client, uploadId, offset, bytes, sha256);
    const previous = this.busy.get(id) ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled = next.then(
      () => {},
      () => {},
    );
    this.busy.set(id, settled);
    void settled.then(() => {
      if (this.busy.get(id) === settled) this.busy.delete(id);
      const left = (this.queued.get(id) ?? 1) - 1;
      if (left > 0) this.queued.set(id, left);
      else this.queued.delete(id);
    });
    return next;
  }

  /** Closes the upload's connection (the server keeps its bytes until file_cancel or expiry). */
  close(server: string, uploadId: string): void {
    const id = keyOf(server, uploadId);
    this.closeOpen(id);
    this.sizes.delete(id);
  }

  /** Closes every connection of a server (its client is gone), or of all servers. */
  closeAll(server?: string): void {
    const prefix = server === undefined ? undefined : keyOf(server, '');
    for (const id of [...this.open.keys()]) if (prefix === undefined || id.startsWith(prefix)) this.closeOpen(id);
  }

  private async writeNow(
    id: string,
    client: ParleyClient,
    uploadId: string,
    offset: number,
    bytes: Uint8Array,
    sha256: string | undefined,
  ): Promise<{ offset: number; file?: FileInfo }> {
    const size = this.sizes.get(id);
    const end = offset + bytes.byteLength;
    if (size !== undefined) {
      if (end > size) throw new ApiError('bad_request', `The chunk ends at ${end}, after the file's ${size} bytes`);
      if (end === size && sha256 === undefined) {
        throw new ApiError('bad_request', 'The chunk that ends the file must carry its SHA-256');
      }
      if (end < size && sha256 !== undefined) {
        throw new ApiError('bad_request', `Only the chunk that ends the file (at ${size}) carries the SHA-256`);
      }
    }
    try {
      const writer = await this.writerAt(id, client, uploadId, offset);
      await writer.write(bytes);
      if (sha256 === undefined) {
        this.touch(id);
        return { offset: writer.offset };
      }
      const file = await writer.finish(sha256);
      this.closeOpen(id);
      this.sizes.delete(id);
      return { offset: end, file };
    } catch (error) {
      this.closeOpen(id);
      throw asUploadError(error);
    }
  }

  /** The open connection if it stands at `offset` on this client, else a new one there. */
  private async writerAt(id: string, client: ParleyClient, uploadId: string, offset: number): Promise<UploadWriter> {
    const current = this.open.get(id);
    if (current && current.client === client && current.writer.usable && current.writer.offset === offset) {
      return current.writer;
    }
    this.closeOpen(id);
    const writer = await client.openUpload(uploadId, offset);
    this.open.set(id, { client, writer, idle: this.idleTimer(id) });
    return writer;
  }

  private touch(id: string): void {
    const current = this.open.get(id);
    if (!current) return;
    clearTimeout(current.idle);
    current.idle = this.idleTimer(id);
  }

  private idleTimer(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.closeOpen(id), IDLE_UPLOAD_MS);
    timer.unref();
    return timer;
  }

  private closeOpen(id: string): void {
    const current = this.open.get(id);
    if (!current) return;
    this.open.delete(id);
    clearTimeout(current.idle);
    current.writer.close();
  }
}

function keyOf(server: string, uploadId: string): string {
  return `${server}\u0000${uploadId}`;
}

/** A lost or closed transfer connection is `transfer_interrupted` (resume); the server's verdicts pass. */
function asUploadError(error: unknown): ApiError {
  if (hasCode(error, 'disconnected', 'timeout', 'closed')) {
    return new ApiError('transfer_interrupted', error.message);
  }
  return toApiError(error);
}
