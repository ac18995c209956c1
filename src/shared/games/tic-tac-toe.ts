/**
 * Tic-tac-toe's rules: a 3 × 3 board of cells 0–8 in reading order (row = ⌊cell / 3⌋, column =
 * cell mod 3), X moves first, three in a row wins, a full board without a line is a draw.
 */
import {
  createGameMachine,
  DEFAULT_GAME_TIMINGS,
  type Game,
  type GameMachine,
  type GameTimings,
} from './game-machine.ts';
import type { GameRules, Outcome } from './game-rules.ts';

export type TttSide = 'x' | 'o';
/** A cell: empty (null) or the side that played it. */
export type TttCell = TttSide | null;
/** Nine cells, index 0 top left … 8 bottom right. */
export type TttBoard = readonly TttCell[];
/** A move is the cell played. */
export type TttMove = number;

export const TTT_CELLS = 9;

/** The eight lines that win, each ascending: three rows, three columns, two diagonals. */
export const WINNING_LINES: readonly (readonly [number, number, number])[] = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
  [0, 3, 6],
  [1, 4, 7],
  [2, 5, 8],
  [0, 4, 8],
  [2, 4, 6],
];

export const isTttCell = (cell: number): boolean => Number.isInteger(cell) && cell >= 0 && cell < TTT_CELLS;

/** Row and column (both 1-based, as people count them) of a cell: "Row 1, column 2". */
export function cellPosition(cell: number): { row: number; column: number } {
  return { row: Math.floor(cell / 3) + 1, column: (cell % 3) + 1 };
}

/** The outcome of a board: the first winning line found, a draw when full, else null. */
export function tttOutcome(board: TttBoard): Outcome<TttSide> | null {
  for (const line of WINNING_LINES) {
    const [a, b, c] = line;
    const side = board[a];
    if (side && board[b] === side && board[c] === side) return { winner: side, line };
  }
  return board.every((cell) => cell !== null) ? { winner: null, draw: true } : null;
}

/** The board after these moves (cells in order, X first); moves are assumed valid (from a stored game). */
export function boardOf(moves: readonly number[]): TttBoard {
  const board: TttCell[] = Array<TttCell>(TTT_CELLS).fill(null);
  moves.forEach((cell, index) => {
    board[cell] = index % 2 === 0 ? 'x' : 'o';
  });
  return board;
}

export const tttRules: GameRules<TttBoard, TttMove, TttSide> = {
  kind: 'ttt',
  sides: ['x', 'o'],
  newBoard: () => Array<TttCell>(TTT_CELLS).fill(null),
  play(board, side, cell) {
    // The wire schema bounds the cell; this guards callers that did not use it.
    if (!isTttCell(cell) || board[cell] !== null) return { ok: false, code: 'game_cell_taken' };
    const next = [...board];
    next[cell] = side;
    return { ok: true, board: next };
  },
  outcome: tttOutcome,
};

/** A tic-tac-toe game as the machine, the store and the wire (`GameInfo`) hold it. */
export type TttGame = Game<TttBoard, TttMove, TttSide>;
export type TttMachine = GameMachine<TttBoard, TttMove, TttSide>;

/** The tic-tac-toe machine with these timings (the server passes its configured ones). */
export const tttMachine = (timings: GameTimings = DEFAULT_GAME_TIMINGS): TttMachine =>
  createGameMachine(tttRules, timings);
