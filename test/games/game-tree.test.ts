/**
 * The full game tree of tic-tac-toe, played through the state machine: every one of the 255,168
 * possible games (every order of moves until a win or a full board) ends with the result an
 * independent judge computes, the machine refuses a further move in each, and the totals are the
 * known ones (X wins 131,184, O wins 77,904, draws 46,080). At every position the machine also
 * offers exactly the empty cells: a taken one is refused.
 */
import { expect, it } from 'vitest';
import type { TttGame } from '../../src/shared/games/tic-tac-toe.ts';
import { BOB, machine, move, started, T0 } from './support.ts';

/** Three in a row by coordinates, written without the module's WINNING_LINES. */
function judge(board: readonly (string | null)[]): 'x' | 'o' | 'draw' | null {
  const at = (r: number, c: number) => board[r * 3 + c];
  const lines: (string | null | undefined)[][] = [];
  for (let i = 0; i < 3; i++) {
    lines.push([at(i, 0), at(i, 1), at(i, 2)], [at(0, i), at(1, i), at(2, i)]);
  }
  lines.push([at(0, 0), at(1, 1), at(2, 2)], [at(0, 2), at(1, 1), at(2, 0)]);
  for (const [a, b, c] of lines) if (a && a === b && b === c) return a as 'x' | 'o';
  return board.every((cell) => cell !== null) ? 'draw' : null;
}

it('plays all 255,168 games to the right result', () => {
  const counts = { x: 0, o: 0, draw: 0 };
  const byLength = new Map<number, number>();
  let positions = 0;
  let refusedTaken = 0;

  const visit = (game: TttGame, now: number): void => {
    positions += 1;
    const mover = game.players[game.turn!].id;
    for (let cell = 0; cell < 9; cell++) {
      if (game.board[cell] !== null) {
        const refused = machine.apply(game, move(mover, cell, game.nextMove, now));
        if (refused.ok || refused.code !== 'game_cell_taken') throw new Error(`taken cell ${cell} played`);
        refusedTaken += 1;
        continue;
      }
      const r = machine.apply(game, move(mover, cell, game.nextMove, now));
      if (!r.ok) throw new Error(`move ${cell} refused: ${r.code}`);
      const next = r.game;
      const verdict = judge(next.board);
      if (verdict === null) {
        if (next.status !== 'active') throw new Error(`ended early: ${next.moves.join()}`);
        visit(next, now + 1);
        continue;
      }
      if (verdict === 'draw') {
        if (next.status !== 'draw' || next.winner !== null) throw new Error(`not a draw: ${next.moves.join()}`);
      } else if (next.status !== 'won' || next.winner !== verdict || next.line?.length !== 3) {
        throw new Error(`wrong win: ${next.moves.join()}`);
      } else if (!next.line.every((c) => next.board[c] === verdict)) {
        throw new Error(`wrong line: ${next.moves.join()}`);
      }
      const after = machine.apply(next, move(BOB.id, 0, next.nextMove, now + 1));
      if (after.ok || after.code !== 'game_over') throw new Error(`a move after the end: ${next.moves.join()}`);
      counts[verdict] += 1;
      byLength.set(next.moves.length, (byLength.get(next.moves.length) ?? 0) + 1);
    }
  };

  visit(started(), T0 + 2000);

  expect(counts).toEqual({ x: 131_184, o: 77_904, draw: 46_080 });
  expect(counts.x + counts.o + counts.draw).toBe(255_168);
  // Games by length: wins need at least 5 moves; the known distribution of game lengths.
  expect(Object.fromEntries(byLength)).toEqual({ 5: 1440, 6: 5328, 7: 47_952, 8: 72_576, 9: 127_872 });
  expect(positions).toBe(294_778); // non-terminal positions, the empty board included
  // Every non-terminal position after k moves has k taken cells: Σ k over positions.
  expect(refusedTaken).toBeGreaterThan(positions);
});
