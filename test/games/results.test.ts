/** Results as data and words ("Ada won as X in 7 moves"), and the scoreboard of a room's games. */
import { describe, expect, it } from 'vitest';
import { describeResult, gameResult, scoreboard } from '../../src/shared/games/results.ts';
import type { TttGame } from '../../src/shared/games/tic-tac-toe.ts';
import { ADA, BOB, EVE, firstMoveMs, invitation, invitationMs, machine, must, play, started, T0 } from './support.ts';

/** X wins on move 7 (X 0, 1, 8, 2; O 3, 4, 6). */
const X_WINS_IN_7 = [0, 3, 1, 4, 8, 6, 2];
const DRAW = [0, 4, 8, 1, 7, 6, 2, 5, 3];

describe('gameResult and describeResult', () => {
  it('a win: winner, loser, sides, moves, line', () => {
    const game = play(started('x'), [0, 3, 4, 5, 6, 8, 2]);
    const result = gameResult(game);
    expect(result).toEqual({
      status: 'won',
      winner: { ...ADA, side: 'x' },
      loser: { ...BOB, side: 'o' },
      moves: 7,
      line: [2, 4, 6],
    });
    expect(describeResult(result!)).toBe('Ada won as X in 7 moves');
  });

  it('O wins, a draw, resigned, forfeited, abandoned, declined, expired', () => {
    const oWins = play(started('x'), [0, 4, 1, 2, 8, 6]); // Bob (O) 4, 2, 6
    expect(describeResult(gameResult(oWins)!)).toBe('Bob won as O in 6 moves');
    expect(gameResult(play(started(), DRAW))).toEqual({ status: 'draw', moves: 9 });
    expect(describeResult({ status: 'draw', moves: 9 })).toBe('Draw');
    const resigned = must(machine.apply(play(started(), [4]), { type: 'resign', by: BOB.id, now: T0 + 9000 }));
    expect(gameResult(resigned)).toMatchObject({ status: 'resigned', winner: { id: ADA.id }, loser: { id: BOB.id } });
    expect(describeResult(gameResult(resigned)!)).toBe('Bob resigned; Ada won as X');
    const gone = must(machine.apply(play(started(), [4]), { type: 'away', user: BOB.id, now: T0 + 9000 }));
    const forfeited = machine.settle(gone, T0 + 9000 + 60_000);
    expect(describeResult(gameResult(forfeited)!)).toBe('Bob did not come back in time; Ada won as X');
    const abandoned = machine.settle(started(), T0 + 1000 + firstMoveMs);
    expect(gameResult(abandoned)).toEqual({ status: 'abandoned', moves: 0, by: null });
    const declined = must(machine.apply(invitation(), { type: 'decline', by: BOB.id, now: T0 + 1 }));
    expect(gameResult(declined)).toEqual({ status: 'declined', moves: 0, by: BOB.id });
    expect(gameResult(machine.settle(invitation(), T0 + invitationMs))).toEqual({
      status: 'expired',
      moves: 0,
      by: null,
    });
  });

  it('no result while open; one move is singular', () => {
    expect(gameResult(invitation())).toBeNull();
    expect(gameResult(play(started(), [4]))).toBeNull();
    expect(
      describeResult({
        status: 'won',
        winner: { ...ADA, side: 'x' },
        loser: { ...BOB, side: 'o' },
        moves: 1,
        line: [],
      }),
    ).toBe('Ada won as X in 1 move');
  });
});

describe('scoreboard', () => {
  let n = 0;
  /** A finished game between two of the people, `first` as X, ending `cells` (or resigned by `resigner`). */
  function game(first: typeof ADA, second: typeof ADA, cells: number[], at: number): TttGame {
    n += 1;
    const inv = must(
      machine.invite({
        id: `g_${n}`,
        room: 'r_1',
        inviter: first,
        invitee: second,
        side: 'x',
        now: at,
        random: () => 0,
      }),
    );
    const active = must(machine.apply(inv, { type: 'accept', by: second.id, now: at + 1 }));
    return play(active, cells, at + 2);
  }

  it('counts wins, draws and losses per person over wins, draws, resignations and forfeits', () => {
    const games = [
      game(ADA, BOB, X_WINS_IN_7, T0), // Ada beats Bob
      game(BOB, ADA, X_WINS_IN_7, T0 + 100), // Bob beats Ada
      game(ADA, BOB, DRAW, T0 + 200), // draw
      game(ADA, EVE, X_WINS_IN_7, T0 + 300), // Ada beats Eve
      must(machine.apply(game(EVE, BOB, [4], T0 + 400), { type: 'resign', by: EVE.id, now: T0 + 500 })), // Bob wins
    ];
    const forfeitable = must(
      machine.apply(game(BOB, EVE, [4], T0 + 600), { type: 'away', user: EVE.id, now: T0 + 700 }),
    );
    games.push(machine.settle(forfeitable, T0 + 700 + 60_000)); // Bob wins again
    // Games without a result do not count.
    games.push(machine.settle(started(), T0 + 1000 + firstMoveMs));
    games.push(must(machine.apply(invitation(), { type: 'decline', by: BOB.id, now: T0 + 1 })));
    games.push(machine.settle(invitation(), T0 + invitationMs));
    games.push(invitation(), play(started(), [4]));

    expect(scoreboard(games)).toEqual([
      { user: BOB, wins: 3, draws: 1, losses: 1 },
      { user: ADA, wins: 2, draws: 1, losses: 1 },
      { user: EVE, wins: 0, draws: 0, losses: 3 },
    ]);
  });

  it('orders by wins, then fewer losses, then draws, then name; takes the newest name', () => {
    const ada2 = { id: ADA.id, name: 'Ada L.' };
    const zed = { id: 'u_zed', name: 'Zed' };
    const amy = { id: 'u_amy', name: 'Amy' };
    const rows = scoreboard([
      game(zed, amy, DRAW, T0),
      game(ADA, BOB, DRAW, T0 + 10),
      game(ada2, BOB, DRAW, T0 + 20), // Ada renamed since
    ]);
    expect(rows.map((r) => r.user.name)).toEqual(['Ada L.', 'Bob', 'Amy', 'Zed']);
    expect(rows[0]).toEqual({ user: ada2, wins: 0, draws: 2, losses: 0 });
    expect(scoreboard([])).toEqual([]);
  });
});
