/**
 * Games in rooms (docs/PROTOCOL.md, the Games section): tic-tac-toe today, built on the
 * kind-neutral state machine of src/shared/games/ (game-machine.ts).
 *
 * The server is the only judge. Every request names its room (the dispatcher's `member` access:
 * the room exists and the sender joined it) and, but for the invitation, its game. Every change
 * to a game is pushed to every member of the room as one `game` event carrying the game's whole
 * public state (`GameInfo`), the sender included: a client that missed an event is put right by
 * the next one, and of two copies it keeps the one with the higher `version`. Members who join
 * later ask `game_list` (the open games and a page of ended ones) and `game_scores`.
 *
 *   game_invite {room, opponent, side}   → {game}   (status invited; everyone gets `game`)
 *   game_accept / game_decline {room, game}          (the invitee; decline by the inviter withdraws)
 *   game_move {room, game, cell, move}   → {game}   (`move` is the move number the sender expects)
 *   game_resign {room, game}, game_rematch {room, game} (a new invitation, sides swapped)
 *   game_list {room, before?, limit?}    → {open, ended, hasMore, next?, serverTime}
 *   game_scores {room}                   → {scores}
 */
import { z } from 'zod';
import { GAME_KINDS } from '../../games/game-rules.ts';
import type { GameRefusalCode } from '../../games/game-machine.ts';
import type { ScoreRow } from '../../games/results.ts';
import { TTT_CELLS, type TttGame } from '../../games/tic-tac-toe.ts';
import type { ErrorCode } from '../error-codes.ts';
import { entityId, requestId } from '../fields.ts';

/** Ended games per `game_list` page: the default and the most one request may ask for. */
export const DEFAULT_GAME_PAGE = 20;
export const MAX_GAME_PAGE = 100;
/** Rows `game_scores` answers at most (the top of the order in results.ts). */
export const MAX_SCORE_ROWS = 100;

/** A game as the wire carries it: the machine's state, unchanged (see game-machine.ts `Game`). */
export type GameInfo = TttGame;
export type { ScoreRow };

const gameRef = { id: requestId, room: entityId, game: entityId };

/**
 * Invite a member of the room to a game. `side` is what the inviter wants to play: `x` (moves
 * first), `o`, or `random` (the server decides with its random source). `kind` defaults to `ttt`.
 */
export const gameInviteFrame = z.object({
  type: z.literal('game_invite'),
  id: requestId,
  room: entityId,
  kind: z.enum(GAME_KINDS).default('ttt'),
  /** User id of the opponent: a current member of the room, not oneself. */
  opponent: entityId,
  side: z.enum(['x', 'o', 'random']),
});

/** The invitee takes the invitation: the game becomes active, X to move. */
export const gameAcceptFrame = z.object({ type: z.literal('game_accept'), ...gameRef });
/** The invitee declines, or the inviter withdraws the invitation: status `declined`. */
export const gameDeclineFrame = z.object({ type: z.literal('game_decline'), ...gameRef });

/**
 * Play a cell. `move` is the number of the move the sender means (1 for X's first, up to 9): the
 * game's `nextMove`. Any other number is refused `game_stale_move`, so a duplicate (a resend
 * after a reconnect) or a move made on an outdated board is never applied.
 */
export const gameMoveFrame = z.object({
  type: z.literal('game_move'),
  ...gameRef,
  /** 0–8 in reading order: row ⌊cell / 3⌋ + 1, column cell mod 3 + 1. */
  cell: z
    .number()
    .int()
    .min(0)
    .max(TTT_CELLS - 1),
  move: z.number().int().min(1).max(TTT_CELLS),
});

/** Give up an active game: the other player wins (status `resigned`). */
export const gameResignFrame = z.object({ type: z.literal('game_resign'), ...gameRef });

/**
 * After a game ended, either player invites the other to a new game with the sides swapped.
 * If the other player already sent a rematch of this game that is still open, this accepts it.
 */
export const gameRematchFrame = z.object({ type: z.literal('game_rematch'), ...gameRef });

/**
 * The room's games: every open one (invited or active), and one page of ended ones, newest
 * first. Without `before` the newest page; `before` is the `next` of the previous page (then
 * `open` is empty: the open games came with the first page).
 */
export const gameListFrame = z.object({
  type: z.literal('game_list'),
  id: requestId,
  room: entityId,
  before: entityId.optional(),
  limit: z.number().int().min(1).max(MAX_GAME_PAGE).optional(),
});

/** The room's scoreboard from every stored game of the room. */
export const gameScoresFrame = z.object({ type: z.literal('game_scores'), id: requestId, room: entityId });

export const GAME_REQUESTS = {
  game_invite: gameInviteFrame,
  game_accept: gameAcceptFrame,
  game_decline: gameDeclineFrame,
  game_move: gameMoveFrame,
  game_resign: gameResignFrame,
  game_rematch: gameRematchFrame,
  game_list: gameListFrame,
  game_scores: gameScoresFrame,
} as const;

/** A page of a room's games (`game_list`). */
export interface GamePage {
  /** Every open game of the room (first page only; [] when `before` was given). */
  open: GameInfo[];
  /** Ended games, newest ended first. */
  ended: GameInfo[];
  hasMore: boolean;
  /** Present when `hasMore`: the `before` of the next page. */
  next?: string;
  /** The server's clock now (ms since the Unix epoch): to show deadlines as countdowns. */
  serverTime: number;
}

export interface GameResults {
  game_invite: { game: GameInfo };
  game_accept: { game: GameInfo };
  game_decline: { game: GameInfo };
  game_move: { game: GameInfo };
  game_resign: { game: GameInfo };
  game_rematch: { game: GameInfo };
  game_list: GamePage;
  game_scores: { scores: ScoreRow[] };
}

/** A game was created or changed: sent to every member of its room (the requester too). */
export interface GameEvent {
  type: 'game';
  game: GameInfo;
  /** The server's clock when it sent this: deadlines minus this are the countdowns. */
  serverTime: number;
}

/** Error codes of this feature (error-codes.ts has their meanings). */
export type GameErrorCode = Exclude<GameRefusalCode, 'game_not_due'> | 'game_not_found';

// Compile-time check: every refusal the machine can send is a wire error code.
const gameCodesAreErrorCodes: GameErrorCode extends ErrorCode ? true : false = true;
void gameCodesAreErrorCodes;
