/**
 * One connection to a server at a time, and reconnecting after it drops: dialing (through the
 * injected Dialer), frame decoding, requests with ids and timeouts, the heartbeat watchdog, and
 * the backoff between attempts. It knows nothing about hello, rooms or messages: the client
 * (parley-client.ts) says hello in `onOpen`, reads every frame that is not a reply in `onFrame`,
 * and decides in `onDown` whether a drop is worth another attempt.
 */
import type { Socket } from 'node:net';
import type { RequestId } from '../../../shared/protocol/client-frames.ts';
import { backoffDelay } from '../../../shared/backoff.ts';
import { encodeFrame, parseFrame, type ParsedFrame } from '../framing/frame-codec.ts';
import { FrameDecoder, FrameError } from '../framing/frame-decoder.ts';
import type { Dialer } from '../transport/dialer.ts';
import { ParleyError } from './errors.ts';

/** Replies can carry a page of history, so the client accepts larger frames than it sends. */
const MAX_INCOMING_FRAME_BYTES = 16 * 1024 * 1024;

export type ConnectionStatus =
  | { status: 'connecting'; attempt: number }
  | { status: 'connected' }
  | { status: 'reconnecting'; attempt: number; retryInMs: number; reason: string }
  | { status: 'closed'; reason: string; code?: string };

export interface ConnectionOptions {
  host: string;
  port: number;
  dialer: Dialer;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** Reconnect automatically after the connection drops. */
  reconnect: boolean;
  minBackoffMs: number;
  maxBackoffMs: number;
}

export interface ConnectionHooks {
  /** The stream is open: the first frame (hello) may be written. */
  onOpen(): void;
  /** A frame that answered no pending request (welcome, events, pings, unmatched errors). */
  onFrame(frame: ParsedFrame): void;
  /** The stream closed. 'stop' ends it for good (no further attempt); the owner then shuts down. */
  onDown(reason: string, code: string | undefined): 'retry' | 'stop';
  onStatus(status: ConnectionStatus): void;
}

interface PendingRequest {
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  /** Runs as the reply is read, before any later frame: keeps 'message' events in wire order. */
  onResult: ((data: unknown) => void) | undefined;
}

export class Connection {
  private readonly options: ConnectionOptions;
  private readonly hooks: ConnectionHooks;
  private socket: Socket | undefined;
  private ready = false;
  private readonly pending = new Map<RequestId, PendingRequest>();
  private nextId = 1;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastReceivedAt = 0;
  private stopped = true;
  /** Why drop() closed the socket: reported by the 'close' that follows. */
  private dropped: { reason: string; code: string | undefined } | undefined;

  constructor(options: ConnectionOptions, hooks: ConnectionHooks) {
    this.options = options;
    this.hooks = hooks;
  }

  /** The stream is open (hello may not be done yet). */
  get isOpen(): boolean {
    return this.ready;
  }

  /** Dials now (again after stop()). */
  start(): void {
    this.stopped = false;
    clearTimeout(this.retryTimer);
    if (!this.socket) this.dial();
  }

  /** Closes for good: no reconnect; pending requests reject with 'disconnected'. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.destroy();
  }

  /** Ends this connection (the owner judged it unhealthy); a reconnect follows unless stopped. */
  drop(reason: string, code?: string): void {
    if (!this.socket) return;
    this.dropped = { reason, code };
    this.socket.destroy();
  }

  /** Hello and catch-up succeeded: the next drop starts the backoff from the beginning again. */
  markHealthy(): void {
    this.attempt = 0;
  }

  /** A server that sent nothing (not even a ping) for three heartbeats is gone. */
  startHeartbeat(heartbeatMs: number): void {
    clearInterval(this.heartbeatTimer);
    this.lastReceivedAt = Date.now();
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastReceivedAt > heartbeatMs * 3) this.drop('the server stopped answering');
    }, heartbeatMs);
    this.heartbeatTimer.unref();
  }

  write(frame: Record<string, unknown>): void {
    this.socket?.write(encodeFrame(frame));
  }

  /** Sends a request with a fresh id; resolves with the result's data, rejects with a ParleyError. */
  request(type: string, args: Record<string, unknown>, onResult?: (data: unknown) => void): Promise<unknown> {
    if (!this.ready) return Promise.reject(new ParleyError('disconnected', 'Not connected'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ParleyError('timeout', `No reply to ${type} within ${this.options.requestTimeoutMs} ms`));
      }, this.options.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer, onResult });
      this.write({ ...args, type, id });
    });
  }

  private dial(): void {
    this.hooks.onStatus({ status: 'connecting', attempt: this.attempt });
    const decoder = new FrameDecoder(MAX_INCOMING_FRAME_BYTES);
    const socket = this.options.dialer({ host: this.options.host, port: this.options.port }, () => {
      if (this.socket !== socket) return;
      socket.setTimeout(0);
      this.ready = true;
      this.hooks.onOpen();
    });
    this.socket = socket;
    this.dropped = undefined;
    socket.setTimeout(this.options.connectTimeoutMs, () => socket.destroy(new Error('connect timed out')));
    let failure = 'connection closed';
    socket.on('data', (chunk: Buffer) => {
      this.lastReceivedAt = Date.now();
      try {
        decoder.push(chunk, (payload) => this.receive(payload));
      } catch (error) {
        failure = error instanceof FrameError ? `bad frame from server: ${error.message}` : String(error);
        socket.destroy();
      }
    });
    socket.on('error', (error) => {
      failure = error.message;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.ready = false;
      const why = this.dropped ?? { reason: failure, code: undefined };
      this.dropped = undefined;
      this.onClose(why.reason, why.code);
    });
  }

  private onClose(reason: string, code: string | undefined): void {
    clearInterval(this.heartbeatTimer);
    for (const [id, request] of this.pending) {
      clearTimeout(request.timer);
      request.reject(new ParleyError('disconnected', `Connection lost: ${reason}`));
      this.pending.delete(id);
    }
    const verdict = this.hooks.onDown(reason, code);
    if (this.stopped || verdict === 'stop' || !this.options.reconnect) return;
    const retryInMs = backoffDelay(this.attempt, this.options.minBackoffMs, this.options.maxBackoffMs);
    this.attempt++;
    this.hooks.onStatus({ status: 'reconnecting', attempt: this.attempt, retryInMs, reason });
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.dial();
    }, retryInMs);
  }

  private receive(payload: Buffer): void {
    const parsed = parseFrame(payload);
    if (!parsed.ok) {
      this.drop(`bad frame from server: ${parsed.reason}`);
      return;
    }
    const frame = parsed.frame;
    const re = frame['re'] as RequestId | undefined;
    const request = (frame.type === 'result' || frame.type === 'error') && re !== undefined && this.pending.get(re);
    if (!request) {
      this.hooks.onFrame(frame);
      return;
    }
    this.pending.delete(re!);
    clearTimeout(request.timer);
    if (frame.type === 'error') {
      request.reject(new ParleyError(frame['code'] as ParleyError['code'], String(frame['message'])));
      return;
    }
    request.onResult?.(frame['data']);
    request.resolve(frame['data']);
  }
}
