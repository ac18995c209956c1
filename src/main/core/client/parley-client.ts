/**
 * The Node client library for wire protocol v1: connect, hello, typed requests with timeouts,
 * events, and reconnect with backoff that resumes where it left off.
 *
 * Resume, in order, after every reconnect: hello with the credentials the server issued (same
 * user id), rejoin every joined room with `since` = the last seq seen (emitting what was missed),
 * fetch direct messages that arrived meanwhile, then resend every unacknowledged message with its
 * original msgId — the server stores each msgId once, so each message is delivered exactly once.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import type { ClientFrame, RequestId } from '../../../shared/protocol/client-frames.ts';
import { MAX_CATCH_UP, MAX_HISTORY_PAGE, PROTOCOL_VERSION } from '../../../shared/protocol/constants.ts';
import type { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import type {
  ChatMessage,
  ErrorFrame,
  MemberJoinedEvent,
  MemberLeftEvent,
  RequestResults,
  RequestType,
  RoomCreatedEvent,
  UserRenamedEvent,
  WelcomeFrame,
} from '../../../shared/protocol/server-frames.ts';
import { encodeFrame, parseFrame } from '../framing/frame-codec.ts';
import { FrameDecoder, FrameError } from '../framing/frame-decoder.ts';
import { backoffDelay } from '../../../shared/backoff.ts';

/** Replies can carry a page of history, so the client accepts larger frames than it sends. */
const MAX_INCOMING_FRAME_BYTES = 16 * 1024 * 1024;

/** Hello errors that retrying with the same name cannot fix, and fatal codes that end the session. */
const FINAL_CODES = new Set<ErrorCode | 'connect_failed'>([
  'name_invalid',
  'name_taken',
  'protocol_unsupported',
  'replaced',
]);

export type Credentials = { userId: string; token: string };
export type Target = { room: string } | { user: string };

export interface ParleyClientOptions {
  host: string;
  port: number;
  name: string;
  /** Credentials from an earlier session with this server: resume as the same user. */
  credentials?: Credentials;
  /** Software name sent in hello, for the server's logs. */
  clientName?: string;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Reconnect automatically after the connection drops (default true). */
  reconnect?: boolean;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export type ConnectionStatus =
  | { status: 'connecting'; attempt: number }
  | { status: 'connected' }
  | { status: 'reconnecting'; attempt: number; retryInMs: number; reason: string }
  | { status: 'closed'; reason: string; code?: string };

export interface ParleyClientEvents {
  status: [ConnectionStatus];
  welcome: [WelcomeFrame];
  /** New credentials were issued: persist them to be the same user next time. */
  credentials: [Credentials];
  /** Every message after you joined a room or started a DM, live or caught up after a reconnect. */
  message: [ChatMessage];
  member_joined: [MemberJoinedEvent];
  member_left: [MemberLeftEvent];
  user_renamed: [UserRenamedEvent];
  room_created: [RoomCreatedEvent];
  /** An error frame that answered no request (including the fatal one before a close). */
  server_error: [ErrorFrame];
}

/** A request the server refused, or one that could not complete (timeout, disconnected). */
export class ParleyError extends Error {
  readonly code: ErrorCode | 'timeout' | 'disconnected' | 'closed';
  constructor(code: ParleyError['code'], message: string) {
    super(message);
    this.name = 'ParleyError';
    this.code = code;
  }
}

interface PendingRequest {
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  /** Runs as the reply is read, before any later frame: keeps 'message' events in wire order. */
  onResult?: ((data: unknown) => void) | undefined;
}

interface OutboxEntry {
  target: Target;
  text: string;
  msgId: string;
  resolve: (message: ChatMessage) => void;
  reject: (error: Error) => void;
  /** Sent on the current connection and not yet answered. */
  inFlight: boolean;
}

/** Key under which the last seen seq of a conversation is tracked. */
function convKey(message: ChatMessage, self: string): string {
  if (message.room !== undefined) return message.room;
  return `dm:${message.from === self ? message.to! : message.from}`;
}

type RequestArgs<T extends RequestType> = Omit<ClientFrame<T>, 'type' | 'id'>;

export class ParleyClient extends EventEmitter<ParleyClientEvents> {
  private readonly options: Required<Omit<ParleyClientOptions, 'credentials'>>;
  private credentials: Credentials | undefined;
  private socket: Socket | undefined;
  private decoder = new FrameDecoder(MAX_INCOMING_FRAME_BYTES);
  private welcomeInfo: WelcomeFrame | undefined;
  private nextId = 1;
  private readonly pending = new Map<RequestId, PendingRequest>();
  private readonly outbox = new Map<string, OutboxEntry>();
  private readonly joinedRooms = new Set<string>();
  /** Last seq seen per conversation (room id or dm:<peer>). */
  private readonly lastSeen = new Map<string, number>();
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastReceivedAt = 0;
  private closedByUser = false;
  /** Id of the server last welcomed by. */
  private serverId: string | undefined;
  /** True from welcome until the catch-up is done: new sends wait so the outbox keeps its order. */
  private resuming = false;
  /** Live messages received while resuming: emitted after the catch-up, so none of it is skipped. */
  private held: ChatMessage[] | undefined;
  private firstConnect: { resolve: (w: WelcomeFrame) => void; reject: (e: Error) => void } | undefined;

