/** The room browser: a fresh room list each time it is shown, without hiding the one we have. */
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RoomInfo } from '../../src/shared/protocol/server-frames.ts';
import { FakeApi, SERVER, room } from './fake-api.ts';
import { renderApp } from './render-app.tsx';

/** The room list's row for a room, by the room's name. */
function rowOf(name: string): HTMLElement {
  const list = screen.getByRole('list', { name: /^Rooms on / });
  const row = within(list)
    .getAllByRole('listitem')
    .find((item) => within(item).queryByRole('heading', { name }));
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}

describe('room browser', () => {
  it('re-reads member counts each time it is shown, keeping the list on screen meanwhile', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    renderApp(api);
    await screen.findByRole('button', { name: 'Join general' });

    // A room announced by roomCreated has no members yet; its creator joins right after.
    const random = room({ id: 'r_random', name: 'random', topic: '', members: 0 });
    act(() => api.emit('roomCreated', { server: SERVER, room: random }));
    expect(within(rowOf('random')).getByText('0 members')).toBeTruthy();
    api.rooms.push({ ...random, members: 3 });

    // Away to a room and back to the browser, with the server slow to answer.
    await user.click(screen.getByRole('button', { name: 'Join general' }));
    await screen.findByRole('textbox', { name: 'Message #general' });
    let answer: (rooms: RoomInfo[]) => void = () => {};
    const listRooms = api.listRooms.bind(api);
    api.listRooms = async (server) => {
      const rooms = await listRooms(server);
      return new Promise((resolve) => (answer = () => resolve(rooms)));
    };
    const before = api.callsTo('listRooms').length;
    await user.click(screen.getByRole('button', { name: 'Browse rooms' }));

    await waitFor(() => expect(api.callsTo('listRooms').length).toBe(before + 1));
    // The list we had stays, marked busy; no "Loading rooms…" in its place.
    expect(screen.getByRole('list', { name: /^Rooms on / }).getAttribute('aria-busy')).toBe('true');
    expect(screen.queryByText('Loading rooms…')).toBeNull();

    act(() => answer([]));
    await waitFor(() => expect(within(rowOf('random')).getByText('3 members')).toBeTruthy());
    expect(screen.getByRole('list', { name: /^Rooms on / }).getAttribute('aria-busy')).toBe('false');
  });

  it('fetches once, not twice, when the list is already being read', async () => {
    const api = new FakeApi();
    renderApp(api);
    await screen.findByRole('button', { name: 'Join general' });
    // Start-up: serverConnected reads the list; the browser, shown at the same moment, does not again.
    expect(api.callsTo('listRooms')).toEqual([[SERVER]]);
  });
});

describe('a server with many rooms (issue 9: the list comes a page at a time)', () => {
  /** 250 rooms on the server, read 100 at a time, like a classroom server's. */
  function manyRooms(): FakeApi {
    const api = new FakeApi();
    api.rooms = Array.from({ length: 250 }, (_, i) =>
      room({ id: `r_${i}`, name: `class-${String(i).padStart(3, '0')}`, members: 0 }),
    );
    return api;
  }
  const rowCount = () => within(screen.getByRole('list', { name: /^Rooms on / })).getAllByRole('listitem').length;

  it('shows the first page, then more pages on "Show more rooms", each room once, until the last', async () => {
    const user = userEvent.setup();
    const api = manyRooms();
    renderApp(api);
    await screen.findByRole('button', { name: 'Join class-000' });
    expect(rowCount()).toBe(100);
    expect(screen.queryByRole('button', { name: 'Join class-100' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Show more rooms' }));
    await screen.findByRole('button', { name: 'Join class-199' });
    expect(rowCount()).toBe(200);
    expect(api.callsTo('listRooms').at(-1)).toEqual([SERVER, { after: 'r_99' }]);

    await user.click(screen.getByRole('button', { name: 'Show more rooms' }));
    await screen.findByRole('button', { name: 'Join class-249' });
    expect(rowCount()).toBe(250);
    // The last page is read: no more to show, and the list is now sorted busiest first as before.
    expect(screen.queryByRole('button', { name: 'Show more rooms' })).toBeNull();

    // Away to a room and back: the browser reads the list again, as far as it was shown.
    await user.click(screen.getByRole('button', { name: 'Join class-042' }));
    await screen.findByRole('textbox', { name: 'Message #class-042' });
    await user.click(screen.getByRole('button', { name: 'Browse rooms' }));
    await waitFor(() => expect(api.callsTo('listRooms').at(-1)).toEqual([SERVER, { after: 'r_199' }]));
    expect(rowCount()).toBe(250);
  });

  it('finds a room that is not loaded yet by asking the server, not by reading every page', async () => {
    const user = userEvent.setup();
    const api = manyRooms();
    renderApp(api);
    await screen.findByRole('button', { name: 'Join class-000' });

    await user.type(screen.getByRole('searchbox', { name: 'Filter rooms by name' }), 'class-24');
    await screen.findByRole('button', { name: 'Join class-249' });
    expect(rowCount()).toBe(10);
    expect(api.callsTo('listRooms').at(-1)).toEqual([SERVER, { query: 'class-24' }]);
    // One search for what was typed (typing pauses are waited for), not one per key.
    expect(api.callsTo('listRooms').filter(([, options]) => options !== undefined)).toHaveLength(1);

    await user.clear(screen.getByRole('searchbox', { name: 'Filter rooms by name' }));
    await screen.findByRole('button', { name: 'Join class-000' });
    expect(rowCount()).toBe(100);
  });
});

describe('focus after creating or leaving a room', () => {
  it('puts the cursor in the new room’s composer after creating it', async () => {
    const user = userEvent.setup();
    renderApp(new FakeApi());
    await screen.findByRole('button', { name: 'Join general' });
    await user.click(screen.getByRole('button', { name: 'New room' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create a room' });
    await user.type(within(dialog).getByLabelText('Name'), 'plans');
    await user.click(within(dialog).getByRole('button', { name: 'Create room' }));
    const composer = await screen.findByRole('textbox', { name: 'Message #plans' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(composer));
  });

  it('moves focus to the room list’s heading after leaving a room, not to the page', async () => {
    const user = userEvent.setup();
    renderApp(new FakeApi());
    await user.click(await screen.findByRole('button', { name: 'Join general' }));
    await screen.findByRole('textbox', { name: 'Message #general' });
    await user.click(screen.getByRole('button', { name: 'Leave general' }));
    const heading = await screen.findByRole('heading', { level: 1, name: 'Kitchen' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
  });
});
