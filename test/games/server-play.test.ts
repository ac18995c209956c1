/**
 * Games on a real server (127.0.0.1, port 0, SQLite in a temp folder), with raw frames: the
 * invitation and its answers, a game to a win and to a draw, every refused move, and the
 * `game` event every member of the room gets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll } from '../support/harness.ts';
import { errorCode, gameEvent, moves, play, startedGame, table } from './server-support.ts';

afterEach(cleanupAll);

describe('games on a real server', () => {
  it('an invitation accepted: everyone in the room sees it, then a full game to a win with its line', async () => {
    const t = await table();
    const invited = await play(t.ada, { type: 'game_invite', room: t.room, opponent: t.bob.id, side: 'x' });
    expect(invited).toMatchObject({ status: 'invited', version: 1, inviter: t.ada.id, invitee: t.bob.id });
    expect(invited.players).toEqual({ x: { id: t.ada.id, name: 'Ada' }, o: { id: t.bob.id, name: 'Bob' } });
    for (const p of [t.ada, t.bob, t.eve]) {
      expect((await gameEvent(p, (g) => g.id === invited.id)).game).toEqual(invited);
    }
    const active = await play(t.bob, { type: 'game_accept', room: t.room, game: invited.id });
    expect(active).toMatchObject({ status: 'active', turn: 'x', nextMove: 1, version: 2 });
    // X: 0, 1, 2 (top row); O: 4, 5.
    const won = await moves(t, active, [0, 4, 1, 5, 2]);
    expect(won).toMatchObject({ status: 'won', winner: 'x', line: [0, 1, 2], turn: null, moves: [0, 4, 1, 5, 2] });
    const seen = await gameEvent(t.eve, (g) => g.id === won.id && g.status === 'won');
    expect(seen.game).toEqual(won);
    expect(seen.serverTime).toBeGreaterThanOrEqual(won.endedAt!);
  });

  it('an invitation declined by the invitee, and one withdrawn by the inviter', async () => {
    const t = await table();
    const first = await play(t.ada, { type: 'game_invite', room: t.room, opponent: t.bob.id, side: 'o' });
    expect(errorCode(await t.eve.client.request({ type: 'game_decline', room: t.room, game: first.id }))).toBe(
      'game_not_invited',
    );
    const declined = await play(t.bob, { type: 'game_decline', room: t.room, game: first.id });
    expect(declined).toMatchObject({ status: 'declined', endedBy: t.bob.id });
    expect(errorCode(await t.bob.client.request({ type: 'game_accept', room: t.room, game: first.id }))).toBe(
      'game_not_pending',
    );
    const second = await play(t.ada, { type: 'game_invite', room: t.room, opponent: t.bob.id, side: 'x' });
    const withdrawn = await play(t.ada, { type: 'game_decline', room: t.room, game: second.id });
    expect(withdrawn).toMatchObject({ status: 'declined', endedBy: t.ada.id });
  });

  it('a draw', async () => {
    const t = await table();
    const game = await startedGame(t);
    // X O X / X O O / O X X
    const draw = await moves(t, game, [0, 1, 2, 4, 3, 5, 7, 6, 8]);
    expect(draw).toMatchObject({ status: 'draw', winner: null, line: null, nextMove: 10 });
  });

  it('refuses out-of-turn, taken, stale and duplicate moves and a spectator, and applies none of them', async () => {
    const t = await table();
    const game = await startedGame(t);
    const move = (p: typeof t.ada, cell: number, n: number) =>
      p.client.request({ type: 'game_move', room: t.room, game: game.id, cell, move: n });
    expect(errorCode(await move(t.eve, 0, 1))).toBe('game_not_player');
    expect(errorCode(await t.eve.client.request({ type: 'game_resign', room: t.room, game: game.id }))).toBe(
      'game_not_player',
    );
    expect(errorCode(await t.eve.client.request({ type: 'game_accept', room: t.room, game: game.id }))).toBe(
      'game_not_invited',
    );
    expect(errorCode(await move(t.bob, 0, 1))).toBe('game_not_your_turn');
    const first = await play(t.ada, { type: 'game_move', room: t.room, game: game.id, cell: 4, move: 1 });
    // The same frame again (a resend after a reconnect): refused, never applied twice.
    expect(errorCode(await move(t.ada, 4, 1))).toBe('game_stale_move');
    expect(errorCode(await move(t.bob, 4, 1))).toBe('game_stale_move');
    expect(errorCode(await move(t.bob, 0, 3))).toBe('game_stale_move');
    expect(errorCode(await move(t.bob, 4, 2))).toBe('game_cell_taken');
    expect(errorCode(await move(t.ada, 0, 2))).toBe('game_not_your_turn');
    const list = await t.eve.client.request({ type: 'game_list', room: t.room });
    const open = (list['data'] as { open: { id: string; moves: number[]; version: number }[] }).open;
    expect(open).toEqual([expect.objectContaining({ id: game.id, moves: [4], version: first.version })]);
  });
});