  constructor(options: ParleyClientOptions) {
    super();
    this.options = {
      clientName: 'parley-node',
      requestTimeoutMs: 10_000,
      connectTimeoutMs: 5_000,
      reconnect: true,
      minBackoffMs: 250,
      maxBackoffMs: 10_000,
      ...options,
    };
    this.credentials = options.credentials;
  }

  /** The welcome of the current connection (undefined while not connected). */
  get welcome(): WelcomeFrame | undefined {
    return this.welcomeInfo;
  }

  get userId(): string | undefined {
    return this.welcomeInfo?.user.id ?? this.credentials?.userId;
  }

  get connected(): boolean {
    return this.welcomeInfo !== undefined;
  }

  /** Messages sent but not yet acknowledged by the server. */
  get unacknowledged(): number {
    return this.outbox.size;
  }

  /**
   * Connects and says hello. Resolves with the first welcome; rejects if the server refuses the
   * hello (e.g. name_taken), or if it cannot be reached and reconnecting is off.
   */
  connect(): Promise<WelcomeFrame> {
    this.closedByUser = false;
    return new Promise((resolve, reject) => {
      this.firstConnect = { resolve, reject };
      this.open();
    });
  }

  /** Closes for good: pending requests and unsent messages are rejected. */
  close(): void {
    this.closedByUser = true;
    clearTimeout(this.retryTimer);
    this.socket?.destroy();
    this.shutdown('closed by the client', 'closed');
  }

  // ── requests ───────────────────────────────────────────────────────────────────────────────

  /** Sends a request and resolves with its result data, or rejects with a ParleyError. */
  request<T extends RequestType>(type: T, args: RequestArgs<T>): Promise<RequestResults[T]> {
    return this.rawRequest(type, args as Record<string, unknown>) as Promise<RequestResults[T]>;
  }

