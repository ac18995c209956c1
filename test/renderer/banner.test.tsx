/** The connection banner: a live countdown while reconnecting, the reason when it failed. */
import { act, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeApi, serverView } from './fake-api.ts';
import { renderInRoom } from './render-app.tsx';

afterEach(() => {
  vi.useRealTimers();
});

describe('connection banner', () => {
  it('counts down to the next reconnect attempt', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    vi.useFakeTimers({ now: Date.now() });
    act(() => {
      api.emit(
        'serverChanged',
        serverView({
          status: 'reconnecting',
          retryAt: Date.now() + 5000,
          error: { code: 'server_shutdown', message: 'The server is shutting down' },
          unsent: 2,
        }),
      );
    });
    expect(screen.getByText('The host went away.')).toBeTruthy();
    expect(screen.getByText('Reconnecting in 5 s…')).toBeTruthy();
    expect(screen.getByText(/2 messages will be sent once the connection is back/)).toBeTruthy();

    act(() => vi.advanceTimersByTime(2000));
    expect(screen.getByText('Reconnecting in 3 s…')).toBeTruthy();

    act(() => vi.advanceTimersByTime(3000));
    expect(screen.getByText('Reconnecting now…')).toBeTruthy();

    act(() => api.emit('serverChanged', serverView()));
    expect(screen.queryByText(/Reconnecting/)).toBeNull();
  });

  it('explains a failed connection and offers to change a taken name', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    act(() => {
      api.emit(
        'serverChanged',
        serverView({
          status: 'failed',
          error: { code: 'name_taken', message: 'Another connected user has this name' },
        }),
      );
    });
    expect(screen.getByRole('alert').textContent).toContain('Someone on this server already uses your display name.');
    expect(screen.getByRole('button', { name: 'Change name' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
