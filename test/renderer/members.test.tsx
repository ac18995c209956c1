/** The member list says when it is not live, rather than showing stale presence as current. */
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { BOB, FakeApi, ME, SERVER, serverView } from './fake-api.ts';
import { renderInRoom } from './render-app.tsx';

describe('member list', () => {
  it('is marked offline while the server is away, and live again once it is back', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    const members = screen.getByRole('complementary', { name: /Members/ });
    expect(within(members).getByRole('button', { name: /^Bob/ })).toBeTruthy();
    expect(within(members).queryByText(/Offline/)).toBeNull();

    act(() => api.emit('serverChanged', serverView({ status: 'reconnecting', retryAt: Date.now() + 3000 })));
    const note = within(members).getByRole('status');
    expect(note.textContent).toContain('Offline — reconnecting…');
    expect(note.textContent).toContain('Showing who was here before.');
    expect(members.classList.contains('members--offline')).toBe(true);
    // Still the last known list (and still a way to start a DM).
    expect(within(members).getByRole('button', { name: /^Bob/ })).toBeTruthy();

    act(() => api.emit('serverChanged', serverView({ status: 'failed', error: { code: 'closed', message: '' } })));
    expect(within(members).getByRole('status').textContent).toContain('Offline');

    act(() => api.emit('serverChanged', serverView()));
    expect(within(members).getByRole('status').textContent).toBe('');
    expect(members.classList.contains('members--offline')).toBe(false);
  });
});

describe('your own name', () => {
  it('stays the name the server knows when it refused a rename (sidebar and member list)', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.nameTakenOn.add(SERVER);
    await renderInRoom(api);
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    await user.clear(within(dialog).getByRole('textbox', { name: 'Display name' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Display name' }), 'Bobby');
    await user.click(within(dialog).getByRole('button', { name: 'Save name' }));
    await within(dialog).findByText(/name_taken|already|Another/);
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));

    // Kitchen still calls you Ada: so does the profile bar, not the wanted "Bobby".
    const profile = document.querySelector('.profile-bar')!;
    expect(profile.textContent).toContain('Ada');
    expect(profile.textContent).not.toContain('Bobby');
    const members = screen.getByRole('complementary', { name: /Members/ });
    expect(within(members).getByRole('button', { name: /^Ada/ })).toBeTruthy();
  });

  it('shows the new name in your own member-list entry at once after a rename that succeeded', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    // The session reports who we are now on that server (no user_renamed comes for ourselves).
    act(() => api.emit('serverChanged', serverView({ self: { id: ME.id, name: 'Ada Lovelace' } })));
    const members = screen.getByRole('complementary', { name: /Members/ });
    expect(within(members).getByRole('button', { name: /^Ada Lovelace/ })).toBeTruthy();
    expect(within(members).queryByRole('button', { name: /^Ada,/ })).toBeNull();
    expect(document.querySelector('.profile-bar')!.textContent).toContain('Ada Lovelace');
  });
});

describe('after a reconnect', () => {
  it('shows the member list the rejoin reported: who left or joined while we were away', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    const members = screen.getByRole('complementary', { name: /Members/ });
    expect(within(members).getByRole('button', { name: /^Bob/ })).toBeTruthy();

    act(() => api.emit('serverChanged', serverView({ status: 'reconnecting', retryAt: Date.now() + 3000 })));
    // The client library rejoined #general: Bob left meanwhile, Carol joined.
    const carol = { id: 'u_carol', name: 'Carol' };
    act(() => api.emit('roomMembers', { server: SERVER, room: 'r_general', members: [ME, carol] }));
    act(() => api.emit('serverChanged', serverView()));

    expect(within(members).getByRole('button', { name: /^Carol/ })).toBeTruthy();
    expect(within(members).queryByRole('button', { name: new RegExp(`^${BOB.name}`) })).toBeNull();
    expect(within(members).getByRole('button', { name: /^Ada/ })).toBeTruthy();
  });

  it('ignores the member list of a room that is not open', async () => {
    const api = new FakeApi();
    const { store } = await renderInRoom(api);
    act(() => api.emit('roomMembers', { server: SERVER, room: 'r_elsewhere', members: [ME] }));
    expect(Object.keys(store.getState().members)).toEqual([`${SERVER}|room:r_general`]);
  });
});
