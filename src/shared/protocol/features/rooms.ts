/** Rooms: create, list, join (with catch-up), leave, members; and the events about them. */
import { z } from 'zod';
import { MAX_CATCH_UP, MAX_ROOM_NAME_CHARS, MAX_ROOM_PAGE, MAX_TOPIC_CHARS } from '../constants.ts';
import { entityId, requestId, seq, wireString } from '../fields.ts';
import type { ChatMessage } from './messages.ts';
import type { UserRef } from './users.ts';

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

export const roomCreateFrame = z.object({
  type: z.literal('room_create'),
  id: requestId,
  name: z.string().max(MAX_ROOM_NAME_CHARS * 8),
  topic: z
    .string()
    .max(MAX_TOPIC_CHARS * 8)
    .optional(),
});

/**
 * One page of the room list, in the server's stable order (creation order). Without `after` the
 * first page; `after` is the `next` of the previous page. `query` keeps only rooms whose name
 * contains it (ignoring case). A request without these fields (an old client) gets the first
 * DEFAULT_ROOM_PAGE rooms and `hasMore`.
 */
export const roomListFrame = z.object({
  type: z.literal('room_list'),
  id: requestId,
  limit: z.number().int().min(1).max(MAX_ROOM_PAGE).optional(),
  after: entityId.optional(),
  query: wireString()
    .max(MAX_ROOM_NAME_CHARS * 8)
    .optional(),
});

/** A page of rooms: `next` (present when `hasMore`) is the `after` of the following page. */
export interface RoomPage {
  rooms: RoomInfo[];
  hasMore: boolean;
  next?: string;
}

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

export const ROOM_REQUESTS = {
  room_create: roomCreateFrame,
  room_list: roomListFrame,
  room_join: roomJoinFrame,
  room_leave: roomLeaveFrame,
  room_members: roomMembersFrame,
} as const;

export interface RoomResults {
  room_create: { room: RoomInfo };
  room_list: RoomPage;
  room_join: { room: RoomInfo; members: UserRef[]; messages: ChatMessage[]; hasMore: boolean };
  room_leave: Record<string, never>;
  room_members: { members: UserRef[] };
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
export interface RoomCreatedEvent {
  type: 'room_created';
  room: RoomInfo;
}
