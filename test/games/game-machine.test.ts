/**
 * The game state machine: every transition and every refusal, move numbers (stale, duplicate,
 * ahead), turns, who may do what, the timers (5 min invitation, 2 min first move, 60 s reconnect
 * clock that runs only on the away player's own turn), random sides, rematches and `game_busy`.
 */
import { describe, expect, it } from 'vitest';
import { createGameMachine, type GameTimerEvent } from '../../src/shared/games/game-machine.ts';
import { tttRules, type TttGame } from '../../src/shared/games/tic-tac-toe.ts';
import {
  ADA,
  BOB,
  EVE,
  firstMoveMs,
  invitation,
  invitationMs,
  machine,
  move,
  must,
  play,
  reconnectMs,
  started,
  T0,
} from './support.ts';

const refused = (code: string) => ({ ok: false, code });

describe('invitation', () => {
  it('creates an invited game with the chosen sides and the expiry', () => {
    const game = invitation('o');
    expect(game).toMatchObject({
      id: 'g_1',
      kind: 'ttt',
      room: 'r_1',
      version: 1,
      status: 'invited',
      inviter: ADA.id,
      invitee: BOB.id,
      sideChoice: 'o',
      players: { x: BOB, o: ADA },
      moves: [],
      turn: null,
      nextMove: 1,
      createdAt: T0,
      expiresAt: T0 + invitationMs,
      startedAt: null,
      firstMoveBy: null,
      endedAt: null,
      away: [],
      winner: null,
      line: null,
      endedBy: null,
      rematchOf: null,
    });
    expect(game.board).toEqual(Array(9).fill(null));
    // Plain JSON: what the store keeps and the wire carries.
    expect(JSON.parse(JSON.stringify(game))).toEqual(game);
  });

  it('keeps only id and name of the players it is given', () => {
    const rich = { ...ADA, token: 'secret', connection: {} };
    const game = must(
      machine.invite({ id: 'g', room: 'r', inviter: rich, invitee: BOB, side: 'x', now: T0, random: () => 0 }),
    );
    expect(game.players.x).toEqual(ADA);
    expect(JSON.stringify(game)).not.toContain('secret');
  });

  it('resolves a random side with the injected random source, and keeps the choice', () => {
    const invite = (r: number) =>
      must(
        machine.invite({ id: 'g', room: 'r', inviter: ADA, invitee: BOB, side: 'random', now: T0, random: () => r }),
      );
    expect(invite(0).players).toEqual({ x: ADA, o: BOB });
    expect(invite(0.4999).players).toEqual({ x: ADA, o: BOB });
    expect(invite(0.5).players).toEqual({ x: BOB, o: ADA });
    expect(invite(0.99).players).toEqual({ x: BOB, o: ADA });
    expect(invite(0.7).sideChoice).toBe('random');
  });

  it('asks the random source only for a random side', () => {
    let calls = 0;
    const random = () => {
      calls += 1;
      return 0.9;
    };
    must(machine.invite({ id: 'g', room: 'r', inviter: ADA, invitee: BOB, side: 'x', now: T0, random }));
    expect(calls).toBe(0);
    must(machine.invite({ id: 'g', room: 'r', inviter: ADA, invitee: BOB, side: 'random', now: T0, random }));
    expect(calls).toBe(1);
  });

  it('refuses inviting oneself', () => {
    const r = machine.invite({
      id: 'g',
      room: 'r',
      inviter: ADA,
      invitee: ADA,
      side: 'x',
      now: T0,
      random: Math.random,
    });
    expect(r).toEqual(refused('game_opponent_invalid'));
  });

  it('refuses game_busy: inviter active or already inviting, opponent active', () => {
    const invite = (inviter = ADA, invitee = BOB, games: TttGame[]) =>
      machine.invite({ id: 'g_new', room: 'r_1', inviter, invitee, side: 'x', now: T0 + 5000, random: () => 0 }, games);
    const active = started(); // Ada vs Bob
    expect(invite(ADA, EVE, [active])).toEqual(refused('game_busy'));
    expect(invite(EVE, BOB, [active])).toEqual(refused('game_busy'));
    expect(invite(ADA, EVE, [invitation()])).toEqual(refused('game_busy')); // Ada already invites Bob
    // Being invited, or having ended games, does not make anyone busy.
    expect(invite(EVE, BOB, [invitation()]).ok).toBe(true);
    expect(invite(BOB, EVE, [invitation()]).ok).toBe(true);
    const over = play(started(), [0, 3, 1, 4, 2]);
    expect(invite(ADA, BOB, [over]).ok).toBe(true);
  });

  it('a game whose timer is due does not make anyone busy', () => {
    const stale = invitation(); // Ada's invitation to Bob, expiring at T0 + invitationMs
    const invite = (now: number) =>
      machine.invite({ id: 'g_new', room: 'r_1', inviter: ADA, invitee: EVE, side: 'x', now, random: () => 0 }, [
        stale,
      ]);
    expect(invite(T0 + invitationMs - 1)).toEqual(refused('game_busy'));
    expect(invite(T0 + invitationMs).ok).toBe(true);
    const idle = started(); // abandoned at T0 + 1000 + firstMoveMs
    const accept = (now: number) =>
      machine.apply(
        must(
          machine.invite({ id: 'g_3', room: 'r_1', inviter: EVE, invitee: BOB, side: 'x', now: T0, random: () => 0 }),
        ),
        { type: 'accept', by: BOB.id, now },
        [idle],
      );
    expect(accept(T0 + 1000 + firstMoveMs - 1)).toEqual(refused('game_busy'));
    expect(accept(T0 + 1000 + firstMoveMs).ok).toBe(true);
  });

  it('accept: only the invitee, while invited; X moves first', () => {
    const game = invitation('o');
    expect(machine.apply(game, { type: 'accept', by: ADA.id, now: T0 + 1 })).toEqual(refused('game_not_invited'));
    expect(machine.apply(game, { type: 'accept', by: EVE.id, now: T0 + 1 })).toEqual(refused('game_not_invited'));
    const active = must(machine.apply(game, { type: 'accept', by: BOB.id, now: T0 + 1000 }));
    expect(active).toMatchObject({
      status: 'active',
      version: 2,
      turn: 'x',
      startedAt: T0 + 1000,
      firstMoveBy: T0 + 1000 + firstMoveMs,
    });
    expect(active.players.x).toEqual(BOB);
    expect(machine.apply(active, { type: 'accept', by: BOB.id, now: T0 + 2000 })).toEqual(refused('game_not_pending'));
  });

  it('accept is refused game_busy when a player started another game meanwhile', () => {
    const other = must(
      machine.apply(
        must(
          machine.invite({ id: 'g_2', room: 'r_1', inviter: EVE, invitee: BOB, side: 'x', now: T0, random: () => 0 }),
        ),
        { type: 'accept', by: BOB.id, now: T0 + 10 },
      ),
    );
    expect(machine.apply(invitation(), { type: 'accept', by: BOB.id, now: T0 + 20 }, [other])).toEqual(
      refused('game_busy'),
    );
    // The game itself in the list does not count against itself.
    const self = invitation();
    expect(machine.apply(self, { type: 'accept', by: BOB.id, now: T0 + 20 }, [self]).ok).toBe(true);
  });

  it('decline by the invitee, withdrawal by the inviter; nobody else; only while invited', () => {
    const declined = must(machine.apply(invitation(), { type: 'decline', by: BOB.id, now: T0 + 5 }));
    expect(declined).toMatchObject({ status: 'declined', endedBy: BOB.id, endedAt: T0 + 5, version: 2 });
    const withdrawn = must(machine.apply(invitation(), { type: 'decline', by: ADA.id, now: T0 + 5 }));
    expect(withdrawn).toMatchObject({ status: 'declined', endedBy: ADA.id });
    expect(machine.apply(invitation(), { type: 'decline', by: EVE.id, now: T0 + 5 })).toEqual(
      refused('game_not_invited'),
    );
    expect(machine.apply(started(), { type: 'decline', by: BOB.id, now: T0 + 5000 })).toEqual(
      refused('game_not_pending'),
    );
    expect(machine.apply(declined, { type: 'accept', by: BOB.id, now: T0 + 6 })).toEqual(refused('game_not_pending'));
  });

  it('expires 5 minutes after the invitation; answering at or after that is refused', () => {
    const game = invitation();
    expect(machine.nextDeadline(game)).toBe(T0 + invitationMs);
    expect(machine.dueTimer(game, T0 + invitationMs - 1)).toBeNull();
    expect(machine.apply(game, { type: 'expire', now: T0 + invitationMs - 1 })).toEqual(refused('game_not_due'));
    expect(machine.apply(game, { type: 'accept', by: BOB.id, now: T0 + invitationMs - 1 }).ok).toBe(true);
    expect(machine.dueTimer(game, T0 + invitationMs)).toEqual({ type: 'expire', now: T0 + invitationMs });
    expect(machine.apply(game, { type: 'accept', by: BOB.id, now: T0 + invitationMs })).toEqual(
      refused('game_not_pending'),
    );
    expect(machine.apply(game, { type: 'decline', by: BOB.id, now: T0 + invitationMs + 1 })).toEqual(
      refused('game_not_pending'),
    );
    // A sweep that runs late still records the deadline as the end.
    const expired = must(machine.apply(game, { type: 'expire', now: T0 + invitationMs + 9000 }));
    expect(expired).toMatchObject({ status: 'expired', endedAt: T0 + invitationMs, version: 2 });
    expect(machine.nextDeadline(expired)).toBeNull();
    expect(machine.apply(expired, { type: 'expire', now: T0 + invitationMs + 9000 })).toEqual(refused('game_over'));
  });
});

