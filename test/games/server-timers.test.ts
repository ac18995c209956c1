/**
 * The game timers on a real server, with short timings and real clocks: an invitation expires,
 * a game without a first move is abandoned, a player who disconnects on their turn forfeits
 * after the reconnect clock (shown to everyone as `away[].deadline`), and one who disconnects
 * during the other's turn loses nothing and can come back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll } from '../support/harness.ts';
import {
  connect,
  errorCode,
  gameEvent,
  joinRoom,
  moves,
  play,
  SHORT_TIMINGS,
  startedGame,
  table,
} from './server-support.ts';

afterEach(cleanupAll);

describe('game timers', () => {
  it('an invitation not answered in time expires, at its expiresAt, for everyone', async () => {
    const t = await table(SHORT_TIMINGS);
    const invited = await play(t.ada, { type: 'game_invite', room: t.room, opponent: t.bob.id, side: 'x' });
    expect(invited.expiresAt - invited.createdAt).toBe(SHORT_TIMINGS.gameInvitationMs);
    const { game } = await gameEvent(t.eve, (g) => g.id === invited.id && g.status === 'expired');
    expect(game.endedAt).toBe(invited.expiresAt);
    expect(errorCode(await t.bob.client.request({ type: 'game_accept', room: t.room, game: invited.id }))).toBe(
      'game_not_pending',
    );
  });

  it('a game whose first move is not made in time is abandoned (and does not count)', async () => {
    // A long invitation: only the first-move limit is short (a loaded machine may be slow to accept).
    const t = await table({ ...SHORT_TIMINGS, gameInvitationMs: 60_000 });
    const active = await startedGame(t);
    expect(active.firstMoveBy).toBe(active.startedAt! + SHORT_TIMINGS.gameFirstMoveMs!);
    const { game } = await gameEvent(t.bob, (g) => g.id === active.id && g.status === 'abandoned');
    expect(game).toMatchObject({ endedAt: active.firstMoveBy, winner: null, firstMoveBy: null });
    expect(
      errorCode(await t.ada.client.request({ type: 'game_move', room: t.room, game: active.id, cell: 0, move: 1 })),
    ).toBe('game_over');
    const scores = await t.eve.client.request({ type: 'game_scores', room: t.room });
    expect(scores['data']).toEqual({ scores: [] });
  });

  it('a player who disconnects on their turn has the reconnect clock, visible to all, then forfeits', async () => {
    const t = await table({ ...SHORT_TIMINGS, gameInvitationMs: 60_000, gameFirstMoveMs: 60_000 });
    const active = await startedGame(t); // Ada X, Bob O
    const moved = await moves(t, active, [4]); // Bob (O) to move
    t.bob.client.socket.destroy();
    const away = await gameEvent(t.eve, (g) => g.id === active.id && g.away.length === 1);
    const clock = away.game.away[0]!;
    expect(clock).toMatchObject({ user: t.bob.id, side: 'o', remainingMs: SHORT_TIMINGS.gameReconnectMs });
    expect(clock.runningSince).not.toBeNull();
    expect(clock.deadline).toBe(clock.runningSince! + SHORT_TIMINGS.gameReconnectMs!);
    // The countdown everyone can show: deadline − serverTime, within the allowance.
    expect(clock.deadline! - away.serverTime).toBeGreaterThan(0);
    expect(clock.deadline! - away.serverTime).toBeLessThanOrEqual(SHORT_TIMINGS.gameReconnectMs!);
    expect(away.game.version).toBe(moved.version + 1);
    const { game } = await gameEvent(t.ada, (g) => g.id === active.id && g.status === 'forfeited');
    expect(game).toMatchObject({ winner: 'x', endedBy: t.bob.id, endedAt: clock.deadline, away: [] });
  });

  it('a player who disconnects during the other turn keeps their game: the clock waits, and they come back', async () => {
    const t = await table({ ...SHORT_TIMINGS, gameInvitationMs: 60_000, gameFirstMoveMs: 60_000 });
    const active = await startedGame(t);
    await moves(t, active, [0]); // Bob (O) to move; Ada disconnects
    t.ada.client.socket.destroy();
    const paused = await gameEvent(t.bob, (g) => g.id === active.id && g.away.length === 1);
    expect(paused.game.away[0]).toMatchObject({ user: t.ada.id, side: 'x', runningSince: null, deadline: null });
    // Twice the reconnect time on Bob's turn: nothing happens to Ada.
    await sleep(2 * SHORT_TIMINGS.gameReconnectMs!);
    const list = await t.bob.client.request({ type: 'game_list', room: t.room });
    expect((list['data'] as { open: unknown[] }).open).toEqual([
      expect.objectContaining({ id: active.id, status: 'active' }),
    ]);
    // Ada comes back before Bob moves: her clock is gone.
    const ada = await connect(t.server.port, 'Ada', t.ada.credentials);
    await joinRoom(ada, t.room);
    const back = await gameEvent(t.bob, (g) => g.id === active.id && g.version > paused.game.version);
    expect(back.game.away).toEqual([]);
    expect(back.game.status).toBe('active');
    const afterBob = await play(t.bob, { type: 'game_move', room: t.room, game: active.id, cell: 4, move: 2 });
    const afterAda = await play(ada, { type: 'game_move', room: t.room, game: active.id, cell: 8, move: 3 });
    expect(afterAda).toMatchObject({ status: 'active', moves: [0, 4, 8], away: [] });
    expect(afterBob.version).toBeLessThan(afterAda.version);
  });

  it('leaving the room is being away too; the clock starts on their turn; joining again is back', async () => {
    const t = await table({ gameReconnectMs: 60_000 });
    const active = await startedGame(t);
    await t.ada.client.request({ type: 'room_leave', room: t.room });
    const away = await gameEvent(t.bob, (g) => g.id === active.id && g.away.length === 1);
    // No move yet: the first-move limit decides, the clock waits.
    expect(away.game.away[0]).toMatchObject({ user: t.ada.id, deadline: null });
    expect(errorCode(await t.ada.client.request({ type: 'game_list', room: t.room }))).toBe('not_member');
    await joinRoom(t.ada, t.room);
    const back = await gameEvent(t.bob, (g) => g.id === active.id && g.version > away.game.version);
    expect(back.game).toMatchObject({ status: 'active', away: [] });
  });
});
