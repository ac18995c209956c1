/**
 * The frames every connection uses whatever the features: `hello` and its `welcome`, the
 * request/`result`/`error` envelope, and the two heartbeat frames.
 */
import { z } from 'zod';
import { MAX_CLIENT_ID_CHARS } from './constants.ts';
import type { ErrorCode } from './error-codes.ts';
import { displayName, entityId, requestId, wireString, type RequestId } from './fields.ts';
import type { FileLimits } from './features/files.ts';
import type { RoomInfo } from './features/rooms.ts';
import type { UserRef } from './features/users.ts';

export { requestId, type RequestId } from './fields.ts';

export const helloFrame = z.object({
  type: z.literal('hello'),
  id: requestId.optional(),
  protocol: z.number().int(),
  name: displayName,
  /** Proof that this is a returning installation: the credentials a previous welcome issued. */
  resume: z.object({ userId: entityId, token: wireString().min(1).max(128) }).optional(),
  /** Free-form client software name, for logs. */
  client: wireString().max(MAX_CLIENT_ID_CHARS).optional(),
});

/** Reply to the server's heartbeat ping; carries no id and gets no reply. */
export const pongFrame = z.object({ type: z.literal('pong') });

/** A client's round-trip probe, answered with an empty result. */
export const pingFrame = z.object({ type: z.literal('ping'), id: requestId });

export const ENVELOPE_REQUESTS = { hello: helloFrame, pong: pongFrame, ping: pingFrame } as const;

export interface EnvelopeResults {
  ping: Record<string, never>;
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
  /** File limits (docs/PROTOCOL.md §18); absent on a server without files. */
  files?: FileLimits;
}

export interface WelcomeFrame {
  type: 'welcome';
  /** The hello's id, when it had one. */
  re?: RequestId;
  protocol: number;
  server: { id: string; name: string };
  user: UserRef;
  /**
   * The name the hello asked for, present only when the server gave another one: a resuming
   * user whose name was held by someone else connected gets a free variant ("Ada (2)").
   */
  requestedName?: string;
  /** Present when the server issued new credentials; keep them to resume as the same user. */
  credentials?: { userId: string; token: string };
  /**
   * The first WELCOME_ROOMS rooms only (in room_list's order), not every room: page through
   * `room_list` for the rest. `roomsHasMore` says whether there are more; `roomCount` counts all.
   */
  rooms: RoomInfo[];
  roomsHasMore: boolean;
  roomCount: number;
  limits: ServerLimits;
}

export interface ErrorFrame {
  type: 'error';
  code: ErrorCode;
  message: string;
  re?: RequestId;
  /** True when the server closes the connection after this frame. */
  fatal?: boolean;
}

/** The server's heartbeat. */
export interface ServerPing {
  type: 'ping';
}
