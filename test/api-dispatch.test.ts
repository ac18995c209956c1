/**
 * The one dispatch path of app calls (src/shared/api/dispatch.ts), shared by the Electron IPC
 * handler and the web gateway: arguments validated against the contract before the
 * implementation runs, outcomes wrapped in the response envelope, unexpected errors reported.
 */
import { describe, expect, it } from 'vitest';
import { dispatchCall, isApiCallName } from '../src/shared/api/dispatch.ts';
import { ApiError } from '../src/shared/api/proxy.ts';
import type { ParleyApiCalls } from '../src/shared/api/contract.ts';

describe('dispatchCall', () => {
  it('refuses arguments that do not match the schema, in words, without calling', async () => {
    let called = false;
    const calls: Pick<ParleyApiCalls, 'joinRoom'> = {
      joinRoom: async () => {
        called = true;
        throw new Error('not reached');
      },
    };
    const response = await dispatchCall(calls, 'joinRoom', ['host:1', 'room', { since: -1 }]);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.code).toBe('bad_arguments');
    expect(response.error.message).toMatch(/^joinRoom: /);
    expect(response.error.message).toMatch(/since/);
    expect(response.error.message.length).toBeLessThanOrEqual(600);
    expect(called).toBe(false);
    const huge = await dispatchCall(
      calls,
      'joinRoom',
      Array.from({ length: 500 }, () => ({ x: 'y'.repeat(100) })),
    );
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.error.message.length).toBeLessThanOrEqual(600);
  });

  it('passes validated arguments and wraps results and errors in the envelope', async () => {
    const seen: unknown[] = [];
    const internal: string[] = [];
    const calls: Pick<ParleyApiCalls, 'listRooms' | 'leaveRoom'> = {
      listRooms: async (key) => {
        seen.push(key);
        return { rooms: [], hasMore: false };
      },
      leaveRoom: async (_key, room) => {
        if (room === 'gone') throw new ApiError('room_not_found', 'No such room');
        throw new TypeError('boom');
      },
    };
    const onInternalError = (name: string) => internal.push(name);
    expect(await dispatchCall(calls, 'listRooms', ['a:1'], { onInternalError })).toEqual({
      ok: true,
      value: { rooms: [], hasMore: false },
    });
    expect(seen).toEqual(['a:1']);
    expect(await dispatchCall(calls, 'leaveRoom', ['a:1', 'gone'], { onInternalError })).toEqual({
      ok: false,
      error: { code: 'room_not_found', message: 'No such room' },
    });
    expect(await dispatchCall(calls, 'leaveRoom', ['a:1', 'r'], { onInternalError })).toEqual({
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
    expect(internal).toEqual(['leaveRoom']);
  });

  it('knows the contract call names, and nothing inherited', () => {
    expect(isApiCallName('joinRoom')).toBe(true);
    expect(isApiCallName('toString')).toBe(false);
    expect(isApiCallName('__proto__')).toBe(false);
  });
});