  private rawRequest(
    type: string,
    args: Record<string, unknown>,
    onResult?: (data: unknown) => void,
  ): Promise<unknown> {
    if (!this.connected) return Promise.reject(new ParleyError('disconnected', 'Not connected'));
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

  rename(name: string): Promise<RequestResults['rename']> {
    return this.request('rename', { name }).then((result) => {
      this.options.name = result.user.name;
      return result;
    });
  }

  createRoom(name: string, topic?: string): Promise<RequestResults['room_create']> {
    return this.request('room_create', topic === undefined ? { name } : { name, topic });
  }

  listRooms(): Promise<RequestResults['room_list']> {
    return this.request('room_list', {});
  }

  /** Joins a room and returns its latest page of history; the room is rejoined after reconnects. */
  async joinRoom(room: string, limit?: number): Promise<RequestResults['room_join']> {
    const result = await this.request('room_join', limit === undefined ? { room } : { room, limit });
    this.joinedRooms.add(room);
    this.markSeen(room, result.room.lastSeq);
    return result;
  }

  async leaveRoom(room: string): Promise<void> {
    this.joinedRooms.delete(room);
    await this.request('room_leave', { room });
  }

  members(room: string): Promise<RequestResults['room_members']> {
    return this.request('room_members', { room });
  }

  history(
    target: Target,
    page: { before?: number; after?: number; limit?: number } = {},
  ): Promise<RequestResults['history']> {
    return this.request('history', { ...target, ...page });
  }

  dmList(): Promise<RequestResults['dm_list']> {
    return this.request('dm_list', {});
  }

  /**
   * Sends a message. It is kept until the server acknowledges it, across reconnects, and resent
   * with the same msgId, so it is stored and delivered exactly once. Resolves with the stored
   * message (server seq and timestamp); rejects if the server refuses it (e.g. text_too_long).
   */
  sendMessage(target: Target, text: string, msgId: string = randomUUID()): Promise<ChatMessage> {
    if (this.closedByUser) return Promise.reject(new ParleyError('closed', 'The client was closed'));
    return new Promise((resolve, reject) => {
      const entry: OutboxEntry = { target, text, msgId, resolve, reject, inFlight: false };
      this.outbox.set(msgId, entry);
      if (this.connected && !this.resuming) this.transmit(entry);
    });
  }

  private transmit(entry: OutboxEntry): void {
    entry.inFlight = true;
    const args = { ...entry.target, text: entry.text, msgId: entry.msgId };
    // The own message is noted as its reply is read, not a microtask later: otherwise a message
    // from someone else in the same chunk, with a higher seq, would be emitted first and this
    // one then dropped as "already seen".
    const noteOwn = (data: unknown) => this.noteMessage((data as RequestResults['send']).message);
    (this.rawRequest('send', args, noteOwn) as Promise<RequestResults['send']>).then(
      (result) => {
        if (!this.outbox.delete(entry.msgId)) return;
        entry.resolve(result.message);
      },
      (error: ParleyError) => {
        entry.inFlight = false;
        if (!this.outbox.has(entry.msgId)) return;
        // Transport problems keep the message for the next connection; a rate limit retries soon.
        if (error.code === 'disconnected') return;
        // No answer on a live connection: try again with the same msgId (stored at most once).
        if (error.code === 'timeout') {
          if (this.connected && !this.resuming) this.transmit(entry);
          return;
        }
        if (error.code === 'rate_limited') {
          setTimeout(() => this.connected && this.outbox.has(entry.msgId) && this.transmit(entry), 1000).unref();
          return;
        }
        this.outbox.delete(entry.msgId);
        entry.reject(error);
      },
    );
  }

  // ── connection lifecycle ───────────────────────────────────────────────────────────────────

  private open(): void {
    this.setStatus({ status: 'connecting', attempt: this.attempt });
    this.decoder = new FrameDecoder(MAX_INCOMING_FRAME_BYTES);
    const socket = netConnect({ host: this.options.host, port: this.options.port, noDelay: true });
    this.socket = socket;
    socket.setTimeout(this.options.connectTimeoutMs, () => socket.destroy(new Error('connect timed out')));
    let failure = 'connection closed';
    socket.on('connect', () => {
      socket.setTimeout(0);
      const hello: Record<string, unknown> = {
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        name: this.options.name,
        client: this.options.clientName,
      };
      if (this.credentials) hello['resume'] = this.credentials;
      this.write(hello);
    });
    socket.on('data', (chunk: Buffer) => {
      this.lastReceivedAt = Date.now();
      try {
        this.decoder.push(chunk, (payload) => this.receive(payload));
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
      this.onDisconnect(failure);
    });
  }

  private write(frame: Record<string, unknown>): void {
    this.socket?.write(encodeFrame(frame));
  }

  private onDisconnect(reason: string, code?: string): void {
    clearInterval(this.heartbeatTimer);
    this.welcomeInfo = undefined;
    // Held live messages are dropped: lastSeen did not move past them, so the next catch-up fetches them.
    this.held = undefined;
    for (const [id, request] of this.pending) {
      clearTimeout(request.timer);
      request.reject(new ParleyError('disconnected', `Connection lost: ${reason}`));
      this.pending.delete(id);
    }
    if (this.closedByUser) return;
    const final = code !== undefined && FINAL_CODES.has(code as ErrorCode);
    if (final || !this.options.reconnect) {
      this.shutdown(reason, code);
      return;
    }
    const retryInMs = backoffDelay(this.attempt, this.options.minBackoffMs, this.options.maxBackoffMs);
    this.attempt++;
    this.setStatus({ status: 'reconnecting', attempt: this.attempt, retryInMs, reason });
    this.retryTimer = setTimeout(() => this.open(), retryInMs);
  }

  private shutdown(reason: string, code?: string): void {
    clearInterval(this.heartbeatTimer);
    this.welcomeInfo = undefined;
    const error = new ParleyError(code === 'closed' ? 'closed' : 'disconnected', reason);
    for (const entry of this.outbox.values()) entry.reject(error);
    this.outbox.clear();
    this.firstConnect?.reject(error);
    this.firstConnect = undefined;
    this.setStatus(code === undefined ? { status: 'closed', reason } : { status: 'closed', reason, code });
  }

  private setStatus(status: ConnectionStatus): void {
    this.emit('status', status);
  }

  // ── incoming frames ────────────────────────────────────────────────────────────────────────

  private receive(payload: Buffer): void {
    const parsed = parseFrame(payload);
    if (!parsed.ok) {
      this.socket?.destroy();
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'welcome':
        this.onWelcome(frame as unknown as WelcomeFrame);
        return;
      case 'result': {
        const request = this.pending.get(frame['re'] as RequestId);
        if (!request) return;
        this.pending.delete(frame['re'] as RequestId);
        clearTimeout(request.timer);
        request.onResult?.(frame['data']);
        request.resolve(frame['data']);
        return;
      }
      case 'error':
        this.onError(frame as unknown as ErrorFrame);
        return;
      case 'ping':
        this.write({ type: 'pong' });
        return;
      case 'message': {
        const message = (frame as unknown as { message: ChatMessage }).message;
        if (this.held) this.held.push(message);
        else this.noteMessage(message);
        return;
      }
      case 'member_joined':
      case 'member_left':
      case 'user_renamed':
      case 'room_created':
        this.emit(frame.type, frame as never);
        return;
      default:
        return; // Unknown frames from a newer server are ignored.
    }
  }

  private onError(frame: ErrorFrame): void {
    if (frame.re !== undefined) {
      const request = this.pending.get(frame.re);
      if (request) {
        this.pending.delete(frame.re);
        clearTimeout(request.timer);
        request.reject(new ParleyError(frame.code, frame.message));
        return;
      }
    }
    this.emit('server_error', frame);
    if (!this.welcomeInfo && FINAL_CODES.has(frame.code) && this.firstConnect) {
      // A refused hello: nothing will change by retrying with the same name.
      const first = this.firstConnect;
      this.firstConnect = undefined;
      this.closedByUser = true;
      this.socket?.destroy();
      first.reject(new ParleyError(frame.code, frame.message));
      this.shutdown(frame.message, frame.code);
      return;
    }
    if (frame.fatal) {
      const socket = this.socket;
      this.socket = undefined;
      socket?.destroy();
      this.onDisconnect(frame.message, frame.code);
    } else if (!this.welcomeInfo && FINAL_CODES.has(frame.code)) {
      // The hello of a reconnect was refused (e.g. the name was taken meanwhile).
      this.closedByUser = true;
      this.socket?.destroy();
      this.shutdown(frame.message, frame.code);
    }
  }

  private onWelcome(welcome: WelcomeFrame): void {
    // A different server id behind the same address (its data folder was replaced): the rooms and
    // read positions of the old one mean nothing here.
    if (this.serverId !== undefined && this.serverId !== welcome.server.id) {
      this.joinedRooms.clear();
      this.lastSeen.clear();
    }
    this.serverId = welcome.server.id;
    const resumed = this.attempt > 0 || this.lastSeen.size > 0;
    this.welcomeInfo = welcome;
    this.attempt = 0;
    if (welcome.credentials) {
      this.credentials = welcome.credentials;
      this.emit('credentials', welcome.credentials);
    }
    this.options.name = welcome.user.name;
    this.lastReceivedAt = Date.now();
    clearInterval(this.heartbeatTimer);
    // A server that sent nothing (not even a ping) for three heartbeats is gone.
    const heartbeatMs = welcome.limits.heartbeatMs;
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastReceivedAt > heartbeatMs * 3) this.socket?.destroy();
    }, heartbeatMs);
    this.heartbeatTimer.unref();
    this.setStatus({ status: 'connected' });
    this.emit('welcome', welcome);
    const first = this.firstConnect;
    this.firstConnect = undefined;
    this.resuming = true;
    // While catching up, a live message must not move lastSeen past messages not fetched yet.
    this.held = resumed ? [] : undefined;
    const ready = resumed ? this.resume() : this.baselineDms();
    ready
      .catch(() => {
        // A failed catch-up is retried by the next reconnect; the connection itself is usable.
      })
      .finally(() => {
        this.resuming = false;
        first?.resolve(welcome);
        if (this.welcomeInfo !== welcome) return; // Dropped again meanwhile: the next welcome resends.
        const held = this.held ?? [];
        this.held = undefined;
        for (const message of held) this.noteMessage(message);
        // Oldest first: the server numbers them in the order they were written.
        for (const entry of this.outbox.values()) if (!entry.inFlight) this.transmit(entry);
      });
  }

