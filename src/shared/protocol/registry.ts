/**
 * Merges every feature's frames into the one table the server validates with and the client
 * library types its requests from. Adding a feature: define its frames in features/<name>.ts,
 * spread its requests into CLIENT_FRAME_SCHEMAS and add its results to RequestResults. The
 * server's handler table is typed from ClientFrameType, so a request without a handler fails the
 * build (src/main/core/server/features/index.ts).
 */
import type { z } from 'zod';
import { ENVELOPE_REQUESTS, type EnvelopeResults } from './envelope.ts';
import { DM_REQUESTS, type DmResults } from './features/dms.ts';
import { FILE_REQUESTS, type FileResults } from './features/files.ts';
import { GAME_REQUESTS, type GameResults } from './features/games.ts';
import { MESSAGE_REQUESTS, type MessageResults } from './features/messages.ts';
import { ROOM_REQUESTS, type RoomResults } from './features/rooms.ts';
import { USER_REQUESTS, type UserResults } from './features/users.ts';

export const CLIENT_FRAME_SCHEMAS = {
  ...ENVELOPE_REQUESTS,
  ...USER_REQUESTS,
  ...ROOM_REQUESTS,
  ...MESSAGE_REQUESTS,
  ...DM_REQUESTS,
  ...FILE_REQUESTS,
  ...GAME_REQUESTS,
} as const;

export type ClientFrameType = keyof typeof CLIENT_FRAME_SCHEMAS;
export type ClientFrame<T extends ClientFrameType = ClientFrameType> = z.infer<(typeof CLIENT_FRAME_SCHEMAS)[T]>;

/** The `data` of each request's successful `result` reply (hello is answered by `welcome`). */
export interface RequestResults
  extends EnvelopeResults, UserResults, RoomResults, MessageResults, DmResults, FileResults, GameResults {}

export type RequestType = keyof RequestResults;

export function isClientFrameType(type: string): type is ClientFrameType {
  return Object.hasOwn(CLIENT_FRAME_SCHEMAS, type);
}
