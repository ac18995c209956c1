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