describe('moves', () => {
  it('only players move, only on their turn, only with the next move number', () => {
    const game = started();
    expect(machine.apply(game, move(EVE.id, 4, 1, T0 + 3000))).toEqual(refused('game_not_player'));
    expect(machine.apply(game, move(BOB.id, 4, 1, T0 + 3000))).toEqual(refused('game_not_your_turn'));
    expect(machine.apply(game, move(ADA.id, 4, 2, T0 + 3000))).toEqual(refused('game_stale_move'));
    expect(machine.apply(game, move(ADA.id, 4, 0, T0 + 3000))).toEqual(refused('game_stale_move'));
    const one = must(machine.apply(game, move(ADA.id, 4, 1, T0 + 3000)));
    expect(one).toMatchObject({ moves: [4], nextMove: 2, turn: 'o', version: game.version + 1, firstMoveBy: null });
  });

  it('a duplicate of an applied move is refused as stale, never applied twice', () => {
    const one = must(machine.apply(started(), move(ADA.id, 4, 1, T0 + 3000)));
    // Ada's resend after a reconnect: same cell, same number.
    expect(machine.apply(one, move(ADA.id, 4, 1, T0 + 4000))).toEqual(refused('game_stale_move'));
    // Even a different free cell with the old number.
    expect(machine.apply(one, move(ADA.id, 0, 1, T0 + 4000))).toEqual(refused('game_stale_move'));
    const two = must(machine.apply(one, move(BOB.id, 0, 2, T0 + 5000)));
    expect(machine.apply(two, move(BOB.id, 0, 2, T0 + 6000))).toEqual(refused('game_stale_move'));
    expect(two.moves).toEqual([4, 0]);
  });

  it('a move on an outdated board (number behind) is stale even if the cell looks free to the sender', () => {
    const two = play(started(), [4, 0]);
    // Bob thinks it is still move 2 and tries cell 8.
    expect(machine.apply(two, move(BOB.id, 8, 2, T0 + 9000))).toEqual(refused('game_stale_move'));
  });

  it('moves before the invitation is accepted are refused', () => {
    expect(machine.apply(invitation(), move(ADA.id, 4, 1, T0 + 1))).toEqual(refused('game_not_started'));
    expect(machine.apply(invitation(), move(EVE.id, 4, 1, T0 + 1))).toEqual(refused('game_not_player'));
  });

  it('a refusal changes nothing', () => {
    const game = started();
    const copy = structuredClone(game);
    machine.apply(game, move(BOB.id, 4, 1, T0 + 3000));
    machine.apply(game, move(ADA.id, 4, 3, T0 + 3000));
    expect(game).toEqual(copy);
  });
});

