/**
 * The session's games (src/main/core/session/features/games.ts) against a real server, with real
 * SessionManagers whose events are recorded as the UI gets them: a full game to a draw through
 * the app calls, every change as `gameChanged` (server key, room, whole game) to both players and
 * a spectator; the server's refusals as ApiErrors with their codes; `roomGames` after joinRoom (a
 * member who joins later gets the open and the ended games) and, after a player's connection was
 * cut and came back, with the moves made meanwhile, or with the forfeit the server's timer decided
 * while they were away (which everyone else got as `gameChanged`); and one game
 * call and its events through the browser gateway's WebSocket (the gateway dispatches the contract
 * generically, so one call proves the wiring).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../src/shared/api/contract.ts';
import { startWebServer } from '../../src/main/core/web/web-server.ts';
import { WebApiConnection } from '../../src/renderer/src/api/web-api.ts';
import { cleanupAll, connectClient, onCleanup, startServer, TcpProxy, tempDir, waitFor } from '../support/harness.ts';
import { expectApiError, key, namedSession, type TestSession } from '../support/session-recorder.ts';

afterEach(cleanupAll);

interface Player {
  t: TestSession;
  k: string;
  id: string;
}

/** A session named `name` connected to `port` (a server or a relay in front of it), in `room`. */
async function player(name: string, port: number, room?: string): Promise<Player & { room: string }> {
  const t = await namedSession(name);
  const k = key(port);
  const view = await t.session.connectServer({ host: '127.0.0.1', port });
  const id = room ?? (await t.session.createRoom(k, { name: 'games' })).id;
  await t.session.joinRoom(k, id);
  return { t, k, id: view.self!.id, room: id };
}

/** The `gameChanged` payloads of one game a session got, in order. */
const changes = (t: TestSession, game: string) => t.all('gameChanged').filter((e) => e.game.id === game);

