/**
 * Games survive a restart of the server (the same SQLite folder): a game in progress goes on once
 * both players are back, its players are away until they join again, and a deadline that passed
 * while the server was down fires at once with the deadline as its end time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { GamePage } from '../../src/shared/protocol/features/games.ts';
import { cleanupAll, startServer } from '../support/harness.ts';
import { connect, gameEvent, joinRoom, moves, ok, play, startedGame, table, type Table } from './server-support.ts';

afterEach(cleanupAll);

/** Closes the table's server and starts another on the same data folder; Ada and Bob reconnect. */
async function restart(t: Table, limits = {}) {
  await t.server.server.close();
  const server = await startServer({ dataDir: t.server.dataDir, limits });
  const ada = await connect(server.port, 'Ada', t.ada.credentials);
  const bob = await connect(server.port, 'Bob', t.bob.credentials);
  return { server, ada, bob };
}

describe('games across a server restart', () => {
  it('a game in progress goes on after a restart once both players have joined again', async () => {
    const t = await table();
    const active = await startedGame(t);
    const before = await moves(t, active, [0, 4, 1]); // O (Bob) to move
    const { ada, bob } = await restart(t);
    await joinRoom(ada, t.room);
    // Ada is back; Bob is away (nobody was connected at the start), his clock runs on his turn.
    const page = ok<GamePage>(await ada.client.request({ type: 'game_list', room: t.room }));
    expect(page.open).toHaveLength(1);
    const stored = page.open[0]!;
    expect(stored).toMatchObject({ id: active.id, status: 'active', moves: [0, 4, 1], turn: 'o' });
    expect(stored.version).toBeGreaterThan(before.version);
    expect(stored.away).toEqual([expect.objectContaining({ user: t.bob.id, side: 'o', deadline: expect.any(Number) })]);
    expect(stored.away[0]!.deadline! - page.serverTime).toBeLessThanOrEqual(60_000);
    await joinRoom(bob, t.room);
    const back = await gameEvent(ada, (g) => g.id === active.id && g.away.length === 0);
    expect(back.game.status).toBe('active');
    const t2 = { ...t, ada, bob };
    const won = await moves(t2, back.game, [7, 2]); // X: 0 1 2
    expect(won).toMatchObject({ status: 'won', winner: 'x', line: [0, 1, 2], moves: [0, 4, 1, 7, 2] });
  });

  it('an invitation that expired while the server was down is expired at start, at its expiresAt', async () => {
    const t = await table({ gameInvitationMs: 300 });
    const invited = await play(t.ada, { type: 'game_invite', room: t.room, opponent: t.bob.id, side: 'random' });
    await t.server.server.close();
    await sleep(400);
    const server = await startServer({ dataDir: t.server.dataDir, limits: { gameInvitationMs: 300 } });
    const ada = await connect(server.port, 'Ada', t.ada.credentials);
    await joinRoom(ada, t.room);
    const page = ok<GamePage>(await ada.client.request({ type: 'game_list', room: t.room }));
    expect(page.open).toEqual([]);
    expect(page.ended).toEqual([
      expect.objectContaining({ id: invited.id, status: 'expired', endedAt: invited.expiresAt }),
    ]);
  });

  it('a shutdown does not start anyone’s clock: after the restart, the player on turn has the full allowance', async () => {
    const t = await table({ gameReconnectMs: 60_000 });
    const active = await startedGame(t);
    await moves(t, active, [0]);
    await t.server.server.close();
    await sleep(100);
    const startedAt = Date.now();
    const server = await startServer({ dataDir: t.server.dataDir, limits: { gameReconnectMs: 60_000 } });
    const ada = await connect(server.port, 'Ada', t.ada.credentials);
    await joinRoom(ada, t.room);
    const page = ok<GamePage>(await ada.client.request({ type: 'game_list', room: t.room }));
    const clock = page.open[0]!.away[0]!;
    expect(clock).toMatchObject({ user: t.bob.id, remainingMs: 60_000 });
    // Away from the start of the new server, not from the shutdown.
    expect(clock.runningSince!).toBeGreaterThanOrEqual(startedAt);
  });
});