describe('resign', () => {
  it('either player, any time while active; the other side wins', () => {
    for (const [by, winner] of [
      [ADA.id, 'o'],
      [BOB.id, 'x'],
    ] as const) {
      for (const before of [[], [4], [4, 0, 8]]) {
        const game = play(started(), before);
        const r = must(machine.apply(game, { type: 'resign', by, now: T0 + 30_000 }));
        expect(r).toMatchObject({ status: 'resigned', winner, endedBy: by, endedAt: T0 + 30_000, turn: null });
      }
    }
  });

  it('refused for spectators, before the start and after the end', () => {
    expect(machine.apply(started(), { type: 'resign', by: EVE.id, now: T0 + 3000 })).toEqual(
      refused('game_not_player'),
    );
    expect(machine.apply(invitation(), { type: 'resign', by: ADA.id, now: T0 + 3 })).toEqual(
      refused('game_not_started'),
    );
    const over = play(started(), [0, 3, 1, 4, 2]);
    expect(machine.apply(over, { type: 'resign', by: BOB.id, now: T0 + 60_000 })).toEqual(refused('game_over'));
  });
});

describe('abandon: no first move within 2 minutes', () => {
  it('is due exactly at firstMoveBy, and ends without a winner', () => {
    const game = started(); // accepted at T0 + 1000
    const deadline = T0 + 1000 + firstMoveMs;
    expect(machine.nextDeadline(game)).toBe(deadline);
    expect(machine.dueTimer(game, deadline - 1)).toBeNull();
    expect(machine.apply(game, { type: 'abandon', now: deadline - 1 })).toEqual(refused('game_not_due'));
    const abandoned = must(machine.apply(game, { type: 'abandon', now: deadline + 500 }));
    expect(abandoned).toMatchObject({ status: 'abandoned', winner: null, endedAt: deadline, endedBy: null });
  });

  it('a first move just in time stops it; a late one is refused', () => {
    const game = started();
    const deadline = T0 + 1000 + firstMoveMs;
    const moved = must(machine.apply(game, move(ADA.id, 4, 1, deadline - 1)));
    expect(machine.nextDeadline(moved)).toBeNull();
    expect(machine.dueTimer(moved, deadline + 10 * firstMoveMs)).toBeNull();
    expect(machine.apply(game, move(ADA.id, 4, 1, deadline))).toEqual(refused('game_over'));
    expect(machine.settle(game, deadline).status).toBe('abandoned');
  });
});

