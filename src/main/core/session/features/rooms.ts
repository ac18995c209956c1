/** Rooms on a server: list (a page at a time), create, join (with catch-up after `since`), leave. */
import type { ParleyApiCalls } from '../../../../shared/api/contract.ts';
import type { SessionContext } from './context.ts';
import { roomJoinedForGames } from './games.ts';

export function roomCalls(
  ctx: SessionContext,
): Pick<ParleyApiCalls, 'listRooms' | 'createRoom' | 'joinRoom' | 'leaveRoom'> {
  return {
    /** A page at a time: the renderer asks for more (or searches) rather than for every room. */
    listRooms: (key, options = {}) => ctx.request(key, (client) => client.listRooms(options)),
    createRoom: (key, room) =>
      ctx.request(key, async (client) => (await client.createRoom(room.name, room.topic)).room),
    /** With `since`, every message after it arrives as a `message` event before this resolves. */
    joinRoom: async (key, room, options) => {
      const joined = await ctx.request(key, (client) =>
        client.joinRoom(room, options === undefined ? {} : { since: options.since }),
      );
      roomJoinedForGames(ctx, key, room); // the room's games follow as `roomGames`
      return joined;
    },
    leaveRoom: (key, room) => ctx.request(key, (client) => client.leaveRoom(room)),
  };
}