  /** Remembers how far each direct conversation goes, so that later catch-ups fetch only news. */
  private async baselineDms(): Promise<void> {
    const { conversations } = await this.dmList();
    for (const c of conversations) this.markSeen(`dm:${c.user.id}`, c.lastSeq);
  }

  /** Rejoins rooms and fetches direct messages missed while disconnected, emitting them in order. */
  private async resume(): Promise<void> {
    for (const room of [...this.joinedRooms]) {
      const since = this.lastSeen.get(room) ?? 0;
      let joined: RequestResults['room_join'];
      try {
        joined = await this.patiently(() => this.request('room_join', { room, since, limit: MAX_CATCH_UP }));
      } catch (error) {
        // A room that no longer exists is forgotten; anything else fails the catch-up as a whole.
        if (error instanceof ParleyError && error.code === 'room_not_found') {
          this.joinedRooms.delete(room);
          this.lastSeen.delete(room);
          continue;
        }
        throw error;
      }
      for (const message of joined.messages) this.noteMessage(message);
      if (joined.hasMore) await this.catchUp({ room });
    }
    const { conversations } = await this.patiently(() => this.dmList());
    for (const c of conversations) {
      const key = `dm:${c.user.id}`;
      if (c.lastSeq > (this.lastSeen.get(key) ?? 0)) await this.catchUp({ user: c.user.id });
    }
  }

