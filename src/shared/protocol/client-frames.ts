/**
 * Frames a client sends to the server: one zod schema per `type`, the single source of truth.
 * The server validates every incoming frame with `CLIENT_FRAME_SCHEMAS[type]`; the client library
 * and docs/PROTOCOL.md derive their request shapes from the inferred types below.
 * Unknown fields are stripped (not rejected) so newer clients can talk to older servers.
 */
import { z } from 'zod';
import {
  MAX_CATCH_UP,
  MAX_CLIENT_ID_CHARS,
  MAX_HISTORY_PAGE,
  MAX_NAME_CHARS,
  MAX_ROOM_NAME_CHARS,
  MAX_TOPIC_CHARS,
} from './constants.ts';

/** A request id chosen by the client, echoed back as `re` in the one reply. */
export const requestId = z.union([z.string().min(1).max(MAX_CLIENT_ID_CHARS), z.number().int().safe()]);
export type RequestId = z.infer<typeof requestId>;

// Loose string bounds: the exact rules (NFC, control characters, code points) are applied by
// text-rules.ts so that the error code says precisely what is wrong.
const displayName = z.string().max(MAX_NAME_CHARS * 8);
const entityId = z.string().min(1).max(64);
const seq = z.number().int().nonnegative().safe();

export const helloFrame = z.object({
  type: z.literal('hello'),
  id: requestId.optional(),
  protocol: z.number().int(),
  name: displayName,
  /** Proof that this is a returning installation: the credentials a previous welcome issued. */
  resume: z.object({ userId: entityId, token: z.string().min(1).max(128) }).optional(),
  /** Free-form client software name, for logs. */
  client: z.string().max(64).optional(),
});

/** Reply to the server's heartbeat ping; carries no id and gets no reply. */
export const pongFrame = z.object({ type: z.literal('pong') });

export const pingFrame = z.object({ type: z.literal('ping'), id: requestId });

export const renameFrame = z.object({ type: z.literal('rename'), id: requestId, name: displayName });

export const roomCreateFrame = z.object({
  type: z.literal('room_create'),
  id: requestId,
  name: z.string().max(MAX_ROOM_NAME_CHARS * 8),
  topic: z
    .string()
    .max(MAX_TOPIC_CHARS * 8)
    .optional(),
});

export const roomListFrame = z.object({ type: z.literal('room_list'), id: requestId });

export const roomJoinFrame = z.object({
  type: z.literal('room_join'),
  id: requestId,
  room: entityId,
  /** Catch up: return the messages with seq > since (oldest first) instead of the latest page. */
  since: seq.optional(),
  limit: z.number().int().min(1).max(MAX_CATCH_UP).optional(),
});

export const roomLeaveFrame = z.object({ type: z.literal('room_leave'), id: requestId, room: entityId });

export const roomMembersFrame = z.object({ type: z.literal('room_members'), id: requestId, room: entityId });

/** A conversation is a room (by id) or the direct conversation with one user (by user id). */
const conversationTarget = {
  room: entityId.optional(),
  user: entityId.optional(),
};
const exactlyOneTarget = (f: { room?: string | undefined; user?: string | undefined }) =>
  (f.room === undefined) !== (f.user === undefined);
const targetMessage = { message: 'exactly one of room or user is required' };

export const historyFrame = z
  .object({
    type: z.literal('history'),
    id: requestId,
    ...conversationTarget,
    /** Page backwards: messages with seq < before, newest page first (returned oldest first). */
    before: seq.optional(),
    /** Page forwards: messages with seq > after (returned oldest first). */
    after: seq.optional(),
    limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).optional(),
  })
  .refine(exactlyOneTarget, targetMessage)
  .refine((f) => f.before === undefined || f.after === undefined, { message: 'before and after exclude each other' });

export const sendFrame = z
  .object({
    type: z.literal('send'),
    id: requestId,
    ...conversationTarget,
    /** Client-chosen message id: sending the same msgId again never stores a second copy. */
    msgId: z.string().min(1).max(MAX_CLIENT_ID_CHARS),
    text: z.string(),
  })
  .refine(exactlyOneTarget, targetMessage);

export const dmListFrame = z.object({ type: z.literal('dm_list'), id: requestId });

export const CLIENT_FRAME_SCHEMAS = {
  hello: helloFrame,
  pong: pongFrame,
  ping: pingFrame,
  rename: renameFrame,
  room_create: roomCreateFrame,
  room_list: roomListFrame,
  room_join: roomJoinFrame,
  room_leave: roomLeaveFrame,
  room_members: roomMembersFrame,
  history: historyFrame,
  send: sendFrame,
  dm_list: dmListFrame,
} as const;

export type ClientFrameType = keyof typeof CLIENT_FRAME_SCHEMAS;
export type ClientFrame<T extends ClientFrameType = ClientFrameType> = z.infer<(typeof CLIENT_FRAME_SCHEMAS)[T]>;

export function isClientFrameType(type: string): type is ClientFrameType {
  return Object.hasOwn(CLIENT_FRAME_SCHEMAS, type);
}
