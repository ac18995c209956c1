/**
 * The one path every client frame takes: parse → rate limit → known type → access (before hello,
 * any user, room member) → schema → the feature's handler, with every error reply made here.
 * docs/PROTOCOL.md §6.3 describes these steps in this order; keep them in step.
 */
import { z } from 'zod';
import type { ErrorCode } from '../../../shared/protocol/error-codes.ts';
import { requestId, type RequestId } from '../../../shared/protocol/fields.ts';
import {
  CLIENT_FRAME_SCHEMAS,
  isClientFrameType,
  type ClientFrame,
  type ClientFrameType,
  type RequestResults,
  type RequestType,
} from '../../../shared/protocol/registry.ts';
import { parseFrame } from '../framing/frame-codec.ts';
import type { Connection, ConnectedUser } from './connection.ts';
import type { LeaveReason, LiveRoom, ServerContext } from './context.ts';

/**
 * Who may send a request: `before_hello` (also before the handshake: hello itself), `user` (any
 * authenticated user), `member` (the frame's `room` exists and the user has joined it), `owner`
 * (reserved for moderation: the room's creator; not used yet, so refused when building a table).
 */
export type Access = 'before_hello' | 'user' | 'member' | 'owner';

/** Every request type the server answers; `pong` is consumed before the table (never answered). */
export type HandledType = Exclude<ClientFrameType, 'pong'>;

type Reply<T> = T extends RequestType ? (data: RequestResults[T]) => void : never;

export interface Call<T extends HandledType> {
  connection: Connection;
  frame: ClientFrame<T>;
  /** Answers the request with an error (with `re` when the frame had a valid id). */
  fail(code: ErrorCode, message: string): void;
}
export interface UserCall<T extends HandledType> extends Call<T> {
  user: ConnectedUser;
  reply: Reply<T>;
}
export interface MemberCall<T extends HandledType> extends UserCall<T> {
  room: LiveRoom;
}

interface BeforeHelloSpec<T extends HandledType> {
  access: 'before_hello';
  /** Runs before the schema on the raw frame; returns false when it already answered. */
  precheck?(frame: Record<string, unknown>, connection: Connection): boolean;
  handler(call: Call<T>): void;
}
interface UserSpec<T extends HandledType> {
  access: 'user';
  /**
   * Joins the tick's message batch. Every other request first commits the messages accepted
   * before it, so that it takes effect after them for everyone (one total order).
   */
  batched?: true;
  handler(call: UserCall<T>): void;
}
interface MemberSpec<T extends HandledType> {
  access: 'member' | 'owner';
  handler(call: MemberCall<T>): void;
}

export type RequestSpec<T extends HandledType> =
  BeforeHelloSpec<T> | UserSpec<T> | (ClientFrame<T> extends { room: string } ? MemberSpec<T> : never);

/** The server's table: one entry per request type, or the build fails. */
export type HandlerTable = { [T in HandledType]: RequestSpec<T> };
/** The part of the table one feature contributes. */
export type FeatureRequests = { [T in HandledType]?: RequestSpec<T> };

/** What a feature adds to the server: its requests, and hooks into connection close and room leave. */
export interface Feature {
  requests: FeatureRequests;
  /** The connection closed (or was closed) after hello; `user` is who it was. */
  onDisconnect?(connection: Connection, user: ConnectedUser): void;
  /** `connection` left `room`, by request or by disconnecting. */
  onLeave?(room: LiveRoom, connection: Connection, user: ConnectedUser, reason: LeaveReason): void;
  /** The server is closing, before it closes the connections (stop timers; the disconnects that follow are a shutdown). */
  onClose?(): void;
}

export type FatalFn = (connection: Connection, code: ErrorCode, message: string) => void;

export class Dispatcher {
  private readonly context: ServerContext;
  private readonly table: HandlerTable;
  private readonly fatal: FatalFn;

  constructor(context: ServerContext, table: HandlerTable, fatal: FatalFn) {
    this.context = context;
    this.table = table;
    this.fatal = fatal;
    for (const [type, spec] of Object.entries(table)) {
      if (spec.access === 'owner') throw new Error(`${type}: 'owner' access is reserved and has no error code yet`);
    }
  }

  /** Handles one complete frame body from `connection`. */
  handle(connection: Connection, payload: Buffer, now: number): void {
    if (connection.closing) return;
    const parsed = parseFrame(payload);
    if (!parsed.ok) {
      this.fatal(connection, 'bad_frame', parsed.reason);
      return;
    }
    const raw = parsed.frame;
    const idCheck = requestId.safeParse(raw['id']);
    const re: RequestId | undefined = idCheck.success ? idCheck.data : undefined;
    const fail = (code: ErrorCode, message: string) => connection.replyError(code, message, re);
    const type = raw.type;
    // Heartbeat answers cost nothing and are never refused (nor answered).
    if (type === 'pong') return;
    if (!connection.bucket.take(now)) {
      fail('rate_limited', `More than ${this.context.config.limits.ratePerSecond} frames per second`);
      return;
    }
    // (`pong` was consumed above; naming it again lets the type system drop it from the table's keys.)
    if (!isClientFrameType(type) || type === 'pong') {
      fail('unknown_type', `Unknown frame type "${type.slice(0, 64)}"`);
      return;
    }
    const spec = this.table[type] as RequestSpec<HandledType>;
    if (!connection.user && spec.access !== 'before_hello') {
      fail('not_authenticated', 'Send hello first');
      return;
    }
    if (spec.access === 'before_hello' && spec.precheck && !spec.precheck(raw, connection)) return;
    const checked = CLIENT_FRAME_SCHEMAS[type].safeParse(raw);
    if (!checked.success) {
      fail('bad_request', z.prettifyError(checked.error));
      return;
    }
    const frame = checked.data as ClientFrame<HandledType>;
    const fanout = this.context.fanout;
    if (!(spec.access === 'user' && spec.batched) && fanout.pending) fanout.commit();
    try {
      this.call(spec, connection, frame, re, fail);
    } catch (error) {
      // SQLite errors here are writes refused by a full disk or the history store's hard limit.
      if ((error as { code?: unknown }).code === 'ERR_SQLITE_ERROR') {
        this.context.log.error({ err: error, type }, 'storage error');
        fail('storage_failed', 'The server could not store this change (its storage is full or failing)');
      } else {
        this.context.log.error({ err: error, type }, 'request failed');
        fail('internal', 'The server could not carry out this request');
      }
    }
  }

  private call(
    spec: RequestSpec<HandledType>,
    connection: Connection,
    frame: ClientFrame<HandledType>,
    re: RequestId | undefined,
    fail: (code: ErrorCode, message: string) => void,
  ): void {
    if (spec.access === 'before_hello') {
      spec.handler({ connection, frame, fail });
      return;
    }
    const user = connection.user!;
    const reply = ((data: object) => connection.reply(re!, data as never)) as Reply<HandledType>;
    if (spec.access === 'user') {
      spec.handler({ connection, frame, fail, user, reply });
      return;
    }
    const room = this.context.rooms.get((frame as { room: string }).room);
    if (!room) fail('room_not_found', 'No such room');
    else if (!room.members.has(connection)) fail('not_member', 'Join the room first');
    else (spec as MemberSpec<HandledType>).handler({ connection, frame, fail, user, reply, room });
  }
}