  /** Runs a request, waiting and retrying while the server answers rate_limited. */
  private async patiently<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof ParleyError) || error.code !== 'rate_limited' || attempt >= 30) throw error;
        const rate = this.welcomeInfo?.limits.ratePerSecond ?? 1;
        await new Promise((wake) => setTimeout(wake, Math.max(50, 1000 / rate)));
      }
    }
  }

  private async catchUp(target: Target): Promise<void> {
    const key = 'room' in target ? target.room : `dm:${target.user}`;
    for (;;) {
      const after = this.lastSeen.get(key) ?? 0;
      const page = await this.patiently(() => this.history(target, { after, limit: MAX_HISTORY_PAGE }));
      for (const message of page.messages) this.noteMessage(message);
      if (!page.hasMore || page.messages.length === 0) return;
    }
  }

  /** Emits a message unless it was already seen (catch-up and live delivery can overlap). */
  private noteMessage(message: ChatMessage): void {
    const key = convKey(message, this.userId ?? '');
    if (message.seq <= (this.lastSeen.get(key) ?? 0)) return;
    this.lastSeen.set(key, message.seq);
    this.emit('message', message);
  }

  private markSeen(key: string, seq: number): void {
    if (seq > (this.lastSeen.get(key) ?? 0)) this.lastSeen.set(key, seq);
  }
}
