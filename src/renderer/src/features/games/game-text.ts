/**
 * What games say to people: cell names for screen readers, whose turn it is, results, the
 * countdowns, announcements of moves, and refusals in words. Pure: the components and the
 * tests read the same sentences.
 */
import type { GameInfo } from '../../../../shared/api/features/games.ts';
import { errorCode, errorMessage } from '../../lib/describe-error.ts';
import { cellPosition } from '../../../../shared/games/tic-tac-toe.ts';
import { describeResult, gameResult } from '../../../../shared/games/results.ts';

type Side = 'x' | 'o';
export const sideLabel = (side: Side): string => side.toUpperCase();

/** "Row 1, column 2, empty" / "Row 3, column 1, X". */
export function cellLabel(cell: number, content: Side | null): string {
  const { row, column } = cellPosition(cell);
  return `Row ${row}, column ${column}, ${content === null ? 'empty' : sideLabel(content)}`;
}

/** The side `user` plays in `game`, or null for a spectator. */
export function sideOf(game: GameInfo, user: string | null): Side | null {
  if (user === null) return null;
  if (game.players.x.id === user) return 'x';
  if (game.players.o.id === user) return 'o';
  return null;
}

/** The other person of the invitation, seen from the inviter or the invitee. */
const nameOf = (game: GameInfo, user: string): string =>
  game.players.x.id === user ? game.players.x.name : game.players.o.name;

/** "m:ss" for a countdown (never negative). */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The toast an invitee gets. */
export function invitationNotice(game: GameInfo, roomTitle: string | null): string {
  const where = roomTitle === null ? '' : ` in #${roomTitle}`;
  return `${nameOf(game, game.inviter)} challenged you to tic-tac-toe${where}`;
}

/** The invitation's line: "Ada challenged Bob · Ada plays X". */
export function invitationText(game: GameInfo, selfId: string | null): string {
  const inviter = game.inviter === selfId ? 'You' : nameOf(game, game.inviter);
  const invitee = game.invitee === selfId ? 'you' : nameOf(game, game.invitee);
  const inviterSide = sideOf(game, game.inviter) ?? 'x';
  const plays = game.inviter === selfId ? 'you play' : `${nameOf(game, game.inviter)} plays`;
  const random = game.sideChoice === 'random' ? ' (drawn at random)' : '';
  return `${inviter} challenged ${invitee} · ${plays} ${sideLabel(inviterSide)}${random}`;
}

/** Whose turn it is, from `selfId`'s point of view: "Your turn (X)", "Bob's turn (O)". */
export function turnText(game: GameInfo, selfId: string | null): string {
  if (game.turn === null) return '';
  const player = game.players[game.turn];
  return player.id === selfId
    ? `Your turn (${sideLabel(game.turn)})`
    : `${player.name}’s turn (${sideLabel(game.turn)})`;
}

/** The result line of an ended game: "Ada won as X in 7 moves", "Draw", … */
export function resultText(game: GameInfo): string {
  const result = gameResult(game);
  return result === null ? '' : describeResult(result);
}

/**
 * What a screen reader hears when the game changes: the last move and whose turn it is now, or
 * the result. "Bob played O at row 2, column 2. Your turn (X)."
 */
export function announcement(game: GameInfo, selfId: string | null): string {
  const parts: string[] = [];
  const last = game.moves.at(-1);
  if (last !== undefined) {
    const side: Side = game.moves.length % 2 === 1 ? 'x' : 'o';
    const { row, column } = cellPosition(last);
    const who = game.players[side].id === selfId ? 'You' : game.players[side].name;
    parts.push(`${who} played ${sideLabel(side)} at row ${row}, column ${column}.`);
  }
  if (game.status === 'active') {
    if (game.moves.length === 0) parts.push('The game started.');
    parts.push(`${turnText(game, selfId)}.`);
  } else if (game.status === 'invited') {
    parts.push(`${invitationText(game, selfId)}.`);
  } else {
    parts.push(`${resultText(game)}.`);
  }
  return parts.join(' ');
}

/** "Bob is away" (the card adds their clock: "Forfeits in 0:42", or paused). */
export function awayText(game: GameInfo, user: string, selfId: string | null): string {
  return user === selfId ? 'You are away' : `${nameOf(game, user)} is away`;
}

/** A refused game call, in words. */
export function describeGameError(error: unknown): string {
  switch (errorCode(error)) {
    case 'game_busy':
      return 'One of you is already playing (or has an open challenge) in this room.';
    case 'game_opponent_invalid':
      return 'That person is not in the room any more.';
    case 'game_not_your_turn':
      return 'It is not your turn.';
    case 'game_cell_taken':
      return 'That cell is already taken.';
    case 'game_stale_move':
      return 'The board changed before your move arrived; it was not played.';
    case 'game_over':
      return 'The game has already ended.';
    case 'game_not_pending':
      return 'The invitation was already answered, withdrawn or has expired.';
    case 'game_not_player':
      return 'Only the two players can do that.';
    case 'game_not_found':
      return 'That game is not in this room any more.';
    case 'not_connected':
    case 'closed':
    case 'disconnected':
      return 'Not connected to the server.';
    default:
      return errorMessage(error);
  }
}
