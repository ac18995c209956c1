/**
 * Tic-tac-toe's rules through the machine: every winning line for both sides, a draw, the board
 * and turn after each move, moves after the end, and cell geometry.
 */
import { describe, expect, it } from 'vitest';
import { boardOf, cellPosition, tttOutcome, tttRules, WINNING_LINES } from '../../src/shared/games/tic-tac-toe.ts';
import { ADA, BOB, machine, move, play, started, T0 } from './support.ts';

/** A game in which `winner` completes `line` and the loser never does, ending on the winning move. */
function movesWinning(line: readonly number[], winner: 'x' | 'o'): number[] {
  const rest = [0, 1, 2, 3, 4, 5, 6, 7, 8].filter((c) => !line.includes(c));
  // The loser's cells: pick ones that cannot complete a line among themselves before the end.
  for (const fillers of combinations(rest, winner === 'x' ? 2 : 3)) {
    const moves: number[] = [];
    const mine = [...line];
    const theirs = [...fillers];
    if (winner === 'o') moves.push(theirs.shift()!);
    while (mine.length > 0) {
      moves.push(mine.shift()!);
      if (mine.length > 0 || winner === 'o') {
        const t = theirs.shift();
        if (t !== undefined && mine.length > 0) moves.push(t);
      }
    }
    const outcome = tttOutcome(boardOf(moves));
    const earlier = moves.slice(0, -1);
    if (outcome?.winner === winner && tttOutcome(boardOf(earlier)) === null) return moves;
  }
  throw new Error('no sequence found');
}

function combinations<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  return items.flatMap((item, i) => combinations(items.slice(i + 1), k - 1).map((rest) => [item, ...rest]));
}

describe('tic-tac-toe rules', () => {
  it('has exactly the eight lines of a 3 × 3 board', () => {
    expect(WINNING_LINES).toHaveLength(8);
    const keys = new Set(WINNING_LINES.map((l) => l.join()));
    expect(keys).toEqual(new Set(['0,1,2', '3,4,5', '6,7,8', '0,3,6', '1,4,7', '2,5,8', '0,4,8', '2,4,6']));
  });

  for (const line of WINNING_LINES) {
    for (const winner of ['x', 'o'] as const) {
      it(`${winner.toUpperCase()} wins with ${line.join('-')}, and the line is reported`, () => {
        const cells = movesWinning(line, winner);
        const game = play(started(), cells);
        expect(game.status).toBe('won');
        expect(game.winner).toBe(winner);
        expect(game.line).toEqual([...line]);
        expect(game.turn).toBeNull();
        expect(game.moves).toEqual(cells);
        expect(game.endedAt).toBe(T0 + 2000 + (cells.length - 1) * 1000);
      });
    }
  }

  it('a win on the ninth move is a win, not a draw', () => {
    // X completes 0-4-8 with the last cell of a full board.
    const cells = [0, 1, 2, 3, 4, 5, 7, 6, 8];
    const board = boardOf(cells);
    expect(board.every((c) => c !== null)).toBe(true);
    const outcome = tttOutcome(board);
    expect(outcome).toEqual({ winner: 'x', line: [0, 4, 8] });
    const game = play(started(), cells.slice(0, 8));
    expect(game.status).toBe('active');
    const end = play(game, [8], T0 + 20_000);
    expect(end.status).toBe('won');
    expect(end.line).toEqual([0, 4, 8]);
  });

  it('a full board without a line is a draw', () => {
    const cells = [0, 4, 8, 1, 7, 6, 2, 5, 3];
    const game = play(started(), cells);
    expect(game.status).toBe('draw');
    expect(game.winner).toBeNull();
    expect(game.line).toBeNull();
    expect(game.board).toEqual(['x', 'o', 'x', 'x', 'o', 'o', 'o', 'x', 'x']);
  });

  it('tracks board, turn and the next move number after each move', () => {
    let game = started();
    expect(game.turn).toBe('x');
    expect(game.nextMove).toBe(1);
    expect(game.board).toEqual(Array(9).fill(null));
    game = play(game, [4]);
    expect(game.board[4]).toBe('x');
    expect(game.turn).toBe('o');
    expect(game.nextMove).toBe(2);
    game = play(game, [0], T0 + 5000);
    expect(game.board[0]).toBe('o');
    expect(game.turn).toBe('x');
    expect(game.nextMove).toBe(3);
    expect(game.moves).toEqual([4, 0]);
  });

  it('refuses any move after the end, by either player, changing nothing', () => {
    const won = play(started(), [0, 3, 1, 4, 2]);
    for (const by of [ADA.id, BOB.id]) {
      for (const moveNumber of [won.nextMove, 1, 5]) {
        const r = machine.apply(won, move(by, 8, moveNumber, T0 + 60_000));
        expect(r).toEqual({ ok: false, code: 'game_over' });
      }
    }
    const drawn = play(started(), [0, 4, 8, 1, 7, 6, 2, 5, 3]);
    expect(machine.apply(drawn, move(BOB.id, 0, 10, T0 + 60_000))).toEqual({ ok: false, code: 'game_over' });
  });

  it('refuses a taken cell', () => {
    const game = play(started(), [4]);
    expect(machine.apply(game, move(BOB.id, 4, 2, T0 + 9000))).toEqual({ ok: false, code: 'game_cell_taken' });
    expect(tttRules.play(game.board, 'o', 4)).toEqual({ ok: false, code: 'game_cell_taken' });
    expect(tttRules.play(game.board, 'o', 9)).toEqual({ ok: false, code: 'game_cell_taken' });
    expect(tttRules.play(game.board, 'o', 1.5)).toEqual({ ok: false, code: 'game_cell_taken' });
  });

  it('names rows and columns from 1', () => {
    expect(cellPosition(0)).toEqual({ row: 1, column: 1 });
    expect(cellPosition(1)).toEqual({ row: 1, column: 2 });
    expect(cellPosition(5)).toEqual({ row: 2, column: 3 });
    expect(cellPosition(8)).toEqual({ row: 3, column: 3 });
  });
});