describe('the reconnect clock (60 s, only on the away player\u2019s own turn)', () => {
  const away = (game: TttGame, user: string, now: number) => must(machine.apply(game, { type: 'away', user, now }));
  const back = (game: TttGame, user: string, now: number) => must(machine.apply(game, { type: 'back', user, now }));

  it('runs at once for a player who disconnects on their turn, and forfeits them', () => {
    const game = play(started(), [4]); // O (Bob) to move; last move at T0 + 2000
    const gone = away(game, BOB.id, T0 + 10_000);
    expect(gone.away).toEqual([
      {
        user: BOB.id,
        side: 'o',
        remainingMs: reconnectMs,
        runningSince: T0 + 10_000,
        deadline: T0 + 10_000 + reconnectMs,
      },
    ]);
    expect(machine.nextDeadline(gone)).toBe(T0 + 10_000 + reconnectMs);
    expect(machine.dueTimer(gone, T0 + 10_000 + reconnectMs - 1)).toBeNull();
    const timer: GameTimerEvent = { type: 'forfeit', now: T0 + 10_000 + reconnectMs };
    const forfeited = must(machine.apply(gone, timer));
    expect(forfeited).toMatchObject({
      status: 'forfeited',
      winner: 'x',
      endedBy: BOB.id,
      endedAt: T0 + 10_000 + reconnectMs,
      away: [],
      turn: null,
    });
  });

  it('does not run during the other player\u2019s turn, then starts with the full allowance', () => {
    const game = play(started(), [4]); // O (Bob) to move
    // Ada (X) disconnects while it is Bob's turn: paused.
    const gone = away(game, ADA.id, T0 + 5000);
    expect(gone.away).toEqual([
      { user: ADA.id, side: 'x', remainingMs: reconnectMs, runningSince: null, deadline: null },
    ]);
    expect(machine.nextDeadline(gone)).toBeNull();
    // Long after, still nothing due: Bob is thinking, Ada's clock does not run.
    expect(machine.dueTimer(gone, T0 + 10 * reconnectMs)).toBeNull();
    // Bob moves: now it is Ada's turn and her clock runs from the move.
    const moved = must(machine.apply(gone, move(BOB.id, 0, 2, T0 + 10 * reconnectMs)));
    expect(moved.away).toEqual([
      {
        user: ADA.id,
        side: 'x',
        remainingMs: reconnectMs,
        runningSince: T0 + 10 * reconnectMs,
        deadline: T0 + 11 * reconnectMs,
      },
    ]);
    expect(machine.dueTimer(moved, T0 + 11 * reconnectMs - 1)).toBeNull();
    expect(machine.settle(moved, T0 + 11 * reconnectMs)).toMatchObject({ status: 'forfeited', winner: 'o' });
  });

  it('coming back in time stops the clock; a later disconnection starts from 60 s again', () => {
    const game = play(started(), [4]);
    const gone = away(game, BOB.id, T0 + 10_000);
    const returned = back(gone, BOB.id, T0 + 10_000 + reconnectMs - 1);
    expect(returned.away).toEqual([]);
    expect(machine.nextDeadline(returned)).toBeNull();
    const again = away(returned, BOB.id, T0 + 100_000);
    expect(again.away[0]?.deadline).toBe(T0 + 100_000 + reconnectMs);
    // And the game goes on: Bob plays.
    expect(machine.apply(returned, move(BOB.id, 0, 2, T0 + 200_000)).ok).toBe(true);
  });

  it('coming back or moving after the deadline is too late', () => {
    const gone = away(play(started(), [4]), BOB.id, T0 + 10_000);
    const late = T0 + 10_000 + reconnectMs;
    expect(machine.apply(gone, { type: 'back', user: BOB.id, now: late })).toEqual(refused('game_over'));
    expect(machine.apply(gone, move(BOB.id, 0, 2, late))).toEqual(refused('game_over'));
    // The other player's actions then are refused as well: the game is over.
    expect(machine.apply(gone, { type: 'resign', by: ADA.id, now: late })).toEqual(refused('game_over'));
  });

  it('a move by a player who was away means they are back', () => {
    const game = play(started(), [4]);
    const gone = away(game, BOB.id, T0 + 10_000);
    const moved = must(machine.apply(gone, move(BOB.id, 0, 2, T0 + 20_000)));
    expect(moved.away).toEqual([]);
  });

  it('before the first move the clock is paused (the abandon timer decides)', () => {
    const game = started();
    const gone = away(game, ADA.id, T0 + 1500); // X, to move, leaves
    expect(gone.away[0]).toMatchObject({ runningSince: null, deadline: null });
    expect(machine.nextDeadline(gone)).toBe(T0 + 1000 + firstMoveMs);
    expect(machine.settle(gone, T0 + 1000 + firstMoveMs).status).toBe('abandoned');
  });

  it('an away clock taken during the invitation carries into the game', () => {
    const inv = away(invitation(), ADA.id, T0 + 100); // Ada (X) disconnects; Bob accepts
    expect(inv.away).toHaveLength(1);
    const active = must(machine.apply(inv, { type: 'accept', by: BOB.id, now: T0 + 1000 }));
    expect(active.away).toEqual([
      { user: ADA.id, side: 'x', remainingMs: reconnectMs, runningSince: null, deadline: null },
    ]);
    // Bob is O: he cannot move first, so the game is abandoned after 2 minutes.
    expect(machine.settle(active, T0 + 1000 + firstMoveMs).status).toBe('abandoned');
  });

  it('the invitee who accepts is not away', () => {
    const inv = away(invitation(), BOB.id, T0 + 100);
    const active = must(machine.apply(inv, { type: 'accept', by: BOB.id, now: T0 + 1000 }));
    expect(active.away).toEqual([]);
  });

  it('both away (a server restart): only the one on turn runs', () => {
    const game = play(started(), [4]); // O to move
    const both = away(away(game, ADA.id, T0 + 10_000), BOB.id, T0 + 10_000);
    expect(both.away.map((c) => [c.user, c.deadline])).toEqual([
      [ADA.id, null],
      [BOB.id, T0 + 10_000 + reconnectMs],
    ]);
    expect(machine.settle(both, T0 + 10_000 + reconnectMs)).toMatchObject({ status: 'forfeited', endedBy: BOB.id });
  });

  it('repeated away/back are idempotent; spectators and ended games refuse them', () => {
    const game = play(started(), [4]);
    const gone = away(game, BOB.id, T0 + 10_000);
    expect(away(gone, BOB.id, T0 + 20_000)).toBe(gone); // the first deadline stands
    expect(back(game, BOB.id, T0 + 20_000)).toBe(game);
    expect(machine.apply(game, { type: 'away', user: EVE.id, now: T0 })).toEqual(refused('game_not_player'));
    const over = play(started(), [0, 3, 1, 4, 2]);
    expect(machine.apply(over, { type: 'away', user: BOB.id, now: T0 + 60_000 })).toEqual(refused('game_over'));
  });
});

