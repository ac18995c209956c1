/**
 * After a reload the app comes back where the user was: the rooms they had open are open again
 * (and joined once the server connects), the conversation on screen is shown again, and a server
 * that connects while Home is shown is opened rather than leaving the user on Home.
 */
import { act, render, screen, waitFor } from '@testing-library/react';
import { VirtuosoMockContext } from 'react-virtuoso';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/src/components/app/App.tsx';
import {
  readRememberedRooms,
  REMEMBERED_ROOMS_KEY,
  type KeyValueStorage,
} from '../../src/renderer/src/features/rooms/remembered-rooms.ts';
import { homeShown } from '../../src/renderer/src/state/ui-slice.ts';
import { createAppStore } from '../../src/renderer/src/state/store.ts';
import { FakeApi, room, SERVER, serverView } from './fake-api.ts';
import { renderInRoom } from './render-app.tsx';

class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

function renderWith(api: FakeApi, storage: KeyValueStorage) {
  const store = createAppStore();
  const result = render(
    <VirtuosoMockContext.Provider value={{ viewportHeight: 2000, itemHeight: 40 }}>
      <App api={api} store={store} storage={storage} />
    </VirtuosoMockContext.Provider>,
  );
  return { ...result, store };
}

describe('remembered rooms', () => {
  it('reopens and rejoins the rooms that were open before a reload, showing the one on screen', async () => {
    const storage = new MemoryStorage();
    const first = new FakeApi();
    first.rooms = [room(), room({ id: 'r_games', name: 'games', topic: 'Play' })];
    const before = renderWith(first, storage);
    await screen.findByRole('button', { name: 'Join games' });
    act(() => screen.getByRole('button', { name: 'Join games' }).click());
    await screen.findByRole('textbox', { name: 'Message #games' });
    await waitFor(() => expect(readRememberedRooms(storage).rooms.map((r) => r.id)).toEqual(['r_games']));
    expect(readRememberedRooms(storage).shown).toBe(`${SERVER}|room:r_games`);
    before.unmount();

    // The reload: a fresh store and a session that has joined nothing yet.
    const second = new FakeApi();
    second.rooms = first.rooms;
    renderWith(second, storage);
    await screen.findByRole('textbox', { name: 'Message #games' });
    await waitFor(() => expect(second.callsTo('joinRoom')).toContainEqual([SERVER, 'r_games']));
  });

  it('ignores remembered data that is not what it should be', () => {
    const storage = new MemoryStorage();
    storage.setItem(REMEMBERED_ROOMS_KEY, '{"rooms":[{"server":"x","id":""}],"shown":null}');
    expect(readRememberedRooms(storage)).toEqual({ rooms: [], shown: null });
    storage.setItem(REMEMBERED_ROOMS_KEY, 'not json');
    expect(readRememberedRooms(storage)).toEqual({ rooms: [], shown: null });
    storage.setItem(REMEMBERED_ROOMS_KEY, 'x'.repeat(300 * 1024));
    expect(readRememberedRooms(storage)).toEqual({ rooms: [], shown: null });
  });

  it('does not bring back a room the user left', async () => {
    const storage = new MemoryStorage();
    const api = new FakeApi();
    const first = renderWith(api, storage);
    await screen.findByRole('button', { name: 'Join general' });
    act(() => screen.getByRole('button', { name: 'Join general' }).click());
    await screen.findByRole('textbox', { name: 'Message #general' });
    act(() => screen.getByRole('button', { name: /Leave/ }).click());
    await waitFor(() => expect(readRememberedRooms(storage).rooms).toEqual([]));
    first.unmount();
  });
});

describe('a server that connects while Home is shown', () => {
  it('is opened (the browser build connects to its host by itself at start-up)', async () => {
    const api = new FakeApi();
    api.servers = [serverView({ status: 'idle', self: null })];
    renderWith(api, new MemoryStorage());
    await screen.findByRole('heading', { name: 'Home' });
    act(() => api.emit('serverChanged', serverView({ status: 'connecting', self: null })));
    act(() => api.emit('serverChanged', serverView()));
    await screen.findByRole('button', { name: 'Join general' });
  });

  it('is not opened again after a reconnect when the user went Home', async () => {
    const { api, store } = await renderInRoom();
    act(() => homeShown(store));
    await screen.findByRole('heading', { name: 'Home' });
    act(() => api.emit('serverChanged', serverView({ status: 'reconnecting', retryAt: Date.now() + 1000 })));
    act(() => api.emit('serverChanged', serverView()));
    expect(screen.getByRole('heading', { name: 'Home' })).toBeTruthy();
  });
});
