/** The member list says when it is not live, rather than showing stale presence as current. */
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeApi, serverView } from './fake-api.ts';
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