describe('rematch', () => {
  it('swaps the sides, invites the other player, and links the games', () => {
    const over = play(started('x'), [0, 3, 1, 4, 2]); // Ada (X) won
    const next = must(machine.rematch(over, { id: 'g_2', by: BOB.id, now: T0 + 100_000 }));
    expect(next).toMatchObject({
      id: 'g_2',
      status: 'invited',
      inviter: BOB.id,
      invitee: ADA.id,
      players: { x: BOB, o: ADA },
      sideChoice: 'x',
      rematchOf: 'g_1',
      version: 1,
      moves: [],
      expiresAt: T0 + 100_000 + invitationMs,
    });
    const byAda = must(machine.rematch(over, { id: 'g_3', by: ADA.id, now: T0 + 100_000 }));
    expect(byAda).toMatchObject({ inviter: ADA.id, invitee: BOB.id, players: { x: BOB, o: ADA }, sideChoice: 'o' });
  });

  it('works after every kind of end, and not before', () => {
    const ends: TttGame[] = [
      play(started(), [0, 3, 1, 4, 2]),
      play(started(), [0, 4, 8, 1, 7, 6, 2, 5, 3]),
      must(machine.apply(started(), { type: 'resign', by: ADA.id, now: T0 + 5000 })),
      machine.settle(started(), T0 + 1000 + firstMoveMs),
      must(machine.apply(invitation(), { type: 'decline', by: BOB.id, now: T0 + 5 })),
      machine.settle(invitation(), T0 + invitationMs),
    ];
    for (const game of ends) expect(machine.rematch(game, { id: 'g_2', by: ADA.id, now: T0 + 900_000 }).ok).toBe(true);
    expect(machine.rematch(started(), { id: 'g_2', by: ADA.id, now: T0 + 5000 })).toEqual(refused('game_not_over'));
    expect(machine.rematch(invitation(), { id: 'g_2', by: BOB.id, now: T0 + 5 })).toEqual(refused('game_not_over'));
    // An invitation past its expiry counts as ended.
    expect(machine.rematch(invitation(), { id: 'g_2', by: BOB.id, now: T0 + invitationMs }).ok).toBe(true);
  });

  it('only players may ask, and game_busy applies', () => {
    const over = play(started(), [0, 3, 1, 4, 2]);
    expect(machine.rematch(over, { id: 'g_2', by: EVE.id, now: T0 + 60_000 })).toEqual(refused('game_not_player'));
    const eveAndBob = must(
      machine.apply(
        must(
          machine.invite({ id: 'g_9', room: 'r_1', inviter: EVE, invitee: BOB, side: 'x', now: T0, random: () => 0 }),
        ),
        { type: 'accept', by: BOB.id, now: T0 + 10 },
      ),
    );
    expect(machine.rematch(over, { id: 'g_2', by: ADA.id, now: T0 + 60_000 }, [eveAndBob])).toEqual(
      refused('game_busy'),
    );
  });

  it('both players clicking rematch make one game; the same click twice answers the same invitation', () => {
    const over = play(started(), [0, 3, 1, 4, 2]);
    const first = must(machine.rematch(over, { id: 'g_2', by: BOB.id, now: T0 + 60_000 }));
    const again = must(machine.rematch(over, { id: 'g_3', by: BOB.id, now: T0 + 61_000 }, [first]));
    expect(again).toBe(first);
    const accepted = must(machine.rematch(over, { id: 'g_4', by: ADA.id, now: T0 + 62_000 }, [first]));
    expect(accepted).toMatchObject({
      id: 'g_2',
      status: 'active',
      startedAt: T0 + 62_000,
      players: { x: BOB, o: ADA },
    });
    // An expired rematch invitation does not count: a new one is made.
    const fresh = must(machine.rematch(over, { id: 'g_5', by: ADA.id, now: T0 + 60_000 + invitationMs }, [first]));
    expect(fresh).toMatchObject({ id: 'g_5', inviter: ADA.id });
  });
});

