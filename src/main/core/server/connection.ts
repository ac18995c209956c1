/**
 * One client's TCP connection as the server sees it: the frame decoder, the outgoing queue,
 * the rate limiter and the timestamps the server's sweep uses for its timeouts.
 *
 * Outgoing frames are queued and written once per event-loop tick (see fanout.ts), so a
 * burst of broadcasts costs one write per socket rather than one per frame.
 */
import type { Socket } from 'node:net';
import type { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import type { RequestId } from '../../../shared/protocol/fields.ts';
import type { RequestResults, RequestType } from '../../../shared/protocol/registry.ts';
import { encodeFrame } from '../framing/frame-codec.ts';
import { FrameDecoder } from '../framing/frame-decoder.ts';
import { TokenBucket } from './token-bucket.ts';

/** How long a closing connection may take to flush its last frame before it is destroyed. */
const CLOSE_GRACE_MS = 2000;

export interface ConnectedUser {
  id: string;
  name: string;
  nameKey: string;
  /** False until the user did something that makes it worth keeping once offline (bug 3). */
  kept: boolean;
}

export interface ConnectionHooks {
  /** The first frame was queued in this tick: the server schedules a flush. */
  onDirty(connection: Connection): void;
  /** The client is too far behind (maxQueueBytes): the server closes it as a slow consumer. */
  onOverflow(connection: Connection): void;
}

export class Connection {
  readonly socket: Socket;
  readonly ip: string;
  readonly decoder: FrameDecoder;
  readonly bucket: TokenBucket;
  readonly connectedAt: number;
  /** Set once hello succeeded. */
  user: ConnectedUser | undefined;
  /** Room ids this connection has joined. */
  readonly rooms = new Set<string>();
  /** Last time any byte arrived (for idle_timeout). */
  lastReceivedAt: number;
  /** When the frame now being received began (for frame_timeout); 0 between frames. */
  partialSince = 0;
  /** Last time a heartbeat ping was queued. */
  lastPingAt: number;
  closing = false;

  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private readonly maxQueueBytes: number;
  private readonly hooks: ConnectionHooks;
  private dirty = false;

  constructor(
    socket: Socket,
    ip: string,
    options: { maxFrameBytes: number; maxQueueBytes: number; ratePerSecond: number; rateBurst: number; now: number },
    hooks: ConnectionHooks,
  ) {
    this.socket = socket;
    this.ip = ip;
    this.decoder = new FrameDecoder(options.maxFrameBytes);
    this.bucket = new TokenBucket(options.ratePerSecond, options.rateBurst, options.now);
    this.maxQueueBytes = options.maxQueueBytes;
    this.connectedAt = options.now;
    this.lastReceivedAt = options.now;
    this.lastPingAt = options.now;
    this.hooks = hooks;
  }

  /** Bytes queued here or buffered in the socket and not yet taken by the kernel. */
  get pendingOutBytes(): number {
    return this.queuedBytes + this.socket.writableLength;
  }

  /**
   * Queues an encoded frame (which may be shared with other connections). A client that is not
   * keeping up is reported through onOverflow instead, and nothing more is queued for it.
   */
  enqueue(frame: Buffer): void {
    if (this.closing) return;
    // One frame is always accepted into an empty queue, so no single reply can be undeliverable.
    const pending = this.pendingOutBytes;
    if (pending > 0 && pending + frame.length > this.maxQueueBytes) {
      this.hooks.onOverflow(this);
      return;
    }
    this.queue.push(frame);
    this.queuedBytes += frame.length;
    if (!this.dirty) {
      this.dirty = true;
      this.hooks.onDirty(this);
    }
  }

  reply<T extends RequestType>(re: RequestId, data: RequestResults[T]): void {
    this.enqueue(encodeFrame({ type: 'result', re, data }));
  }

  replyError(code: ErrorCode, message: string, re?: RequestId): void {
    this.enqueue(
      encodeFrame(re === undefined ? { type: 'error', code, message } : { type: 'error', code, message, re }),
    );
  }

  /** Writes everything queued in one socket write. */
  flush(): void {
    this.dirty = false;
    if (this.queue.length === 0 || this.socket.destroyed) {
      this.queue = [];
      this.queuedBytes = 0;
      return;
    }
    const data = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queuedBytes);
    this.queue = [];
    this.queuedBytes = 0;
    this.socket.write(data);
  }

  /**
   * Sends a fatal error frame (after whatever was queued), then closes. A client that does not
   * read is destroyed after a short grace period instead of being waited for.
   */
  closeWithError(code: ErrorCode, message: string, options: { dropQueued?: boolean } = {}): void {
    if (this.closing) return;
    // A client that is not reading would never get past the backlog: put the reason first.
    if (options.dropQueued) {
      this.queue = [];
      this.queuedBytes = 0;
    }
    this.flush();
    this.closing = true;
    if (this.socket.destroyed) return;
    this.socket.end(encodeFrame({ type: 'error', code, message, fatal: true }));
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }
}
