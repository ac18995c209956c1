/** Rooms: create, list, join (with catch-up), leave, members. */
import type { RequestResults } from '../../../../shared/protocol/server-frames.ts';
import type { ClientContext } from './context.ts';

export interface JoinOptions {
  /** Page size of the returned history. */
  limit?: number;
  /** Also emit every message after this seq as a `message` event (in order, once). */
  since?: number;
}

/** Which page of the room list: after the `next` of the previous one, only names containing `query`. */
export interface RoomListOptions {
  limit?: number;
  after?: string;
  query?: string;
}

export function roomMethods(ctx: ClientContext) {
  return {
    createRoom(name: string, topic?: string): Promise<RequestResults['room_create']> {
      return ctx.request('room_create', topic === undefined ? { name } : { name, topic });
    },

    /**
     * One page of the room list (the server's default size unless `limit`); `hasMore` and `next`
     * say how to ask for the following one. Servers before issue 9 send every room and no
     * `hasMore`: read as a last page.
     */
    async listRooms(options: RoomListOptions = {}): Promise<RequestResults['room_list']> {
      const args: RoomListOptions = {};
      if (options.limit !== undefined) args.limit = options.limit;
      if (options.after !== undefined) args.after = options.after;
      if (options.query !== undefined && options.query !== '') args.query = options.query;
      const page = await ctx.request('room_list', args);
      return page.hasMore === true ? page : { rooms: page.rooms, hasMore: false };
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
