/**
 * Games in rooms (src/shared/api/features/games.ts): each call is one `game_*` request on that
 * server (client/features/games.ts) and resolves with the game as the server answered it; a
 * refusal rejects with the server's code (game_not_your_turn, game_stale_move, …).
 *
 * Events: every `game` event of the server becomes `gameChanged`. Whenever the session (re)joins
 * a room — the UI's joinRoom, or the client's rejoin after a reconnect — it lists the room's games
 * and emits `roomGames`, because games may have changed or ended while nobody told us (the
 * events of a room we were not in, or of a connection that was down, are not replayed).
 */
import type { ParleyApiCalls } from '../../../../shared/api/contract.ts';
import { hasCode } from '../../client/errors.ts';
import type { ParleyClient } from '../../client/parley-client.ts';
import type { Emit } from '../server-events.ts';
import type { SessionContext } from './context.ts';

type GameCallName =
  'inviteGame' | 'acceptGame' | 'declineGame' | 'playMove' | 'resignGame' | 'rematchGame' | 'listGames' | 'gameScores';

export function gameCalls(ctx: SessionContext): Pick<ParleyApiCalls, GameCallName> {
  return {
    inviteGame: (key, room, opponent, side) => ctx.request(key, (client) => client.inviteGame(room, opponent, side)),
    acceptGame: (key, room, game) => ctx.request(key, (client) => client.acceptGame(room, game)),
    declineGame: (key, room, game) => ctx.request(key, (client) => client.declineGame(room, game)),
    playMove: (key, room, game, cell, move) => ctx.request(key, (client) => client.playMove(room, game, cell, move)),
    resignGame: (key, room, game) => ctx.request(key, (client) => client.resignGame(room, game)),
    rematchGame: (key, room, game) => ctx.request(key, (client) => client.rematchGame(room, game)),
    listGames: (key, room, page) =>
      ctx.request(key, (client) => client.listGames(room, page === undefined ? {} : { before: page.before })),
    gameScores: (key, room) => ctx.request(key, (client) => client.gameScores(room)),
  };
}

/**
 * Re-emits one server's games as contract events: every `game` event as `gameChanged`, and the
 * room's games as `roomGames` after each room the client rejoined on a reconnect (its `members`
 * event). `live` turns false once the session dropped the client.
 */
export function forwardGameEvents(client: ParleyClient, server: string, emit: Emit, live: () => boolean): void {
  client.on(
    'game',
    (e) => live() && emit('gameChanged', { server, room: e.game.room, game: e.game, serverTime: e.serverTime }),
  );
  client.on('members', (e) => live() && emitRoomGames(client, server, e.room, emit, live));
}

/** After the UI joined a room on a connected server: its games as `roomGames`. */
export function roomJoinedForGames(ctx: SessionContext, key: string, room: string): void {
  const entry = ctx.live.get(key);
  if (entry) emitRoomGames(entry.client, key, room, ctx.emit, () => !entry.dropped);
}

/** Times a listing refused `rate_limited` is tried again (a resume rejoins every room at once). */
const RATE_LIMITED_RETRIES = 5;

/**
 * Lists the room's games and emits them as `roomGames`, from the reply as it is read (so a `game`
 * event behind it is emitted after it and applies on top). Nothing is emitted if the list fails,
 * and that is no error for the UI: a server without games answers `unknown_type`, a connection
 * that drops meanwhile lists again when it rejoins, and the next `game` event carries a whole
 * game anyway. `rate_limited` (a resume of many rooms) is waited out, as the catch-up does.
 */
function emitRoomGames(client: ParleyClient, server: string, room: string, emit: Emit, live: () => boolean): void {
  const list = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.listGames(room, {}, (page) => {
          if (live()) emit('roomGames', { server, room, page });
        });
        return;
      } catch (error) {
        if (!hasCode(error, 'rate_limited') || attempt > RATE_LIMITED_RETRIES || !live()) return;
        const perSecond = client.welcome?.limits.ratePerSecond ?? 1;
        await new Promise((wake) => setTimeout(wake, attempt * Math.max(50, 1000 / perSecond)));
      }
    }
  };
  void list();
}
