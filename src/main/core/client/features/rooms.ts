/** Rooms: create, list, join (with catch-up), leave, members. */
import type { RequestResults } from '../../../../shared/protocol/server-frames.ts';
import type { ClientContext } from './context.ts';

export interface JoinOptions {
  /** Page size of the returned history. */
  limit?: number;
  /** Also emit every message after this seq as a `message` event (in order, once). */
  since?: number;
}

export function roomMethods(ctx: ClientContext) {
  return {
    createRoom(name: string, topic?: string): Promise<RequestResults['room_create']> {
      return ctx.request('room_create', topic === undefined ? { name } : { name, topic });
    },

    listRooms(): Promise<RequestResults['room_list']> {
      return ctx.request('room_list', {});
    },

    /**
     * Joins a room and returns its latest page of history; the room is rejoined after reconnects.
     * With `since`, resolves once every message after it was emitted.
     */
    async joinRoom(room: string, options: JoinOptions = {}): Promise<RequestResults['room_join']> {
      let caughtUp: Promise<void> | undefined;
      const args = options.limit === undefined ? { room } : { room, limit: options.limit };
      // Tracked as the reply is read, so that a live message right behind it is not missed.
      const result = await ctx.request('room_join', args, (reply) => {
        caughtUp = ctx.catchUp.joined(room, reply, options.since);
      });
      await caughtUp;
      return result;
    },

    async leaveRoom(room: string): Promise<void> {
      ctx.catchUp.left(room);
      await ctx.request('room_leave', { room });
    },

    members(room: string): Promise<RequestResults['room_members']> {
      return ctx.request('room_members', { room });
    },
  };
}

export type RoomMethods = ReturnType<typeof roomMethods>;
