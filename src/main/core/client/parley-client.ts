/**
 * The Node client library for wire protocol v1: connect, hello, typed requests with timeouts,
 * events, and reconnect with backoff that resumes where it left off. This file composes the
 * parts (see README.md): connection.ts (socket, requests, reconnect), resume.ts (catch-up, the
 * one owner of "seen"), outbox.ts (unacknowledged messages) and the per-feature methods in
 * features/*.ts, installed on every client.
 *
 * After every welcome: catch up (rejoin every room with `since`, fetch missed direct messages),
 * then report `connected`, then resend every unacknowledged message with its original msgId.
 */
import { EventEmitter } from 'node:events';
import { PROTOCOL_VERSION } from '../../../shared/protocol/constants.ts';
import type { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import type {
  ChatMessage,
  ErrorFrame,
  GameEvent,
  MemberJoinedEvent,
  MemberLeftEvent,
  RequestResults,
  RequestType,
  RoomCreatedEvent,
  UserRef,
  UserRenamedEvent,
} from '../../../shared/protocol/server-frames.ts';
import type { ParsedFrame } from '../framing/frame-codec.ts';
import { tcpDialer, type Dialer } from '../transport/dialer.ts';
import { Connection, type ConnectionStatus } from './connection.ts';
import { ParleyError } from './errors.ts';
import type { ClientContext, RequestArgs } from './features/context.ts';
import { dmMethods, type DmMethods } from './features/dms.ts';
import { fileMethods, type FileMethods } from './features/files.ts';
import { gameMethods, type GameMethods } from './features/games.ts';
import { historyMethods, type HistoryMethods } from './features/history.ts';
import { messageMethods, type MessageMethods } from './features/messages.ts';
import { roomMethods, type RoomMethods } from './features/rooms.ts';
import { userMethods, type UserMethods } from './features/users.ts';
import { isIncoming, type Welcome } from './incoming.ts';
import { Outbox } from './outbox.ts';
import { CatchUp } from './resume.ts';
import { TransferSockets } from './transfer/transfer-socket.ts';

export { ParleyError } from './errors.ts';
export type { ConnectionStatus } from './connection.ts';
export type { Target } from './target.ts';
export type { JoinOptions, RoomListOptions } from './features/rooms.ts';
export type { Welcome } from './incoming.ts';
export type { UploadAsk } from './features/files.ts';
export type { GameListOptions } from './features/games.ts';
export type { UploadWriter } from './transfer/upload-writer.ts';
export type { Download, DownloadRequest, DownloadVariant } from './transfer/download-stream.ts';

/** Codes that end the client for good: retrying cannot fix them. */
const FINAL_CODES = new Set<string>(['name_invalid', 'protocol_unsupported', 'replaced']);

export type Credentials = { userId: string; token: string };

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
  /** Opens the byte stream (default: plain TCP). */
  dialer?: Dialer;
  /**
   * Live messages held while a catch-up runs (default 5,000); a conversation with more is paged
   * from history after the catch-up instead, so a busy server cannot grow the client's memory.
   */
  maxHeldMessages?: number;
  /** Messages waiting for the server at most (default 1,000); sendMessage beyond: outbox_full. */
  maxUnsentMessages?: number;
}

export interface ParleyClientEvents {
  /** connecting → (welcome, catch-up) → connected; reconnecting after a drop; closed for good. */
  status: [ConnectionStatus];
  /** A hello was accepted; `connected` follows once the catch-up is done. */
  welcome: [Welcome];
  /** New credentials were issued: persist them to be the same user next time. */
  credentials: [Credentials];
  /** Every message after you joined a room or started a DM, live or caught up, once, in order. */
  message: [ChatMessage];
  member_joined: [MemberJoinedEvent];
  member_left: [MemberLeftEvent];
  user_renamed: [UserRenamedEvent];
  room_created: [RoomCreatedEvent];
  /** A room rejoined after a reconnect, with its whole member list (who came and went meanwhile). */
  members: [{ room: string; members: UserRef[] }];
  /** A game of a room we joined was created or changed (its whole state; keep the higher `version`). */
  game: [GameEvent];
  /** An error frame that answered no request (a refused hello, the fatal one before a close). */
  server_error: [ErrorFrame];
}

type FeatureMethods = RoomMethods &
  HistoryMethods &
  MessageMethods &
  DmMethods &
  UserMethods &
  FileMethods &
  GameMethods;

