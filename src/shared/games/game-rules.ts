/**
 * The seam between a game's rules and everything around them (the game state machine, the wire,
 * the server, the UI). A game kind supplies one `GameRules`: a pure description of its board, how
 * a move changes it and when it is over. The state machine (game-machine.ts) then adds what every
 * two-player, turn-based game in a room shares: invitations, turns, move numbers, resigning,
 * timers, results. Tic-tac-toe (tic-tac-toe.ts) is the only kind today; a later game adds a file
 * like it and a `kind`, not a second state machine.
 */

/** Game kinds a server knows. One today; the wire's `kind` field names it. */
export const GAME_KINDS = ['ttt'] as const;
export type GameKind = (typeof GAME_KINDS)[number];

/** Why the rules refuse a move (the machine checks turn, move number and status itself). */
export type RuleRefusalCode = 'game_cell_taken';

/** How a finished board ended: a side won (with the cells that show it), or a draw. */
export type Outcome<Side extends string> =
  | { winner: Side; /** Cells to highlight (tic-tac-toe: the winning line, ascending). */ line: readonly number[] }
  | { winner: null; draw: true };

/**
 * One game kind's rules. Everything is pure and total over valid input: the wire schema has
 * already bounded `Move` (for tic-tac-toe, an integer cell 0–8).
 */
export interface GameRules<Board, Move, Side extends string> {
  readonly kind: GameKind;
  /** The two sides; `sides[0]` moves first, then they alternate (every kind so far is strictly turn-based). */
  readonly sides: readonly [Side, Side];
  /** The board before any move. */
  newBoard(): Board;
  /** `side` plays `move`: the new board, or why the move is not possible on this board. */
  play(board: Board, side: Side, move: Move): { ok: true; board: Board } | { ok: false; code: RuleRefusalCode };
  /** The outcome once the board is finished, else null (the game goes on). */
  outcome(board: Board): Outcome<Side> | null;
}
