/**
 * One client's TCP connection as the server sees it: the frame decoder, the frames received but
 * not handled yet, the outgoing queue, the rate limit and byte budget, and the timestamps the
 * server's sweep uses for its timeouts.
 *
 * Outgoing frames are queued and written once per event-loop tick (see fanout.ts), so a
 * burst of broadcasts costs one write per socket rather than one per frame.
 *
 * Flow control (docs/PROTOCOL.md §14.4): replies are never a reason to drop a client. While the
 * out-queue (queued here + the socket's buffer) is above the high-water mark, the server stops
 * reading and handling this connection's requests, and goes on once it is back under the
 * low-water mark. Only broadcasts (events it did not ask for) are held to the hard cap
 * `maxQueueBytes`, and a queue that has not drained for `stallTimeoutMs` counts as not reading.
 */
import type { Socket } from 'node:net';
import type { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import type { RequestId } from '../../../shared/protocol/fields.ts';
import type { RequestResults, RequestType } from '../../../shared/protocol/registry.ts';
import { encodeFrame } from '../framing/frame-codec.ts';
import { FrameDecoder } from '../framing/frame-decoder.ts';
import { InputGate } from './input-gate.ts';
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
  /** The out-queue went back under the low-water mark: the server handles the frames held back. */
  onWritable(connection: Connection): void;
  /** Replies used up the reply byte budget: the server handles no more requests for `waitMs`. */
  onRepliesOverBudget(connection: Connection, waitMs: number): void;
}

export interface ConnectionOptions {
  maxFrameBytes: number;
  maxQueueBytes: number;
  outHighWaterBytes: number;
  ratePerSecond: number;
  rateBurst: number;
  inBytesPerSecond: number;
  inBytesBurst: number;
  outBytesPerSecond: number;
  outBytesBurst: number;
  now: number;
}

export class Connection {
  readonly socket: Socket;
  readonly ip: string;
  readonly decoder: FrameDecoder;
  readonly bucket: TokenBucket;
  /** Received bytes (the byte budget): over it, the server stops reading until it refills. */
  readonly inBudget: TokenBucket;
  /** Reply bytes (the reply byte budget): over it, the server answers no more requests until it refills. */
  readonly outBudget: TokenBucket;
  /** Pauses the socket's input (flow control, byte budget) and stops the input clocks meanwhile. */
  readonly gate: InputGate;
  /** Frames received but not handled yet (held back by flow control), oldest first. */
  readonly inbox: Buffer[] = [];
  /** Set when the input could not be decoded: fatal once the frames before it are handled. */
  inputError: string | undefined;
  /** Pending end of a byte-budget pause, and of a reply-budget pause. */
  budgetTimer: NodeJS.Timeout | undefined;
  repliesTimer: NodeJS.Timeout | undefined;
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
  private readonly highWaterBytes: number;
  private readonly lowWaterBytes: number;
  /** When the out-queue last rose above the low-water mark, i.e. was last caught up (the stall timeout). */
  private caughtUpAt: number;
  private readonly hooks: ConnectionHooks;
  private dirty = false;

