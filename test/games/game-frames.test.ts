/**
 * The games frames as the server validates them (CLIENT_FRAME_SCHEMAS): registered, bounded,
 * hostile values refused; and the game codes are wire error codes.
 */
import { describe, expect, it } from 'vitest';
import { API_ARGS } from '../../src/shared/api/contract.ts';
import { ERROR_CODES, FATAL_ERROR_CODES } from '../../src/shared/protocol/error-codes.ts';
import { GAME_REQUESTS, MAX_GAME_PAGE } from '../../src/shared/protocol/features/games.ts';
import { CLIENT_FRAME_SCHEMAS, isClientFrameType } from '../../src/shared/protocol/registry.ts';

const parse = (frame: Record<string, unknown>) => {
  const type = frame['type'] as string;
  if (!isClientFrameType(type)) throw new Error(`${type} is not registered`);
  return CLIENT_FRAME_SCHEMAS[type].safeParse(frame);
};
const ok = (frame: Record<string, unknown>) => expect(parse(frame).success, JSON.stringify(frame)).toBe(true);
const bad = (frame: Record<string, unknown>) => expect(parse(frame).success, JSON.stringify(frame)).toBe(false);

describe('game frames', () => {
  it('are all in the registry', () => {
    for (const type of Object.keys(GAME_REQUESTS)) expect(isClientFrameType(type)).toBe(true);
  });

  it('game_invite: side x, o or random; kind defaults to ttt', () => {
    const base = { type: 'game_invite', id: 1, room: 'r_1', opponent: 'u_bob' };
    for (const side of ['x', 'o', 'random']) ok({ ...base, side });
    expect(CLIENT_FRAME_SCHEMAS.game_invite.parse({ ...base, side: 'x' }).kind).toBe('ttt');
    bad({ ...base, side: 'X' });
    bad({ ...base, side: 'x', kind: 'chess' });
    bad({ ...base });
    bad({ ...base, side: 'x', opponent: '' });
    bad({ ...base, side: 'x', opponent: 'u'.repeat(65) });
    bad({ ...base, side: 'x', room: '\ud800' });
  });

  it('game_move: cell 0–8 and move 1–9, integers', () => {
    const base = { type: 'game_move', id: 'm', room: 'r_1', game: 'g_1' };
    ok({ ...base, cell: 0, move: 1 });
    ok({ ...base, cell: 8, move: 9 });
    for (const [cell, move] of [
      [-1, 1],
      [9, 1],
      [1.5, 1],
      [4, 0],
      [4, 10],
      [4, 2.5],
      ['4', 1],
      [4, null],
    ]) {
      bad({ ...base, cell, move });
    }
    bad({ type: 'game_move', id: 'm', room: 'r_1', cell: 4, move: 1 });
  });

  it('accept, decline, resign, rematch name room and game', () => {
    for (const type of ['game_accept', 'game_decline', 'game_resign', 'game_rematch']) {
      ok({ type, id: 1, room: 'r_1', game: 'g_1' });
      bad({ type, id: 1, room: 'r_1' });
      bad({ type, id: 1, game: 'g_1' });
    }
  });

  it('game_list pages are bounded; game_scores names a room', () => {
    ok({ type: 'game_list', id: 1, room: 'r_1' });
    ok({ type: 'game_list', id: 1, room: 'r_1', before: 'g_9', limit: MAX_GAME_PAGE });
    bad({ type: 'game_list', id: 1, room: 'r_1', limit: MAX_GAME_PAGE + 1 });
    bad({ type: 'game_list', id: 1, room: 'r_1', limit: 0 });
    ok({ type: 'game_scores', id: 1, room: 'r_1' });
    bad({ type: 'game_scores', id: 1 });
  });

  it('game error codes are documented wire codes, none fatal', () => {
    const codes = Object.keys(ERROR_CODES).filter((c) => c.startsWith('game_'));
    expect(codes.sort()).toEqual(
      [
        'game_busy',
        'game_cell_taken',
        'game_not_found',
        'game_not_invited',
        'game_not_over',
        'game_not_pending',
        'game_not_player',
        'game_not_started',
        'game_not_your_turn',
        'game_opponent_invalid',
        'game_over',
        'game_stale_move',
      ].sort(),
    );
    for (const code of codes) expect(FATAL_ERROR_CODES.has(code as keyof typeof ERROR_CODES)).toBe(false);
  });

  it('the app calls bound their arguments like the wire', () => {
    expect(API_ARGS.playMove.safeParse(['h:1', 'r_1', 'g_1', 4, 1]).success).toBe(true);
    expect(API_ARGS.playMove.safeParse(['h:1', 'r_1', 'g_1', 9, 1]).success).toBe(false);
    expect(API_ARGS.playMove.safeParse(['h:1', 'r_1', 'g_1', 4, 10]).success).toBe(false);
    expect(API_ARGS.inviteGame.safeParse(['h:1', 'r_1', 'u_bob', 'random']).success).toBe(true);
    expect(API_ARGS.inviteGame.safeParse(['h:1', 'r_1', 'u_bob', 'y']).success).toBe(false);
    expect(API_ARGS.listGames.safeParse(['h:1', 'r_1']).success).toBe(true);
    expect(API_ARGS.listGames.safeParse(['h:1', 'r_1', { before: 'g_1', extra: 1 }]).success).toBe(false);
  });
});