// The feature methods are installed on each instance in the constructor (Object.assign below);
// this interface tells the compiler they are there.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ParleyClient extends FeatureMethods {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ParleyClient extends EventEmitter<ParleyClientEvents> {
  private readonly options: Required<Omit<ParleyClientOptions, 'credentials'>>;
  private credentials: Credentials | undefined;
  private readonly connection: Connection;
  private readonly catchUp: CatchUp;
  private readonly outbox: Outbox;
  /** Open transfer connections (file bytes): closed with the client. */
  private readonly transfers = new TransferSockets();
  private welcomeInfo: Welcome | undefined;
  private closedByUser = false;
  private everWelcomed = false;
  /** Id of the server last welcomed by. */
  private serverId: string | undefined;
  /** True from welcome until the catch-up is done: new sends wait so the outbox keeps its order. */
  private resuming = false;
  private firstConnect: { resolve: (w: Welcome) => void; reject: (e: Error) => void } | undefined;

  constructor(options: ParleyClientOptions) {
    super();
    this.options = {
      clientName: 'parley-node',
      requestTimeoutMs: 10_000,
      connectTimeoutMs: 5_000,
      reconnect: true,
      minBackoffMs: 250,
      maxBackoffMs: 10_000,
      dialer: tcpDialer,
      maxHeldMessages: 5_000,
      maxUnsentMessages: 1_000,
      ...options,
    };
    this.credentials = options.credentials;
    this.connection = new Connection(this.options, {
      onOpen: () => this.sayHello(),
      onFrame: (frame) => this.receive(frame),
      onDown: (reason, code) => this.onDown(reason, code),
      onStatus: (status) => this.emit('status', status),
    });
    this.catchUp = new CatchUp({
      request: (type, args, onResult) =>
        this.rawRequest(type, args, onResult as ((data: unknown) => void) | undefined) as Promise<
          RequestResults[typeof type]
        >,
      emit: (message) => this.emit('message', message),
      selfId: () => this.userId ?? '',
      ratePerSecond: () => this.welcomeInfo?.limits.ratePerSecond ?? 1,
      backoff: { minMs: this.options.minBackoffMs, maxMs: this.options.maxBackoffMs },
      unhealthy: (reason) => this.connection.drop(reason),
      maxHeld: this.options.maxHeldMessages,
      members: (room, members) => this.emit('members', { room, members }),
    });
    this.outbox = new Outbox({
      canSend: () => this.connected && !this.resuming,
      send: (args, onResult) => this.request('send', args, onResult),
      noteOwn: (message) => this.catchUp.deliver(message),
      maxEntries: this.options.maxUnsentMessages,
    });
    const ctx: ClientContext = {
      request: (type, args, onResult) => this.request(type, args, onResult),
      catchUp: this.catchUp,
      outbox: this.outbox,
      // The same host and dialer as the chat connection (TLS, when it comes, covers both), on the
      // port the welcome names for transfers.
      transfer: {
        host: this.options.host,
        port: () => this.welcomeInfo?.limits.files?.transferPort ?? this.options.port,
        dialer: this.options.dialer,
        connectTimeoutMs: this.options.connectTimeoutMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
        credentials: () => this.credentials,
        track: (socket) => this.transfers.track(socket),
      },
      isClosed: () => this.closedByUser,
      setName: (name) => (this.options.name = name),
    };
    Object.assign(
      this,
      roomMethods(ctx),
      historyMethods(ctx),
      messageMethods(ctx),
      dmMethods(ctx),
      userMethods(ctx),
      fileMethods(ctx),
      gameMethods(ctx),
    );
  }

  /** The welcome of the current connection (undefined while not connected). */
  get welcome(): Welcome | undefined {
    return this.welcomeInfo;
  }

  get userId(): string | undefined {
    return this.welcomeInfo?.user.id ?? this.credentials?.userId;
  }

  /** Welcomed on the current connection (requests can be made; catch-up may still run). */
  get connected(): boolean {
    return this.welcomeInfo !== undefined;
  }

  /** Live messages held until the running catch-up is done (at most `maxHeldMessages`). */
  get heldMessages(): number {
    return this.catchUp.heldCount;
  }

  /** Messages sent but not yet acknowledged by the server. */
  get unacknowledged(): number {
    return this.outbox.size;
  }

  /**
   * Connects and says hello. Resolves with the first welcome once caught up; rejects if the
   * server refuses a first hello (e.g. name_taken), or if it cannot be reached and reconnecting
   * is off.
   */
  connect(): Promise<Welcome> {
    this.closedByUser = false;
    return new Promise((resolve, reject) => {
      this.firstConnect = { resolve, reject };
      this.connection.start();
    });
  }

  /** The name the next hello asks for (a rename while not connected; when connected, rename()). */
  preferName(name: string): void {
    if (!this.connected) this.options.name = name;
  }

  /** Closes for good: pending requests, unsent messages and open transfers are rejected. */
  close(): void {
    this.closedByUser = true;
    this.connection.stop();
    this.transfers.closeAll();
    this.shutdown('closed by the client', 'closed');
  }

  /** Sends a request and resolves with its result data, or rejects with a ParleyError. */
  request<T extends RequestType>(
    type: T,
    args: RequestArgs<T>,
    onResult?: (result: RequestResults[T]) => void,
  ): Promise<RequestResults[T]> {
    const hook = onResult as ((data: unknown) => void) | undefined;
    return this.rawRequest(type, args as Record<string, unknown>, hook) as Promise<RequestResults[T]>;
  }

  private rawRequest(type: string, args: Record<string, unknown>, onResult?: (data: unknown) => void) {
    if (!this.connected) return Promise.reject(new ParleyError('disconnected', 'Not connected'));
    return this.connection.request(type, args, onResult);
  }

  // ── connection lifecycle ───────────────────────────────────────────────────────────────────

  private sayHello(): void {
    const hello: Record<string, unknown> = {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      name: this.options.name,
      client: this.options.clientName,
    };
    if (this.credentials) hello['resume'] = this.credentials;
    this.connection.write(hello);
  }

  private onDown(reason: string, code: string | undefined): 'retry' | 'stop' {
    this.welcomeInfo = undefined;
    this.resuming = false;
    this.catchUp.connectionLost();
    this.outbox.connectionLost();
    if (this.closedByUser) return 'stop';
    if ((code !== undefined && FINAL_CODES.has(code)) || !this.options.reconnect) {
      this.shutdown(reason, code);
      return 'stop';
    }
    return 'retry';
  }

  private shutdown(reason: string, code?: string): void {
    this.welcomeInfo = undefined;
    this.closedByUser = true;
    this.connection.stop();
    this.outbox.rejectAll(new ParleyError(code === 'closed' ? 'closed' : 'disconnected', reason));
    this.firstConnect?.reject(new ParleyError(code === 'closed' ? 'closed' : 'disconnected', reason));
    this.firstConnect = undefined;
    this.emit('status', code === undefined ? { status: 'closed', reason } : { status: 'closed', reason, code });
  }

  // ── incoming frames ────────────────────────────────────────────────────────────────────────

  private receive(frame: ParsedFrame): void {
    if (!isIncoming(frame)) return; // Unknown frames from a newer server are ignored.
    switch (frame.type) {
      case 'welcome':
        this.onWelcome(frame);
        return;
      case 'error':
        this.onError(frame);
        return;
      case 'ping':
        this.connection.write({ type: 'pong' });
        return;
      case 'message':
        this.catchUp.deliver(frame.message);
        return;
      case 'member_joined':
        this.emit('member_joined', frame);
        return;
      case 'member_left':
        this.emit('member_left', frame);
        return;
      case 'user_renamed':
        this.emit('user_renamed', frame);
        return;
      case 'room_created':
        this.emit('room_created', frame);
        return;
      case 'game':
        this.emit('game', frame);
        return;
    }
  }

  /** An error frame that answered no request: a refused hello, or the reason for a close. */
  private onError(frame: ErrorFrame): void {
    this.emit('server_error', frame);
    if (this.welcomeInfo) {
      if (frame.fatal) this.connection.drop(frame.message, frame.code);
      return;
    }
    if (this.isFinalRefusal(frame.code)) {
      const first = this.firstConnect;
      this.firstConnect = undefined;
      first?.reject(new ParleyError(frame.code, frame.message));
      this.shutdown(frame.message, frame.code);
      return;
    }
    // A refused hello that may succeed later (name_taken while someone else holds the name), or
    // a fatal error: end this attempt; the reconnect backoff spaces the next ones.
    if (frame.fatal || frame.code === 'name_taken') this.connection.drop(frame.message, frame.code);
  }

  /**
   * A refused hello that ends the client: the final codes, and name_taken for a first hello
   * without credentials (a new user must pick another name). A returning user (credentials, or
   * welcomed before) is never stopped by name_taken: the name may be free again soon.
   */
  private isFinalRefusal(code: ErrorCode): boolean {
    if (FINAL_CODES.has(code)) return true;
    return code === 'name_taken' && !this.everWelcomed && this.credentials === undefined;
  }

  private onWelcome(welcome: Welcome): void {
    // A different server id behind the same address (its data folder was replaced): the rooms and
    // read positions of the old one mean nothing here.
    if (this.serverId !== undefined && this.serverId !== welcome.server.id) this.catchUp.reset();
    this.serverId = welcome.server.id;
    this.welcomeInfo = welcome;
    this.everWelcomed = true;
    if (welcome.credentials) {
      this.credentials = welcome.credentials;
      this.emit('credentials', welcome.credentials);
    }
    this.options.name = welcome.user.name;
    this.connection.startHeartbeat(welcome.limits.heartbeatMs);
    this.resuming = true;
    this.emit('welcome', welcome);
    this.catchUp.afterWelcome().then(
      () => {
        if (this.welcomeInfo !== welcome) return; // dropped again meanwhile: the next welcome resumes
        this.resuming = false;
        this.connection.markHealthy();
        this.emit('status', { status: 'connected' });
        const first = this.firstConnect;
        this.firstConnect = undefined;
        first?.resolve(welcome);
        this.outbox.flush();
      },
      // Retried and still failing: the catch-up has dropped this connection (a new one resumes).
      () => {},
    );
  }
}
