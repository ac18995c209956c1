/**
 * Games in rooms (docs/PROTOCOL.md, Games): one method per `game_*` request, typed from the
 * protocol registry. Every change to a game also arrives as the client's `game` event (for the
 * requester too), so a caller may draw from events alone; of two copies of a game keep the one
 * with the higher `version`.
 */
import type { GamePage, RequestResults, ScoreRow } from '../../../../shared/protocol/server-frames.ts';
import type { ClientContext } from './context.ts';

/** Which page of a room's ended games `listGames` asks for. */
export interface GameListOptions {
  /** The `next` of the previous page. */
  before?: string;
  /** Ended games per page (the server's default unless given). */
  limit?: number;
}

type GameResult = Promise<RequestResults['game_invite']['game']>;

export function gameMethods(ctx: ClientContext) {
  return {
    /** Invites `opponent` (a user id, a member of the room) to tic-tac-toe; `side` is ours. */
    async inviteGame(room: string, opponent: string, side: 'x' | 'o' | 'random'): GameResult {
      return (await ctx.request('game_invite', { room, kind: 'ttt', opponent, side })).game;
    },

    /** The invitee accepts: the game becomes active, X to move. */
    async acceptGame(room: string, game: string): GameResult {
      return (await ctx.request('game_accept', { room, game })).game;
    },

    /** The invitee declines, or the inviter withdraws the invitation. */
    async declineGame(room: string, game: string): GameResult {
      return (await ctx.request('game_decline', { room, game })).game;
    },

    /**
     * Plays `cell` (0–8) as move number `move`: the game's `nextMove` as we saw it. Resending the
     * same call after a lost connection is safe: a move already applied answers `game_stale_move`.
     */
    async playMove(room: string, game: string, cell: number, move: number): GameResult {
      return (await ctx.request('game_move', { room, game, cell, move })).game;
    },

    async resignGame(room: string, game: string): GameResult {
      return (await ctx.request('game_resign', { room, game })).game;
    },

    /** After a game ended: a new invitation with the sides swapped (or accepts the other's). */
    async rematchGame(room: string, game: string): GameResult {
      return (await ctx.request('game_rematch', { room, game })).game;
    },

    /**
     * The room's open games and a page of ended ones. `onPage` runs as the reply is read, before
     * any later frame: a `game` event right behind the page then applies on top of it.
     */
    listGames(room: string, options: GameListOptions = {}, onPage?: (page: GamePage) => void): Promise<GamePage> {
      const args: { room: string; before?: string; limit?: number } = { room };
      if (options.before !== undefined) args.before = options.before;
      if (options.limit !== undefined) args.limit = options.limit;
      return ctx.request('game_list', args, onPage);
    },

    /** The room's scoreboard: wins, draws and losses per person. */
    async gameScores(room: string): Promise<ScoreRow[]> {
      return (await ctx.request('game_scores', { room })).scores;
    },
  };
}

export type GameMethods = ReturnType<typeof gameMethods>;
