/**
 * Messages missed while away (issue 8, bug 1, the renderer's side). The client library in main
 * is the one owner of catch-up: after a reconnect it emits every missed message as a `message`
 * event. The renderer does not rejoin or page on its own then; it refreshes the room list and
 * DMs, counts every missed message from others as unread, and — only when the session behind
 * it is new (the browser build after its page socket dropped, or a server we were disconnected
 * from) — re-opens its open rooms with `since` = the last seq it has, so the library fetches the
 * rest as events.
 */
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Unsubscribe } from '../../src/shared/api/contract.ts';
import { ApiError } from '../../src/shared/api/proxy.ts';
import type { PageLink } from '../../src/renderer/src/api/get-api.ts';
import { dmKey, roomKey } from '../../src/renderer/src/features/conversations/conversation-key.ts';
import { createAppStore } from '../../src/renderer/src/state/store.ts';
import { chatMessage, FakeApi, room, SERVER, serverView } from './fake-api.ts';
import { renderApp } from './render-app.tsx';

const ROOMS = [
  room({ id: 'r1', name: 'one', topic: '' }),
  room({ id: 'r2', name: 'two', topic: '' }),
  room({ id: 'r3', name: 'three', topic: '' }),
];

/** A stand-in for web-api.ts's page link: only its fresh-session signal is used here. */
class FreshSessions implements PageLink {
  private listeners = new Set<() => void>();
  onFreshSession(listener: () => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  onLinkChange(): Unsubscribe {
    return () => {};
  }
  fire(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The app with r1, r2 and r3 open (each with one message from Bob), r1 on screen. */
async function renderWithThreeRooms(api = new FakeApi(), fresh?: FreshSessions) {
  api.rooms = ROOMS.map((r) => ({ ...r, lastSeq: 1 }));
  for (const r of ROOMS) api.roomMessages.set(r.id, [chatMessage({ room: r.id, seq: 1, msgId: `${r.id}-1` })]);
  const store = createAppStore();
  const user = userEvent.setup();
  renderApp(api, store, fresh);
  for (const name of ['three', 'two', 'one']) {
    await user.click(await screen.findByRole('button', { name: `Join ${name}` }));
    await screen.findByRole('textbox', { name: `Message #${name}` });
    if (name !== 'one') await user.click(screen.getByRole('button', { name: 'Browse rooms' }));
  }
  return { api, store, user };
}

const missed = (roomId: string, seq: number) =>
  chatMessage({ room: roomId, seq, msgId: `${roomId}-${seq}`, text: `missed in ${roomId}` });

describe('after a reconnect of the session (reconnecting → connected)', () => {
  it('does no catch-up of its own, refreshes rooms and DMs, and counts each missed message as unread', async () => {
    const { api, store } = await renderWithThreeRooms();
    const joins = api.callsTo('joinRoom').length;
    const lists = api.callsTo('listRooms').length;
    const dms = api.callsTo('listDms').length;

    act(() => api.emit('serverChanged', serverView({ status: 'reconnecting', retryAt: Date.now() + 1000 })));
    // The client library catches up and emits what was missed, then the session says connected.
    act(() => {
      for (const id of ['r1', 'r2', 'r3']) api.emit('message', { server: SERVER, message: missed(id, 2) });
      api.emit('serverChanged', serverView());
    });

    await waitFor(() => expect(api.callsTo('listRooms').length).toBe(lists + 1));
    expect(api.callsTo('listDms').length).toBe(dms + 1);
    // No rejoin, no paging: the library already delivered everything.
    expect(api.callsTo('joinRoom').length).toBe(joins);
    expect(api.callsTo('loadOlder')).toEqual([]);

    const { unread, timelines } = store.getState();
    expect(unread[roomKey(SERVER, 'r1')]).toBeUndefined(); // on screen
    expect(unread[roomKey(SERVER, 'r2')]).toBe(1);
    expect(unread[roomKey(SERVER, 'r3')]).toBe(1);
    for (const id of ['r1', 'r2', 'r3']) {
      const items = timelines[roomKey(SERVER, id)]!.items;
      expect(items.flatMap((i) => (i.kind === 'message' ? [i.message.seq] : []))).toEqual([1, 2]);
    }
    expect(screen.getByRole('button', { name: /^two\b.*\b1 unread/ })).toBeTruthy();
  });
});

describe('with a fresh session behind the page (the browser build after its socket dropped)', () => {
  it('re-opens every open room with since = the last seq it has; missed messages then come as events', async () => {
    const fresh = new FreshSessions();
    const { api, store } = await renderWithThreeRooms(new FakeApi(), fresh);
    const joins = api.callsTo('joinRoom').length;

    act(() => api.emit('serverChanged', serverView({ status: 'reconnecting', retryAt: Date.now() + 1000 })));
    // The new session's page: Bob posted once in each room meanwhile.
    for (const r of ROOMS) api.roomMessages.get(r.id)!.push(missed(r.id, 2));
    act(() => fresh.fire());
    act(() => api.emit('serverChanged', serverView({ status: 'idle', self: null })));
    act(() => api.emit('serverChanged', serverView()));

    await waitFor(() => expect(api.callsTo('joinRoom').length).toBe(joins + 3));
    expect(api.callsTo('joinRoom').slice(joins)).toEqual(
      expect.arrayContaining([
        [SERVER, 'r1', { since: 1 }],
        [SERVER, 'r2', { since: 1 }],
        [SERVER, 'r3', { since: 1 }],
      ]),
    );
    // The library emits what came after `since`, possibly after the join's page already had it.
    act(() => {
      for (const id of ['r1', 'r2', 'r3']) api.emit('message', { server: SERVER, message: missed(id, 2) });
    });
    const { unread } = store.getState();
    expect(unread[roomKey(SERVER, 'r1')]).toBeUndefined();
    expect(unread[roomKey(SERVER, 'r2')]).toBe(1);
    expect(unread[roomKey(SERVER, 'r3')]).toBe(1);

    // A later plain reconnect of that session needs nothing from the renderer again.
    act(() => api.emit('serverChanged', serverView({ status: 'reconnecting', retryAt: Date.now() + 1000 })));
    act(() => api.emit('serverChanged', serverView()));
    await waitFor(() => expect(api.callsTo('listDms').length).toBeGreaterThan(2));
    expect(api.callsTo('joinRoom').length).toBe(joins + 3);
  });

  it('asks from seq 0 for a room that was empty, and for nothing in a room never loaded', async () => {
    const fresh = new FreshSessions();
    const api = new FakeApi();
    api.rooms = [room({ id: 'r_empty', name: 'empty', topic: '', lastSeq: 0 })];
    const store = createAppStore();
    const user = userEvent.setup();
    renderApp(api, store, fresh);
    await user.click(await screen.findByRole('button', { name: 'Join empty' }));
    await screen.findByRole('textbox', { name: 'Message #empty' });
    const joins = api.callsTo('joinRoom').length;
    act(() => fresh.fire());
    act(() => api.emit('serverChanged', serverView({ status: 'idle', self: null })));
    act(() => api.emit('serverChanged', serverView()));
    // Everything after 0 is what was posted while away: the library emits it as events.
    await waitFor(() => expect(api.callsTo('joinRoom').slice(joins)).toEqual([[SERVER, 'r_empty', { since: 0 }]]));
  });

  it('re-opens the rooms of a server it had been disconnected from (its client was gone)', async () => {
    const { api } = await renderWithThreeRooms();
    const joins = api.callsTo('joinRoom').length;
    act(() => api.emit('serverChanged', serverView({ status: 'idle', self: null })));
    act(() => api.emit('serverChanged', serverView()));
    await waitFor(() => expect(api.callsTo('joinRoom').length).toBe(joins + 3));
    expect(api.callsTo('joinRoom').slice(joins)).toContainEqual([SERVER, 'r2', { since: 1 }]);
  });
});

describe('direct messages with a fresh session behind the page', () => {
  it('asks the library to catch up each DM it has from its newest seq; what comes counts as unread', async () => {
    const fresh = new FreshSessions();
    const { api, store } = await renderWithThreeRooms(new FakeApi(), fresh);
    // Bob wrote to Ada (seq 1 and 2 of their DM) while she had r1 on screen.
    const dm = (seq: number) =>
      chatMessage({ room: undefined, to: 'u_me', seq, msgId: `dm-${seq}`, text: `dm ${seq}` });
    act(() => {
      api.emit('message', { server: SERVER, message: dm(1) });
      api.emit('message', { server: SERVER, message: dm(2) });
    });
    const key = dmKey(SERVER, 'u_bob');
    expect(store.getState().unread[key]).toBe(2);

    act(() => api.emit('serverChanged', serverView({ status: 'reconnecting', retryAt: Date.now() + 1000 })));
    act(() => fresh.fire());
    act(() => api.emit('serverChanged', serverView({ status: 'idle', self: null })));
    act(() => api.emit('serverChanged', serverView()));

    await waitFor(() => expect(api.callsTo('catchUpDm')).toEqual([[SERVER, 'u_bob', { since: 2 }]]));
    act(() => api.emit('message', { server: SERVER, message: dm(3) }));
    expect(store.getState().unread[key]).toBe(3);

    // A plain reconnect of the same session: the library resumes DMs by itself.
    act(() => api.emit('serverChanged', serverView({ status: 'reconnecting', retryAt: Date.now() + 1000 })));
    act(() => api.emit('serverChanged', serverView()));
    await waitFor(() => expect(api.callsTo('listDms').length).toBeGreaterThan(2));
    expect(api.callsTo('catchUpDm')).toHaveLength(1);
  });
});

describe('a page whose server is away at start-up (browser build, from the service worker cache)', () => {
  it('says it is reconnecting, then starts once the socket is up', async () => {
    const api = new FakeApi();
    // Calls fail while the socket cannot open (web-api.ts rejects them with 'disconnected').
    let down = true;
    const getAppInfo = api.getAppInfo.bind(api);
    api.getAppInfo = async () => {
      if (down) throw new ApiError('disconnected', 'Lost the connection to the server');
      return getAppInfo();
    };
    const linkListeners = new Set<(up: boolean) => void>();
    const link: PageLink = {
      onFreshSession: () => () => {},
      onLinkChange: (listener) => {
        linkListeners.add(listener);
        return () => linkListeners.delete(listener);
      },
    };
    renderApp(api, createAppStore(), link);
    act(() => linkListeners.forEach((l) => l(false)));
    expect(await screen.findByText('Reconnecting to the server…')).toBeTruthy();
    expect(screen.queryByText('Parley could not start')).toBeNull();
    down = false;
    act(() => linkListeners.forEach((l) => l(true)));
    await screen.findByRole('button', { name: 'Join general' });
  });
});
