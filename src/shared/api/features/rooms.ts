/** Rooms on a server: list, create, join (and catch up), leave; who comes and goes. */
import { z } from 'zod';
import type { RequestResults, RoomInfo, RoomPage, UserRef } from '../../protocol/server-frames.ts';
import { entityId, seq, serverKey } from './fields.ts';

export const ROOM_ARGS = {
  /**
   * One page of the server's rooms (in its order: creation order), `after` the `next` of the
   * previous page; with `query`, only rooms whose name contains it (searched by the server).
   */
  listRooms: z.tuple([
    serverKey,
    z
      .object({ after: entityId.optional(), query: z.string().max(512).optional() })
      .strict()
      .optional(),
  ]),
  createRoom: z.tuple([
    serverKey,
    z.object({ name: z.string().max(1024), topic: z.string().max(4096).optional() }).strict(),
  ]),
  /**
   * Joins a room (or re-opens it). With `since`, the client library also catches up on every
   * message after that seq, emitted as `message` events in order (a fresh browser session
   * re-opening the rooms a reload remembered).
   */
  joinRoom: z.tuple([serverKey, entityId, z.object({ since: seq }).strict().optional()]),
  leaveRoom: z.tuple([serverKey, entityId]),
} as const;

export type RoomJoinResult = RequestResults['room_join'];
export type { RoomPage };

export interface RoomResults {
  listRooms: RoomPage;
  createRoom: RoomInfo;
  joinRoom: RoomJoinResult;
  leaveRoom: void;
}

export interface RoomEvents {
  memberJoined: { server: string; room: string; user: UserRef };
  memberLeft: { server: string; room: string; user: UserRef; reason: 'left' | 'disconnected' };
  roomCreated: { server: string; room: RoomInfo };
  /**
   * The whole member list of a room we are in, as the server reported it when the client library
   * rejoined the room after a reconnect: it replaces what the UI had (people left and joined while
   * we were away, and no memberJoined/memberLeft came for them).
   */
  roomMembers: { server: string; room: string; members: UserRef[] };
}
