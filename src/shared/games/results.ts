/**
 * What finished games mean to people: the result of one game ("Ada won as X in 7 moves") as
 * data, and a room's scoreboard (wins, draws, losses per person) derived from its stored games.
 * The server answers `game_scores` with `scoreboard`; the UI words results from `gameResult`.
 */
import type { Game, PlayerRef } from './game-machine.ts';
import { isScoredGame } from './game-machine.ts';

type AnyGame = Game<unknown, unknown, string>;

/** One ended game, as a sentence needs it. `moves` counts both players' moves. */
export type GameResult<Side extends string> =
  | {
      /** won (a line), resigned (the loser gave up), forfeited (the loser's reconnect clock ran out). */
      status: 'won' | 'resigned' | 'forfeited';
      winner: PlayerRef & { side: Side };
      loser: PlayerRef & { side: Side };
      moves: number;
      /** The winning line's cells (won only), else null. */
      line: number[] | null;
    }
  | { status: 'draw'; moves: number }
  /** Ended without a result: no first move in time, declined or withdrawn (`by`), or not answered. */
  | { status: 'abandoned' | 'declined' | 'expired'; moves: number; by: string | null };

/** The result of an ended game, or null while it is open. */
export function gameResult<Side extends string>(game: Game<unknown, unknown, Side>): GameResult<Side> | null {
  const moves = game.moves.length;
  switch (game.status) {
    case 'invited':
    case 'active':
      return null;
    case 'draw':
      return { status: 'draw', moves };
    case 'abandoned':
    case 'declined':
    case 'expired':
      return { status: game.status, moves, by: game.endedBy };
    case 'won':
    case 'resigned':
    case 'forfeited': {
      const winnerSide = game.winner;
      if (winnerSide === null) return null; // not a state the machine produces
      const loserSide = (Object.keys(game.players) as Side[]).find((side) => side !== winnerSide);
      if (loserSide === undefined) return null;
      return {
        status: game.status,
        winner: { ...game.players[winnerSide], side: winnerSide },
        loser: { ...game.players[loserSide], side: loserSide },
        moves,
        line: game.line,
      };
    }
  }
}

/** Plain English for a result ("Ada won as X in 7 moves", "Draw"): logs, tests, a fallback label. */
export function describeResult(result: GameResult<string>): string {
  const side = (s: string) => s.toUpperCase();
  const plural = (n: number) => `${n} move${n === 1 ? '' : 's'}`;
  switch (result.status) {
    case 'won':
      return `${result.winner.name} won as ${side(result.winner.side)} in ${plural(result.moves)}`;
    case 'resigned':
      return `${result.loser.name} resigned; ${result.winner.name} won as ${side(result.winner.side)}`;
    case 'forfeited':
      return `${result.loser.name} did not come back in time; ${result.winner.name} won as ${side(result.winner.side)}`;
    case 'draw':
      return 'Draw';
    case 'abandoned':
      return 'Abandoned: no first move in time';
    case 'declined':
      return 'Declined';
    case 'expired':
      return 'Invitation expired';
  }
}

/** One person's line of a room's scoreboard. */
export interface ScoreRow {
  /** The name is the one of their most recently ended game. */
  user: PlayerRef;
  wins: number;
  draws: number;
  losses: number;
}

/**
 * The scoreboard of a set of games (a room's): only won, draw, resigned and forfeited games count
 * (abandoned, declined and expired ones have no result). Order: most wins, then fewest losses,
 * then most draws, then name, then id (a total order, so every server answers the same).
 */
export function scoreboard(games: readonly AnyGame[]): ScoreRow[] {
  const rows = new Map<string, ScoreRow & { lastEnded: number }>();
  const row = (player: PlayerRef, endedAt: number) => {
    let entry = rows.get(player.id);
    if (!entry) {
      entry = { user: { ...player }, wins: 0, draws: 0, losses: 0, lastEnded: endedAt };
      rows.set(player.id, entry);
    } else if (endedAt >= entry.lastEnded) {
      entry.user = { ...player };
      entry.lastEnded = endedAt;
    }
    return entry;
  };
  for (const game of games) {
    if (!isScoredGame(game)) continue;
    const endedAt = game.endedAt ?? 0;
    for (const [side, player] of Object.entries(game.players)) {
      const entry = row(player, endedAt);
      if (game.status === 'draw') entry.draws += 1;
      else if (game.winner === side) entry.wins += 1;
      else entry.losses += 1;
    }
  }
  return [...rows.values()]
    .map(({ user, wins, draws, losses }) => ({ user, wins, draws, losses }))
    .sort(
      (a, b) =>
        b.wins - a.wins ||
        a.losses - b.losses ||
        b.draws - a.draws ||
        byCodeUnits(a.user.name, b.user.name) ||
        byCodeUnits(a.user.id, b.user.id),
    );
}

/** Not localeCompare: the order must not depend on the machine's locale. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
