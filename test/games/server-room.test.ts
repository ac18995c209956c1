/**
 * Games in a room on a real server: several at once, one active game per player (game_busy),
 * the cap on a room's open games, a rematch with sides swapped, game_list for someone who joins
 * later (open games, ended ones newest first, paged), the scoreboard, renames, and hostile frames.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { boardOf } from '../../src/shared/games/tic-tac-toe.ts';
import type { GameInfo, GamePage } from '../../src/shared/protocol/features/games.ts';
import { cleanupAll } from '../support/harness.ts';
import {
  connect,
  errorCode,
  gameEvent,
  joinRoom,
  moves,
  ok,
  play,
  startedGame,
  table,
  type Person,
  type Table,
} from './server-support.ts';

afterEach(cleanupAll);

const invite = (t: Table, from: Person, to: Person, side = 'x') =>
  from.client.request({ type: 'game_invite', room: t.room, opponent: to.id, side });

describe('games in a room', () => {
  it('runs two games at once; a player is in at most one active game and holds one open invitation', async () => {
    const t = await table();
    const cy = await connect(t.server.port, 'Cy');
    await joinRoom(cy, t.room);
    const first = await startedGame(t); // Ada vs Bob
    expect(errorCode(await invite(t, t.ada, t.eve))).toBe('game_busy');
    expect(errorCode(await invite(t, t.eve, t.bob))).toBe('game_busy');
    const second = ok<{ game: GameInfo }>(await invite(t, t.eve, cy, 'o')).game;
    expect(errorCode(await invite(t, t.eve, cy))).toBe('game_busy'); // one open invitation of her own
    const active = await play(cy, { type: 'game_accept', room: t.room, game: second.id });
    expect(active.players).toEqual({ x: { id: cy.id, name: 'Cy' }, o: { id: t.eve.id, name: 'Eve' } });
    await play(cy, { type: 'game_move', room: t.room, game: second.id, cell: 8, move: 1 });
    await moves(t, first, [0]);
    const page = ok<GamePage>(await t.bob.client.request({ type: 'game_list', room: t.room }));
    expect(page.open.map((g) => [g.id, g.moves])).toEqual([
      [first.id, [0]],
      [second.id, [8]],
    ]);
    // The invitation to oneself, or to someone not in the room.
    expect(errorCode(await invite(t, cy, cy))).toBe('game_opponent_invalid');
    expect(
      errorCode(await t.ada.client.request({ type: 'game_invite', room: t.room, opponent: 'u_nobody', side: 'x' })),
    ).toBe('game_opponent_invalid');
  });

  it('caps the open games of a room (game_busy past maxOpenGamesPerRoom)', async () => {
    const t = await table({ maxOpenGamesPerRoom: 2 });
    const cy = await connect(t.server.port, 'Cy');
    await joinRoom(cy, t.room);
    ok(await invite(t, t.ada, t.bob));
    ok(await invite(t, t.bob, t.eve));
    const refused = await invite(t, t.eve, cy);
    expect(errorCode(refused)).toBe('game_busy');
    expect(refused['message']).toMatch(/2 open games/);
  });

  it('a rematch swaps the sides; both asking makes one game; the first game is named', async () => {
    const t = await table();
    const first = await startedGame(t, 'x'); // Ada X
    const resigned = await play(t.bob, { type: 'game_resign', room: t.room, game: first.id });
    expect(resigned).toMatchObject({ status: 'resigned', winner: 'x', endedBy: t.bob.id });
    expect(errorCode(await t.eve.client.request({ type: 'game_rematch', room: t.room, game: first.id }))).toBe(
      'game_not_player',
    );
    const asked = await play(t.bob, { type: 'game_rematch', room: t.room, game: first.id });
    expect(asked).toMatchObject({ status: 'invited', rematchOf: first.id, inviter: t.bob.id, invitee: t.ada.id });
    expect(asked.players).toEqual({ x: { id: t.bob.id, name: 'Bob' }, o: { id: t.ada.id, name: 'Ada' } });
    // Asking again answers the same invitation; the other player asking accepts it.
    expect((await play(t.bob, { type: 'game_rematch', room: t.room, game: first.id })).id).toBe(asked.id);
    const accepted = await play(t.ada, { type: 'game_rematch', room: t.room, game: first.id });
    expect(accepted).toMatchObject({ id: asked.id, status: 'active', turn: 'x' });
    expect((await gameEvent(t.eve, (g) => g.id === asked.id && g.status === 'active')).game).toEqual(accepted);
    expect(errorCode(await t.ada.client.request({ type: 'game_rematch', room: t.room, game: asked.id }))).toBe(
      'game_not_over',
    );
  });

  it('gives a late joiner the open games and the ended ones, newest first, in pages; and the scoreboard', async () => {
    const t = await table();
    // Ada beats Bob, then a draw, then Bob beats Ada, then an open game.
    const g1 = await moves(t, await startedGame(t), [0, 3, 1, 4, 2]);
    const g2 = await moves(t, await startedGame(t), [0, 1, 2, 4, 3, 5, 7, 6, 8]);
    const g3 = await moves(t, await startedGame(t, 'o'), [0, 3, 1, 4, 2]); // Bob X wins
    const g4 = await startedGame(t);
    expect([g1.status, g2.status, g3.status]).toEqual(['won', 'draw', 'won']);
    const dan = await connect(t.server.port, 'Dan');
    await joinRoom(dan, t.room);
    const first = ok<GamePage>(await dan.client.request({ type: 'game_list', room: t.room, limit: 2 }));
    expect(first.open.map((g) => g.id)).toEqual([g4.id]);
    expect(first.ended.map((g) => g.id)).toEqual([g3.id, g2.id]);
    expect(first).toMatchObject({ hasMore: true, next: g2.id });
    expect(first.ended[0]).toEqual(g3);
    const second = ok<GamePage>(
      await dan.client.request({ type: 'game_list', room: t.room, limit: 2, before: first.next }),
    );
    expect(second).toMatchObject({ open: [], hasMore: false });
    expect(second.ended.map((g) => g.id)).toEqual([g1.id]);
    expect(second.next).toBeUndefined();
    expect(errorCode(await dan.client.request({ type: 'game_list', room: t.room, before: g4.id }))).toBe(
      'game_not_found',
    );
    const scores = ok<{ scores: unknown[] }>(await dan.client.request({ type: 'game_scores', room: t.room }));
    expect(scores.scores).toEqual([
      { user: { id: t.ada.id, name: 'Ada' }, wins: 1, draws: 1, losses: 1 },
      { user: { id: t.bob.id, name: 'Bob' }, wins: 1, draws: 1, losses: 1 },
    ]);
    // The scoreboard follows a new result.
    await play(t.ada, { type: 'game_resign', room: t.room, game: g4.id });
    const after = ok<{ scores: { user: { id: string }; wins: number }[] }>(
      await dan.client.request({ type: 'game_scores', room: t.room }),
    );
    expect(after.scores[0]).toMatchObject({ user: { id: t.bob.id }, wins: 2 });
  });

  it('a rename shows in open games, not in ended ones', async () => {
    const t = await table();
    const ended = await play(t.bob, {
      type: 'game_decline',
      room: t.room,
      game: ok<{ game: GameInfo }>(await invite(t, t.ada, t.bob)).game.id,
    });
    const active = await startedGame(t);
    ok(await t.ada.client.request({ type: 'rename', name: 'Ada Lovelace' }));
    const { game } = await gameEvent(t.eve, (g) => g.id === active.id && g.players.x.name === 'Ada Lovelace');
    expect(game.version).toBe(active.version + 1);
    const page = ok<GamePage>(await t.eve.client.request({ type: 'game_list', room: t.room }));
    expect(page.ended.find((g) => g.id === ended.id)!.players.x.name).toBe('Ada');
  });

  it('hostile frames are refused with a clear code; games of other rooms are not found; the server keeps serving', async () => {
    const t = await table();
    const game = await startedGame(t);
    const other = ok<{ room: { id: string } }>(await t.eve.client.request({ type: 'room_create', name: 'other' })).room;
    await joinRoom(t.eve, other.id);
    const bad: Record<string, unknown>[] = [
      { type: 'game_move', room: t.room, game: game.id, cell: 9, move: 1 },
      { type: 'game_move', room: t.room, game: game.id, cell: -1, move: 1 },
      { type: 'game_move', room: t.room, game: game.id, cell: 1.5, move: 1 },
      { type: 'game_move', room: t.room, game: game.id, cell: 0, move: 0 },
      { type: 'game_move', room: t.room, game: game.id, cell: 0, move: '1' },
      { type: 'game_move', room: t.room, game: game.id, cell: 0 },
      { type: 'game_move', room: t.room, game: 'g'.repeat(65), cell: 0, move: 1 },
      { type: 'game_invite', room: t.room, opponent: t.bob.id, side: 'purple' },
      { type: 'game_invite', room: t.room, opponent: t.bob.id, side: 'x', kind: 'chess' },
      { type: 'game_list', room: t.room, limit: 101 },
      { type: 'game_list', room: t.room, before: '' },
      { type: 'game_accept', room: t.room, game: { $ne: null } },
    ];
    for (const frame of bad)
      expect(errorCode(await t.ada.client.request(frame)), JSON.stringify(frame)).toBe('bad_request');
    // A game of another room is answered exactly like a missing one.
    expect(
      errorCode(await t.eve.client.request({ type: 'game_move', room: other.id, game: game.id, cell: 0, move: 1 })),
    ).toBe('game_not_found');
    expect(errorCode(await t.ada.client.request({ type: 'game_resign', room: t.room, game: 'g_nope' }))).toBe(
      'game_not_found',
    );
    expect(
      errorCode(await t.ada.client.request({ type: 'game_move', room: other.id, game: game.id, cell: 0, move: 1 })),
    ).toBe('not_member');
    // Nothing was applied; the game goes on.
    const moved = await play(t.ada, { type: 'game_move', room: t.room, game: game.id, cell: 0, move: 1 });
    expect(moved).toMatchObject({ moves: [0], version: game.version + 1 });
  });

  it('a storm of random game frames from players and a spectator: every one answered, no move applied twice', async () => {
    const t = await table({ rateBurst: 10_000, ratePerSecond: 10_000 });
    const people = [t.ada, t.bob, t.eve];
    // mulberry32: a small seeded generator, so a failure replays the same storm.
    let seed = 13;
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return Math.floor((((x ^ (x >>> 14)) >>> 0) / 2 ** 32) * n);
    };
    const games: string[] = ['g_nope'];
    // Moves weigh most; half of them carry the number the sender last saw (a fair attempt).
    const weights: [string, number][] = [
      ['game_invite', 2],
      ['game_accept', 3],
      ['game_decline', 1],
      ['game_resign', 1],
      ['game_rematch', 1],
      ['game_list', 1],
      ['game_move', 12],
    ];
    const types = weights.flatMap(([type, n]) => Array<string>(n).fill(type));
    const seen = new Map<string, GameInfo>();
    const byId = new Map(people.map((p) => [p.id, p]));
    for (let i = 0; i < 400; i++) {
      // Eve sees every change: the newest state of each game, for fair attempts.
      for (const f of t.eve.client.frames.splice(0)) {
        if (f.type === 'game') seen.set((f['game'] as GameInfo).id, f['game'] as GameInfo);
      }
      let from = people[rand(3)]!;
      const type = types[rand(types.length)]!;
      const game = rand(2) ? games.at(-1) : games[rand(games.length)];
      const frame: Record<string, unknown> = { type, room: t.room, game };
      if (type === 'game_invite')
        Object.assign(frame, { opponent: people[rand(3)]!.id, side: ['x', 'o', 'random'][rand(3)] });
      if (type === 'game_move') {
        const known = seen.get(frame['game'] as string);
        if (known?.turn && rand(2)) from = byId.get(known.players[known.turn].id)!;
        Object.assign(frame, { cell: rand(10) - 1, move: known && rand(2) ? known.nextMove : rand(11) });
      }
      const reply = await from.client.request(frame);
      expect(['result', 'error']).toContain(reply.type);
      expect(reply['fatal']).toBeUndefined();
      const answered = (reply['data'] as { game?: GameInfo } | undefined)?.game;
      if (answered && !games.includes(answered.id)) games.push(answered.id);
      if (answered) seen.set(answered.id, answered);
    }
    const page = ok<GamePage>(await t.eve.client.request({ type: 'game_list', room: t.room, limit: 100 }));
    for (const game of [...page.open, ...page.ended]) {
      expect(new Set(game.moves).size).toBe(game.moves.length);
      expect(game.board).toEqual(boardOf(game.moves));
      expect(game.nextMove).toBe(game.moves.length + 1);
    }
    expect(page.open.length + page.ended.length).toBeGreaterThan(1);
    // The storm did play: some moves were applied (and none twice, above).
    expect([...page.open, ...page.ended].some((g) => g.moves.length >= 3)).toBe(true);
    expect(people.every((p) => !p.client.closed)).toBe(true);
  });
});