describe('rename', () => {
  it('an open game shows a player\u2019s new name; an ended one keeps the old; others are refused', () => {
    const game = play(started(), [4]);
    const renamed = must(machine.apply(game, { type: 'rename', user: { id: BOB.id, name: 'Robert' }, now: T0 + 9000 }));
    expect(renamed.players).toEqual({ x: ADA, o: { id: BOB.id, name: 'Robert' } });
    expect(renamed.version).toBe(game.version + 1);
    expect(machine.apply(renamed, { type: 'rename', user: { id: BOB.id, name: 'Robert' }, now: T0 + 9001 })).toEqual({
      ok: true,
      game: renamed,
    });
    const invited = must(
      machine.apply(invitation(), { type: 'rename', user: { id: ADA.id, name: 'Ada L.' }, now: T0 }),
    );
    expect(invited.players.x.name).toBe('Ada L.');
    const over = play(started(), [0, 3, 1, 4, 2]);
    expect(machine.apply(over, { type: 'rename', user: { id: BOB.id, name: 'Robert' }, now: T0 + 60_000 })).toEqual(
      refused('game_over'),
    );
    expect(machine.apply(game, { type: 'rename', user: { id: EVE.id, name: 'Evie' }, now: T0 })).toEqual(
      refused('game_not_player'),
    );
  });
});