  constructor(socket: Socket, ip: string, options: ConnectionOptions, hooks: ConnectionHooks) {
    this.socket = socket;
    this.ip = ip;
    this.decoder = new FrameDecoder(options.maxFrameBytes);
    this.bucket = new TokenBucket(options.ratePerSecond, options.rateBurst, options.now);
    this.inBudget = new TokenBucket(options.inBytesPerSecond, options.inBytesBurst, options.now);
    this.outBudget = new TokenBucket(options.outBytesPerSecond, options.outBytesBurst, options.now);
    this.maxQueueBytes = options.maxQueueBytes;
    // The replies' window stays well under the hard cap, so a reader's own replies never leave
    // too little room for its broadcasts.
    this.highWaterBytes = Math.min(options.outHighWaterBytes, Math.floor(options.maxQueueBytes / 2));
    this.lowWaterBytes = Math.floor(this.highWaterBytes / 2);
    this.caughtUpAt = options.now;
    this.gate = new InputGate(socket, (heldMs) => {
      // The client's bytes waited in the kernel because the server chose so: stop its clocks.
      this.lastReceivedAt += heldMs;
      if (this.partialSince !== 0) this.partialSince += heldMs;
    });
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
   * How long the out-queue has been above the low-water mark without draining to it (0 when it
   * is under it): a reading client's queue keeps draining, a client that stopped reading's does not.
   */
  stalledFor(now: number): number {
    return this.pendingOutBytes > this.lowWaterBytes ? now - this.caughtUpAt : 0;
  }

  /**
   * Queues a broadcast (an encoded event, which may be shared with other connections). A client
   * whose out-queue it would bring above `maxQueueBytes` is reported through onOverflow instead,
   * and nothing more is queued for it: events are not flow-controlled, so they are capped.
   */
  enqueue(frame: Buffer): void {
    if (this.closing) return;
    // One frame is always accepted into an empty queue, so no single frame can be undeliverable.
    const pending = this.pendingOutBytes;
    if (pending > 0 && pending + frame.length > this.maxQueueBytes) {
      this.hooks.onOverflow(this);
      return;
    }
    this.push(frame, pending);
  }

  /**
   * Queues a frame the client asked for (a reply, an error reply, a heartbeat). Never refused:
   * replies are bounded by flow control instead (the server stops handling requests while the
   * out-queue is above the high-water mark).
   */
  enqueueReply(frame: Buffer): void {
    if (this.closing) return;
    this.push(frame, this.pendingOutBytes);
    const waitMs = this.outBudget.charge(frame.length, Date.now());
    if (waitMs > 0) this.hooks.onRepliesOverBudget(this, waitMs);
  }

  reply<T extends RequestType>(re: RequestId, data: RequestResults[T]): void {
    this.enqueueReply(encodeFrame({ type: 'result', re, data }));
  }

  replyError(code: ErrorCode, message: string, re?: RequestId): void {
    this.enqueueReply(
      encodeFrame(re === undefined ? { type: 'error', code, message } : { type: 'error', code, message, re }),
    );
  }

  private push(frame: Buffer, pendingBefore: number): void {
    const pendingAfter = pendingBefore + frame.length;
    // The clock is read only when the queue rises above the low-water mark (it was caught up until
    // now), not for every frame: most frames go to a caught-up queue and stay under it.
    if (pendingBefore <= this.lowWaterBytes && pendingAfter > this.lowWaterBytes) this.caughtUpAt = Date.now();
    this.queue.push(frame);
    this.queuedBytes += frame.length;
    if (pendingAfter > this.highWaterBytes && !this.gate.has('output')) this.gate.hold('output', Date.now());
    if (!this.dirty) {
      this.dirty = true;
      this.hooks.onDirty(this);
    }
  }

  /** A write reached the kernel: once the out-queue is under the low-water mark, input goes on. */
  private readonly afterWrite = (): void => {
    if (this.closing || !this.gate.has('output') || this.pendingOutBytes > this.lowWaterBytes) return;
    this.gate.release('output', Date.now());
    this.hooks.onWritable(this);
  };

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
    // The write callback is only needed while flow control holds this connection's input (to
    // resume it once drained): without one, Node's write path does less per write, and a paced
    // fan-out is one write per member per message (paced server CPU −8%, docs/BENCHMARKS.md).
    this.socket.write(data, this.gate.has('output') ? this.afterWrite : undefined);
  }

  /**
   * The socket has closed: frames still held back are dropped and the budget timers stopped, so
   * nothing is handled for a connection that is gone.
   */
  dispose(): void {
    this.closing = true;
    this.inbox.length = 0;
    clearTimeout(this.budgetTimer);
    clearTimeout(this.repliesTimer);
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
    this.inbox.length = 0;
    clearTimeout(this.budgetTimer);
    clearTimeout(this.repliesTimer);
    if (this.socket.destroyed) return;
    // Input is discarded from now on (receive ignores a closing connection): read it again, so
    // that the close completes as soon as the peer answers.
    this.socket.resume();
    this.socket.end(encodeFrame({ type: 'error', code, message, fatal: true }));
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }
}
