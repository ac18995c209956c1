/**
 * What request handlers and feature hooks may use: configuration, the store, the log, who is
 * online, the live rooms and the fan-out. Features get this, never the RoomServer itself.
 */
import type { RoomInfo, UserRef, WelcomeFrame } from '../../../shared/protocol/server-frames.ts';
import type { Uploads } from '../files/uploads.ts';
import type { HistoryStore } from '../store/history-store.ts';
import type { Connection, ConnectedUser } from './connection.ts';
import type { Fanout } from './fanout.ts';
import type { Logger } from './logger.ts';
import type { Presence } from './presence.ts';
import type { ServerConfig } from './server-config.ts';

/** A room as the running server holds it: the stored row plus who is in it now. */
export interface LiveRoom {
  id: string;
  name: string;
  topic: string;
  /** The user id of its creator (checked by the dispatcher's 'owner' access). */
  createdBy: string;
  lastSeq: number;
  lastTs: number;
  members: Set<Connection>;
}

export type LeaveReason = 'left' | 'disconnected';

/** The welcome's share of the room list: its first rooms, whether there are more, how many in all. */
export type WelcomeRoomsSource = () => Pick<WelcomeFrame, 'rooms' | 'roomsHasMore' | 'roomCount'>;

export interface ServerContext {
  readonly config: ServerConfig;
  readonly store: HistoryStore;
  readonly log: Logger;
  /** Stable id of this server's data folder. */
  readonly serverId: string;
  readonly presence: Presence;
  readonly rooms: Map<string, LiveRoom>;
  readonly fanout: Fanout;
  /** Files: uploads, quota, the bytes on disk (../files/). */
  readonly uploads: Uploads;
  /** The port of the transfer thread's listener (welcome.limits.files.transferPort). */
  transferPort(): number;
  /** Tells every feature's onLeave hook that `connection` left `room` (the rooms feature calls it). */
  notifyLeave(room: LiveRoom, connection: Connection, user: ConnectedUser, reason: LeaveReason): void;
  /** The number of rooms changed (LAN discovery republishes it). */
  roomsChanged(): void;
}

export function roomInfo(room: LiveRoom): RoomInfo {
  return {
    id: room.id,
    name: room.name,
    topic: room.topic,
    members: room.members.size,
    lastSeq: room.lastSeq,
    lastActivity: room.lastTs,
  };
}

export function userRef(user: ConnectedUser): UserRef {
  return { id: user.id, name: user.name };
}

/**
 * Marks the connection's user as one to keep once offline (it did something: joined or created a
 * room, renamed). One store write per user at most.
 */
export function keepUser(context: ServerContext, user: ConnectedUser): void {
  if (user.kept) return;
  context.store.keepUser(user.id);
  user.kept = true;
}
