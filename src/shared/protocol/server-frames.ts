/**
 * Frames the server sends: replies (`result` / `error` with `re`) and events.
 * `RequestResults` maps each request type to the `data` of its successful `result` reply;
 * the client library's `request()` is typed from it.
 */
import type { ErrorCode } from './error-codes.ts';
import type { RequestId } from './client-frames.ts';

export interface UserRef {
  id: string;
  name: string;
}

export interface RoomInfo {
  id: string;
  name: string;
  topic: string;
  /** Users currently joined. */
  members: number;
  /** Sequence number of the newest message (0 when empty). */
  lastSeq: number;
  /** Server time (ms since the Unix epoch) of the newest message or of creation. */
  lastActivity: number;
}

/** A stored message, as delivered live and in history. Exactly one of `room` / `to` is set. */
export interface ChatMessage {
  /** The room it was sent to. */
  room?: string;
  /** For a direct message: the recipient's user id (the sender is `from`). */
  to?: string;
  /** Per-conversation sequence number, 1, 2, 3 … with no gaps. */
  seq: number;
  /** Server time of acceptance, ms since the Unix epoch. */
  ts: number;
  from: string;
  fromName: string;
  text: string;
  msgId: string;
}

export interface DmSummary {
  user: UserRef;
  lastSeq: number;
  lastActivity: number;
}

export interface ServerLimits {
  maxFrameBytes: number;
  maxTextChars: number;
  ratePerSecond: number;
  rateBurst: number;
  /** The server pings this often … */
  heartbeatMs: number;
  /** … and closes a connection from which nothing arrived for this long. */
  idleTimeoutMs: number;
}

export interface RequestResults {
  ping: Record<string, never>;
  rename: { user: UserRef };
  room_create: { room: RoomInfo };
  room_list: { rooms: RoomInfo[] };
  room_join: { room: RoomInfo; members: UserRef[]; messages: ChatMessage[]; hasMore: boolean };
  room_leave: Record<string, never>;
  room_members: { members: UserRef[] };
  history: { messages: ChatMessage[]; hasMore: boolean };
  send: { message: ChatMessage; duplicate: boolean };
  dm_list: { conversations: DmSummary[] };
}

export type RequestType = keyof RequestResults;

export interface WelcomeFrame {
  type: 'welcome';
  /** The hello's id, when it had one. */
  re?: RequestId;
  protocol: number;
  server: { id: string; name: string };
  user: UserRef;
  /** Present when the server issued new credentials; keep them to resume as the same user. */
  credentials?: { userId: string; token: string };
  rooms: RoomInfo[];
  limits: ServerLimits;
}

export interface ResultFrame<T extends RequestType = RequestType> {
  type: 'result';
  re: RequestId;
  data: RequestResults[T];
}

export interface ErrorFrame {
  type: 'error';
  code: ErrorCode;
  message: string;
  re?: RequestId;
  /** True when the server closes the connection after this frame. */
  fatal?: boolean;
}

export interface MessageEvent {
  type: 'message';
  message: ChatMessage;
}
export interface MemberJoinedEvent {
  type: 'member_joined';
  room: string;
  user: UserRef;
}
export interface MemberLeftEvent {
  type: 'member_left';
  room: string;
  user: UserRef;
  reason: 'left' | 'disconnected';
}
export interface UserRenamedEvent {
  type: 'user_renamed';
  user: UserRef;
  oldName: string;
}
export interface RoomCreatedEvent {
  type: 'room_created';
  room: RoomInfo;
}
export interface ServerPing {
  type: 'ping';
}

export type ServerEvent = MessageEvent | MemberJoinedEvent | MemberLeftEvent | UserRenamedEvent | RoomCreatedEvent;

export type ServerFrame = WelcomeFrame | ResultFrame | ErrorFrame | ServerEvent | ServerPing;
