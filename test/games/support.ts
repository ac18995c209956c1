/** Shared fixtures of the games tests: players, a machine with the default timings, a started game. */
import { DEFAULT_GAME_TIMINGS, type GameEvent } from '../../src/shared/games/game-machine.ts';
import { tttMachine, type TttGame, type TttMove } from '../../src/shared/games/tic-tac-toe.ts';

export const ADA = { id: 'u_ada', name: 'Ada' };
export const BOB = { id: 'u_bob', name: 'Bob' };
export const EVE = { id: 'u_eve', name: 'Eve' };
export const T0 = 1_800_000_000_000;
export const { invitationMs, firstMoveMs, reconnectMs } = DEFAULT_GAME_TIMINGS;

export const machine = tttMachine();

/** Unwraps a machine result, failing the test with the refusal code. */
export function must(result: { ok: true; game: TttGame } | { ok: false; code: string }): TttGame {
  if (!result.ok) throw new Error(`refused: ${result.code}`);
  return result.game;
}

/** Ada invites Bob at T0; Ada plays `side` (default X). */
export function invitation(side: 'x' | 'o' = 'x', id = 'g_1'): TttGame {
  return must(machine.invite({ id, room: 'r_1', inviter: ADA, invitee: BOB, side, now: T0, random: () => 0 }));
}

/** Bob accepted at T0 + 1000: an active game, X (Ada) to move. */
export function started(side: 'x' | 'o' = 'x', id = 'g_1'): TttGame {
  return must(machine.apply(invitation(side, id), { type: 'accept', by: BOB.id, now: T0 + 1000 }));
}

/** Plays cells in order, each by the player whose turn it is, one second apart. */
export function play(game: TttGame, cells: readonly number[], from = T0 + 2000): TttGame {
  let g = game;
  cells.forEach((cell, i) => {
    const by = g.players[g.turn ?? 'x'].id;
    g = must(machine.apply(g, { type: 'move', by, move: cell, moveNumber: g.nextMove, now: from + i * 1000 }));
  });
  return g;
}

export const move = (by: string, cell: TttMove, moveNumber: number, now: number): GameEvent<TttMove> => ({
  type: 'move',
  by,
  move: cell,
  moveNumber,
  now,
});