describe('games through the session', () => {
  it('a full game to a draw: both players and a spectator get every change; refusals are ApiErrors', async () => {
    const { port } = await startServer();
    const ada = await player('Ada', port);
    const room = ada.room;
    const bob = await player('Bob', port, room);
    const eve = await player('Eve', port, room);
    // Each join lists the room's games for the UI: none yet.
    for (const p of [ada, bob, eve]) {
      const listed = await p.t.waitFor('roomGames', (e) => e.room === room);
      expect(listed).toMatchObject({ server: p.k, page: { open: [], ended: [], hasMore: false } });
    }

    const invited = await ada.t.session.inviteGame(ada.k, room, bob.id, 'x');
    await bob.t.waitFor('gameChanged', (e) => e.game.id === invited.id);
    const g = invited.id;
    await expectApiError(eve.t.session.acceptGame(eve.k, room, g), 'game_not_invited');
    let game = await bob.t.session.acceptGame(bob.k, room, g);
    expect(game).toMatchObject({ status: 'active', turn: 'x' });

    // X: Ada, O: Bob. A draw: 0 4 8 2 6 3 5 7 1.
    const cells = [0, 4, 8, 2, 6, 3, 5, 7, 1];
    for (const [i, cell] of cells.entries()) {
      const [mover, other] = i % 2 === 0 ? [ada, bob] : [bob, ada];
      await expectApiError(other.t.session.playMove(other.k, room, g, cell, game.nextMove), 'game_not_your_turn');
      await expectApiError(eve.t.session.playMove(eve.k, room, g, cell, game.nextMove), 'game_not_player');
      if (i > 0) await expectApiError(mover.t.session.playMove(mover.k, room, g, cell, i), 'game_stale_move');
      game = await mover.t.session.playMove(mover.k, room, g, cell, game.nextMove);
    }
    expect(game).toMatchObject({ status: 'draw', winner: null, line: null, turn: null, nextMove: 10 });
    await expectApiError(ada.t.session.resignGame(ada.k, room, g), 'game_over');

    for (const p of [ada, bob, eve]) {
      const last = await p.t.waitFor('gameChanged', (e) => e.game.id === g && e.game.version === game.version);
      expect(last).toMatchObject({ server: p.k, room });
      expect(last.game).toEqual(game);
      // One event per change, versions rising: the invitation, the acceptance, nine moves.
      const versions = changes(p.t, g).map((e) => e.game.version);
      expect(versions).toHaveLength(11);
      expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    }

    const page = await eve.t.session.listGames(eve.k, room);
    expect(page.ended).toEqual([game]);
    const scores = await eve.t.session.gameScores(eve.k, room);
    expect(scores.map((s) => [s.user.name, s.wins, s.draws, s.losses])).toEqual([
      ['Ada', 0, 1, 0],
      ['Bob', 0, 1, 0],
    ]);
    // A rematch through the session: Bob is X now.
    const rematch = await ada.t.session.rematchGame(ada.k, room, g);
    expect(rematch.players.x.id).toBe(bob.id);
    const withdrawn = await ada.t.session.declineGame(ada.k, room, rematch.id);
    expect(withdrawn).toMatchObject({ status: 'declined', endedBy: ada.id });
    // The next page of ended games, after the newest one.
    const both = await eve.t.session.listGames(eve.k, room);
    expect(both.ended.map((e) => e.id).sort()).toEqual([g, rematch.id].sort());
    const older = await eve.t.session.listGames(eve.k, room, { before: both.ended[0]!.id });
    expect(older).toMatchObject({ open: [], ended: [both.ended[1]], hasMore: false });
  });

  it('after a reconnect, roomGames carries the moves made while the player was away', async () => {
    const { port } = await startServer();
    const ada = await player('Ada', port);
    const room = ada.room;
    const relay = await TcpProxy.start(port);
    const bob = await player('Bob', relay.port, room);
    const eve = await player('Eve', port, room);
    const { id: g } = await ada.t.session.inviteGame(ada.k, room, bob.id, 'o'); // Bob plays X
    await bob.t.session.acceptGame(bob.k, room, g);
    await bob.t.session.playMove(bob.k, room, g, 4, 1);

    const before = bob.t.events.length;
    relay.cut();
    await bob.t.waitFor('serverChanged', (v) => v.key === bob.k && v.status === 'reconnecting', 5000, before);
    // The server marks Bob away; Ada moves while Bob cannot hear it.
    await ada.t.waitFor('gameChanged', (e) => e.game.id === g && e.game.away.some((a) => a.user === bob.id));
    const afterAda = await ada.t.session.playMove(ada.k, room, g, 0, 2);
    relay.restore();

    const listed = await bob.t.waitFor('roomGames', (e) => e.room === room, 5000, before);
    expect(listed.server).toBe(bob.k);
    const current = listed.page.open.find((e) => e.id === g)!;
    expect(current.moves).toEqual([4, 0]);
    expect(current.version).toBeGreaterThanOrEqual(afterAda.version);
    expect(current.turn).toBe('x');
    // Bob is back (he rejoined the room): his clock is gone, and he plays on from the listed state.
    await waitFor(() => changes(eve.t, g).at(-1)!.game.away.length === 0, 'Bob back in the game');
    const next = await bob.t.session.playMove(bob.k, room, g, 8, current.nextMove);
    expect(next.moves).toEqual([4, 0, 8]);
    await eve.t.waitFor('gameChanged', (e) => e.game.id === g && e.game.version === next.version);
  });

  it('a player cut off on their turn forfeits for everyone; coming back, roomGames has the result', async () => {
    const { port } = await startServer({ limits: { gameReconnectMs: 300 } });
    const ada = await player('Ada', port);
    const room = ada.room;
    const relay = await TcpProxy.start(port);
    const bob = await player('Bob', relay.port, room);
    const eve = await player('Eve', port, room);
    const { id: g } = await bob.t.session.inviteGame(bob.k, room, ada.id, 'o'); // Ada plays X
    await ada.t.session.acceptGame(ada.k, room, g);
    await ada.t.session.playMove(ada.k, room, g, 4, 1); // Bob's turn now

    const before = bob.t.events.length;
    relay.cut();
    for (const p of [ada, eve]) {
      const ended = await p.t.waitFor('gameChanged', (e) => e.game.id === g && e.game.status === 'forfeited');
      expect(ended.game).toMatchObject({ winner: 'x', endedBy: bob.id, away: [] });
    }
    relay.restore();
    const listed = await bob.t.waitFor('roomGames', (e) => e.room === room, 5000, before);
    expect(listed.page.open).toEqual([]);
    expect(listed.page.ended.map((e) => [e.id, e.status, e.winner])).toEqual([[g, 'forfeited', 'x']]);
    await expectApiError(bob.t.session.playMove(bob.k, room, g, 0, 2), 'game_over');
    const scores = await bob.t.session.gameScores(bob.k, room);
    expect(scores.map((s) => [s.user.name, s.wins, s.losses])).toEqual([
      ['Ada', 1, 0],
      ['Bob', 0, 1],
    ]);
  });

  it('a member who joins later gets the open games and the ended ones as roomGames', async () => {
    const { port } = await startServer();
    const ada = await player('Ada', port);
    const room = ada.room;
    const bob = await player('Bob', port, room);
    const eve = await player('Eve', port, room);
    const first = await ada.t.session.inviteGame(ada.k, room, bob.id, 'x');
    await bob.t.session.acceptGame(bob.k, room, first.id);
    const resigned = await bob.t.session.resignGame(bob.k, room, first.id);
    const second = await eve.t.session.inviteGame(eve.k, room, ada.id, 'random');
    const active = await ada.t.session.acceptGame(ada.k, room, second.id);

    const zoe = await player('Zoe', port, room);
    const listed = await zoe.t.waitFor('roomGames', (e) => e.room === room);
    expect(listed.page.open).toEqual([active]);
    expect(listed.page.ended).toEqual([resigned]);
    // And from now on Zoe watches the live game.
    const mover = active.players.x.id === ada.id ? ada : eve;
    const moved = await mover.t.session.playMove(mover.k, room, second.id, 0, 1);
    const seen = await zoe.t.waitFor('gameChanged', (e) => e.game.id === second.id);
    expect(seen.game).toEqual(moved);
  });

  it('through the browser gateway: a game call and its gameChanged event over the WebSocket', async () => {
    const { port } = await startServer();
    const root = join(tempDir('parley-web-'), 'renderer');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
    const web = await startWebServer({
      host: '127.0.0.1',
      port: 0,
      staticDir: root,
      roomServer: { host: '127.0.0.1', port },
      version: '1',
    });
    onCleanup(() => web.close());
    const storage = new Map<string, string>();
    const connection = new WebApiConnection(`ws://127.0.0.1:${web.address.port}/api`, {
      storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
      minBackoffMs: 20,
      maxBackoffMs: 100,
    });
    onCleanup(() => connection.close());
    const { api } = connection;
    const seen: ApiEvents['gameChanged'][] = [];
    const listed: ApiEvents['roomGames'][] = [];
    api.on('gameChanged', (e) => seen.push(e));
    api.on('roomGames', (e) => listed.push(e));

    const bob = await connectClient(port, 'Bob');
    const { room } = await bob.createRoom('web games');
    await bob.joinRoom(room.id);
    await api.setDisplayName('Ada');
    const k = key(port);
    const view = await api.connectServer({ host: '127.0.0.1', port });
    await api.joinRoom(k, room.id);
    await waitFor(() => listed.length === 1, 'roomGames over the WebSocket');

    const game = await api.inviteGame(k, room.id, bob.userId!, 'x');
    expect(game).toMatchObject({ status: 'invited', inviter: view.self!.id, invitee: bob.userId });
    await bob.acceptGame(room.id, game.id);
    await waitFor(() => seen.some((e) => e.game.status === 'active'), 'the acceptance as gameChanged');
    expect(seen.map((e) => e.game.version)).toEqual([1, 2]);
    expect(seen[1]).toMatchObject({ server: k, room: room.id });
    const refused = await api.playMove(k, room.id, game.id, 4, 2).then(
      () => 'played',
      (e: unknown) => (e as { code?: string }).code,
    );
    expect(refused).toBe('game_stale_move');
  });
});