describe('versions and timers as data', () => {
  it('every change bumps the version by one', () => {
    let game = invitation();
    const versions = [game.version];
    game = must(machine.apply(game, { type: 'accept', by: BOB.id, now: T0 + 1000 }));
    versions.push(game.version);
    for (const cell of [4, 0, 8]) {
      game = play(game, [cell], T0 + 2000 + versions.length);
      versions.push(game.version);
    }
    game = must(machine.apply(game, { type: 'away', user: BOB.id, now: T0 + 9000 }));
    versions.push(game.version);
    game = must(machine.apply(game, { type: 'back', user: BOB.id, now: T0 + 9500 }));
    versions.push(game.version);
    game = must(machine.apply(game, { type: 'resign', by: BOB.id, now: T0 + 9900 }));
    versions.push(game.version);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('settle leaves a game with nothing due untouched (the same object)', () => {
    const game = play(started(), [4]);
    expect(machine.settle(game, T0 + 10 * invitationMs)).toBe(game);
  });

  it('timings are the server\u2019s to choose', () => {
    const fast = createGameMachine(tttRules, { invitationMs: 50, firstMoveMs: 20, reconnectMs: 10 });
    const inv = must(
      fast.invite({ id: 'g', room: 'r', inviter: ADA, invitee: BOB, side: 'x', now: 0, random: () => 0 }),
    );
    expect(inv.expiresAt).toBe(50);
    const active = must(fast.apply(inv, { type: 'accept', by: BOB.id, now: 5 }));
    expect(active.firstMoveBy).toBe(25);
    const moved = must(fast.apply(active, move(ADA.id, 4, 1, 6)));
    const gone = must(fast.apply(moved, { type: 'away', user: BOB.id, now: 7 }));
    expect(gone.away[0]?.deadline).toBe(17);
  });
});

describe('versions', () => {
  it('rise by exactly one with every change, the winning and the drawing move included', () => {
    let game = started('x');
    expect(game.version).toBe(2);
    // X wins on the top row: 0, (3), 1, (4), 2.
    for (const cell of [0, 3, 1, 4, 2]) {
      const before = game.version;
      game = play(game, [cell]);
      expect(game.version).toBe(before + 1);
    }
    expect(game.status).toBe('won');
    let draw = started('x', 'g_2');
    for (const cell of [0, 1, 2, 4, 3, 5, 7, 6, 8]) {
      const before = draw.version;
      draw = play(draw, [cell]);
      expect(draw.version).toBe(before + 1);
    }
    expect(draw.status).toBe('draw');
  });
});
