/**
 * The client library's games (src/main/core/client/features/games.ts) against a real server:
 * two clients play a full game while a third watches, and every one of them gets every change
 * as the client's `game` event, in version order, ending in the state the mover's reply had;
 * the server's refusals arrive as ParleyErrors with their codes (a spectator's move, out of
 * turn, a taken cell, a stale and a duplicate move, a move after the end, an answer by someone
 * who was not invited); a declined invitation; a rematch with the sides swapped; listGames and
 * gameScores, and listGames' paging; a move resent after the connection dropped is never applied twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ParleyError, type ParleyClient } from '../../src/main/core/client/parley-client.ts';
import type { GameEvent, GameInfo } from '../../src/shared/protocol/server-frames.ts';
import { barrier, cleanupAll, connectClient, record, startServer, TcpProxy, waitForEvent } from '../support/harness.ts';

afterEach(cleanupAll);

interface Table {
  ada: ParleyClient;
  bob: ParleyClient;
  eve: ParleyClient;
  room: string;
  seen: { ada: GameEvent[]; bob: GameEvent[]; eve: GameEvent[] };
}

/** Ada, Bob and Eve (the spectator) in one room of a real server; Bob optionally through `bobPort`. */
async function table(port: number, bobPort = port): Promise<Table> {
  const ada = await connectClient(port, 'Ada');
  const bob = await connectClient(bobPort, 'Bob');
  const eve = await connectClient(port, 'Eve');
  const { room } = await ada.createRoom('games');
  for (const c of [ada, bob, eve]) await c.joinRoom(room.id);
  const seen = {
    ada: record<GameEvent>(ada, 'game'),
    bob: record<GameEvent>(bob, 'game'),
    eve: record<GameEvent>(eve, 'game'),
  };
  return { ada, bob, eve, room: room.id, seen };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => new Error('expected a refusal, but the request succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ParleyError);
  return (error as ParleyError).code;
}

/** The copies of `game` a client saw, by version. */
const versionsOf = (events: GameEvent[], game: string) =>
  events.filter((e) => e.game.id === game).map((e) => e.game.version);

describe('games through the client library', () => {
  it('two players play a game to a win; everyone sees every move; refusals carry their codes', async () => {
    const { port } = await startServer();
    const t = await table(port);
    const { ada, bob, eve, room } = t;

    const invited = await ada.inviteGame(room, bob.userId!, 'x');
    expect(invited).toMatchObject({ status: 'invited', inviter: ada.userId, invitee: bob.userId, kind: 'ttt' });
    expect(invited.players.x.id).toBe(ada.userId);
    expect(invited.players.o.id).toBe(bob.userId);
    const g = invited.id;

    // Only the invitee may accept.
    expect(await refusal(eve.acceptGame(room, g))).toBe('game_not_invited');
    expect(await refusal(ada.acceptGame(room, g))).toBe('game_not_invited');
    expect(await refusal(ada.playMove(room, g, 0, 1))).toBe('game_not_started');
    const active = await bob.acceptGame(room, g);
    expect(active).toMatchObject({ status: 'active', turn: 'x', nextMove: 1 });

    // X (Ada) moves first; every refusal leaves the game as it was.
    expect(await refusal(bob.playMove(room, g, 4, 1))).toBe('game_not_your_turn');
    expect(await refusal(eve.playMove(room, g, 4, 1))).toBe('game_not_player');
    let game: GameInfo = await ada.playMove(room, g, 0, 1);
    expect(game.board[0]).toBe('x');
    expect(await refusal(ada.playMove(room, g, 0, 1))).toBe('game_stale_move'); // the same move again
    expect(await refusal(bob.playMove(room, g, 0, 2))).toBe('game_cell_taken');
    expect(await refusal(bob.playMove(room, g, 4, 1))).toBe('game_stale_move'); // an outdated board
    await bob.playMove(room, g, 3, 2);
    await ada.playMove(room, g, 1, 3);
    await bob.playMove(room, g, 4, 4);
    game = await ada.playMove(room, g, 2, 5);
    expect(game).toMatchObject({ status: 'won', winner: 'x', line: [0, 1, 2], turn: null, moves: [0, 3, 1, 4, 2] });
    expect(game.board).toEqual(['x', 'x', 'x', 'o', 'o', null, null, null, null]);
    expect(await refusal(bob.playMove(room, g, 5, 6))).toBe('game_over');
    expect(await refusal(bob.resignGame(room, g))).toBe('game_over');

    // Every client, the spectator's too, saw each version once and in order, ending at the winning move.
    await barrier(ada, bob, eve);
    for (const events of [t.seen.ada, t.seen.bob, t.seen.eve]) {
      // One event per change (the invitation, the acceptance, five moves), versions rising.
      const versions = versionsOf(events, g);
      expect(versions).toHaveLength(7);
      expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
      expect(events.at(-1)!.game).toEqual(game);
      expect(typeof events.at(-1)!.serverTime).toBe('number');
    }

    // The room's games and scoreboard.
    const page = await eve.listGames(room);
    expect(page.open).toEqual([]);
    expect(page.ended.map((e) => e.id)).toEqual([g]);
    expect(page.ended[0]).toEqual(game);
    expect(page.hasMore).toBe(false);
    const scores = await eve.gameScores(room);
    expect(scores.map((s) => [s.user.name, s.wins, s.draws, s.losses])).toEqual([
      ['Ada', 1, 0, 0],
      ['Bob', 0, 0, 1],
    ]);

    // A rematch swaps the sides; a spectator cannot ask for one.
    expect(await refusal(eve.rematchGame(room, g))).toBe('game_not_player');
    const rematch = await bob.rematchGame(room, g);
    expect(rematch.id).not.toBe(g);
    expect(rematch).toMatchObject({ status: 'invited', rematchOf: g, inviter: bob.userId, invitee: ada.userId });
    expect(rematch.players.x.id).toBe(bob.userId);
    expect(rematch.players.o.id).toBe(ada.userId);
    // Ada clicking "Rematch" too accepts Bob's: one game, not two.
    const accepted = await ada.rematchGame(room, g);
    expect(accepted).toMatchObject({ id: rematch.id, status: 'active', turn: 'x' });
    // Bob (now X) resigns: Ada wins as O.
    const resigned = await bob.resignGame(room, rematch.id);
    expect(resigned).toMatchObject({ status: 'resigned', winner: 'o', endedBy: bob.userId });
    await barrier(eve);
    expect(t.seen.eve.at(-1)!.game).toEqual(resigned);
  });

  it('an invitation declined by the invitee, one withdrawn by the inviter, and a random side', async () => {
    const { port } = await startServer();
    const { ada, bob, eve, room, seen } = await table(port);
    const first = await ada.inviteGame(room, bob.userId!, 'o');
    expect(first.players.o.id).toBe(ada.userId);
    expect(await refusal(eve.declineGame(room, first.id))).toBe('game_not_invited');
    const declined = await bob.declineGame(room, first.id);
    expect(declined).toMatchObject({ status: 'declined', endedBy: bob.userId });
    expect(await refusal(bob.acceptGame(room, first.id))).toBe('game_not_pending');

    const second = await ada.inviteGame(room, bob.userId!, 'random');
    expect(second.sideChoice).toBe('random');
    expect([second.players.x.id, second.players.o.id].sort()).toEqual([ada.userId, bob.userId].sort());
    const withdrawn = await ada.declineGame(room, second.id);
    expect(withdrawn).toMatchObject({ status: 'declined', endedBy: ada.userId });

    // Oneself, and a user who is not in the room, cannot be invited; an unknown game is not found.
    expect(await refusal(ada.inviteGame(room, ada.userId!, 'x'))).toBe('game_opponent_invalid');
    await eve.leaveRoom(room);
    expect(await refusal(ada.inviteGame(room, eve.userId!, 'x'))).toBe('game_opponent_invalid');
    expect(await refusal(ada.acceptGame(room, 'g_nope'))).toBe('game_not_found');
    await barrier(ada);
    expect(seen.ada.filter((e) => e.game.id === first.id).at(-1)!.game).toEqual(declined);
  });

  it('listGames pages the ended games newest first, the open ones on the first page only', async () => {
    const { port } = await startServer();
    const { ada, bob, eve, room } = await table(port);
    const declined: GameInfo[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await ada.inviteGame(room, bob.userId!, 'x');
      declined.push(await bob.declineGame(room, id));
    }
    // Newest ended first; games that ended in the same millisecond by id, descending.
    const ended = declined
      .sort((a, b) => b.endedAt! - a.endedAt! || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((e) => e.id);
    const open = await eve.inviteGame(room, ada.userId!, 'o');
    const first = await bob.listGames(room, { limit: 2 });
    expect(first.open.map((e) => e.id)).toEqual([open.id]);
    expect(first.ended.map((e) => e.id)).toEqual(ended.slice(0, 2));
    expect(first).toMatchObject({ hasMore: true, next: ended[1] });
    const second = await bob.listGames(room, { before: first.next!, limit: 2 });
    expect(second.open).toEqual([]);
    expect(second.ended.map((e) => e.id)).toEqual(ended.slice(2));
    expect(second.hasMore).toBe(false);
    expect(await refusal(bob.listGames(room, { before: open.id }))).toBe('game_not_found');
  });

  it('a move resent after the connection dropped is applied once (game_stale_move), and events resume', async () => {
    const { port } = await startServer();
    const relay = await TcpProxy.start(port);
    const { ada, bob, room } = await table(port, relay.port);
    const { id: g } = await ada.inviteGame(room, bob.userId!, 'o'); // Bob plays X
    await bob.acceptGame(room, g);
    const moved = await bob.playMove(room, g, 4, 1);
    expect(moved.nextMove).toBe(2);

    relay.cut();
    await waitForEvent(bob, 'status', (s: { status: string }) => s.status === 'reconnecting');
    const afterAda = await ada.playMove(room, g, 0, 2);
    relay.restore();
    await waitForEvent(bob, 'status', (s: { status: string }) => s.status === 'connected');

    // Bob is unsure his first move arrived and sends it again: refused, nothing applied twice.
    expect(await refusal(bob.playMove(room, g, 4, 1))).toBe('game_stale_move');
    const page = await bob.listGames(room);
    const current = page.open.find((e) => e.id === g)!;
    expect(current.moves).toEqual([4, 0]);
    expect(current.version).toBeGreaterThanOrEqual(afterAda.version);
    // Rejoined: Bob's client gets the room's events again.
    const next = waitForEvent(ada, 'game', (e: GameEvent) => e.game.id === g && e.game.moves.length === 3);
    await bob.playMove(room, g, 8, current.nextMove);
    expect((await next).game.board[8]).toBe('x');
  });
});
