/**
 * Games in rooms (tic-tac-toe today): the calls the UI makes and the events it gets. Each call
 * is one request of src/shared/protocol/features/games.ts on that server and resolves with the
 * game as the server answered it (or rejects with its code: game_not_your_turn, game_stale_move,
 * …). Every change to a game of a room we are in also arrives as a `gameChanged` event, for the
 * player who made it too: the UI can draw from events alone and use the results only to learn a
 * new game's id. Of two copies of a game keep the higher `version`.
 */
import { z } from 'zod';
import type { GameInfo, GamePage, ScoreRow } from '../../protocol/server-frames.ts';
import { TTT_CELLS } from '../../games/tic-tac-toe.ts';
import { entityId, serverKey } from './fields.ts';

export type { GameInfo, GamePage, ScoreRow };

const cell = z
  .number()
  .int()
  .min(0)
  .max(TTT_CELLS - 1);
const moveNumber = z.number().int().min(1).max(TTT_CELLS);

export const GAME_ARGS = {
  /** Invites `opponent` (a user id, a member of the room) to tic-tac-toe; `side` is the inviter's. */
  inviteGame: z.tuple([serverKey, entityId, entityId, z.enum(['x', 'o', 'random'])]),
  /** The invitee accepts (server, room, game). */
  acceptGame: z.tuple([serverKey, entityId, entityId]),
  /** The invitee declines, or the inviter withdraws (server, room, game). */
  declineGame: z.tuple([serverKey, entityId, entityId]),
  /** Plays `cell` (0–8) as move number `move` (the game's `nextMove`) (server, room, game, cell, move). */
  playMove: z.tuple([serverKey, entityId, entityId, cell, moveNumber]),
  resignGame: z.tuple([serverKey, entityId, entityId]),
  /** Invites the other player of an ended game again, sides swapped (or accepts their rematch). */
  rematchGame: z.tuple([serverKey, entityId, entityId]),
  /** The room's open games and a page of ended ones; `before` is the previous page's `next`. */
  listGames: z.tuple([serverKey, entityId, z.object({ before: entityId }).strict().optional()]),
  /** The room's scoreboard (wins, draws, losses per person). */
  gameScores: z.tuple([serverKey, entityId]),
} as const;

export interface GameResults {
  inviteGame: GameInfo;
  acceptGame: GameInfo;
  declineGame: GameInfo;
  playMove: GameInfo;
  resignGame: GameInfo;
  rematchGame: GameInfo;
  listGames: GamePage;
  gameScores: ScoreRow[];
}

export interface GameEvents {
  /**
   * A game of a room we are in was created or changed (the server's `game` event).
   * `serverTime` is the server's clock when it was sent: a deadline's countdown is
   * `deadline − serverTime` from the moment the event arrived.
   */
  gameChanged: { server: string; room: string; game: GameInfo; serverTime: number };
  /**
   * The room's games as the server listed them when the session (re)joined the room after a
   * reconnect: they replace what the UI had (games may have changed or ended while we were away).
   */
  roomGames: { server: string; room: string; page: GamePage };
}
