/** The connection banner: a live countdown while reconnecting, the reason when it failed. */
import { act, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeApi, serverView } from './fake-api.ts';
import { renderInRoom } from './render-app.tsx';

afterEach(() => {
  vi.useRealTimers();
});

/** The banner (there is at most one on screen). */
function banner(): HTMLElement {
  const element = document.querySelector<HTMLElement>('.banner');
  if (!element) throw new Error('no banner on screen');
  return element;
}

/** The banner's first line, e.g. "Reconnecting to Kitchen in 5 s…". */
function bannerTitle(): string {
  return banner().querySelector('p')?.textContent ?? '';
}

function reconnecting(retryInMs: number, error: { code: string; message: string } | null, unsent = 0) {
  return serverView({ status: 'reconnecting', retryAt: Date.now() + retryInMs, error, unsent });
}

describe('connection banner', () => {
  it('counts down to the next reconnect attempt', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    vi.useFakeTimers({ now: Date.now() });
    act(() => {
      api.emit('serverChanged', reconnecting(5000, { code: 'server_shutdown', message: 'Shutting down' }, 2));
    });
    expect(bannerTitle()).toBe('Reconnecting to Kitchen in 5 s…');
    expect(within(banner()).getByText(/^The host closed the server\. 2 messages will be sent/)).toBeTruthy();

    act(() => vi.advanceTimersByTime(2000));
    expect(bannerTitle()).toBe('Reconnecting to Kitchen in 3 s…');

    act(() => vi.advanceTimersByTime(3000));
    expect(bannerTitle()).toBe('Reconnecting to Kitchen…');

    act(() => api.emit('serverChanged', serverView()));
    expect(document.querySelector('.banner')).toBeNull();
  });

  it('says a plain drop once, not as a title and again as the reason', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    // The browser build's own socket dropped (web-api.ts), or the desktop app's connection closed.
    for (const message of ['Lost the connection to the web server', 'connection closed']) {
      act(() => api.emit('serverChanged', reconnecting(2_500, { code: 'disconnected', message })));
      expect(bannerTitle()).toBe('Reconnecting to Kitchen in 3 s…');
      expect(banner().textContent).not.toMatch(/lost|closed/i);
    }
  });

  it('turns a socket error into words where it tells something', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    act(() => {
      api.emit(
        'serverChanged',
        reconnecting(3000, { code: 'disconnected', message: 'connect ECONNREFUSED 192.168.1.20:7275' }),
      );
    });
    expect(within(banner()).getByText('The server is not accepting connections.')).toBeTruthy();
    expect(banner().textContent).not.toContain('ECONNREFUSED');
  });

  it('keeps saying the host closed the server while the attempts after it are refused', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    act(() => api.emit('serverChanged', reconnecting(500, { code: 'server_shutdown', message: 'Shutting down' })));
    expect(within(banner()).getByText(/^The host closed the server\./)).toBeTruthy();
    // The first attempt after it finds nothing listening: still the same outage, same reason.
    const refused = { code: 'disconnected', message: 'connect ECONNREFUSED 192.168.1.20:7275' };
    act(() => api.emit('serverChanged', reconnecting(1000, refused)));
    expect(within(banner()).getByText(/^The host closed the server\./)).toBeTruthy();
    // A new outage (after being connected again) has its own reason.
    act(() => api.emit('serverChanged', serverView()));
    act(() => api.emit('serverChanged', reconnecting(1000, refused)));
    expect(within(banner()).getByText('The server is not accepting connections.')).toBeTruthy();
  });

  it('keeps the ticking number out of the live region', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    act(() => api.emit('serverChanged', reconnecting(5000, null)));
    const live = within(banner()).getByRole('status');
    // Screen readers would read out every second otherwise.
    const countdown = within(live).getByText(/in \d+ s/);
    expect(countdown.closest('[aria-hidden="true"]')).not.toBeNull();
  });

  it('shows the same number as the sidebar at every moment', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    vi.useFakeTimers({ now: Date.now() });
    act(() => api.emit('serverChanged', reconnecting(5_400, null)));
    const sidebar = screen.getByRole('navigation', { name: 'Servers and conversations' });
    const secondsIn = (text: string | null) => /in (\d+) s/.exec(text ?? '')?.[1] ?? 'none';
    expect(secondsIn(banner().textContent)).toBe('6');
    for (let elapsed = 0; elapsed <= 6000; elapsed += 100) {
      expect(secondsIn(banner().textContent), `after ${elapsed} ms`).toBe(secondsIn(sidebar.textContent));
      act(() => vi.advanceTimersByTime(100));
    }
    expect(secondsIn(banner().textContent)).toBe('none');
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

describe('notices from the session', () => {
  it('shows a name_taken notice in words, naming the server, until dismissed', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    vi.useFakeTimers({ now: Date.now() });
    act(() =>
      api.emit('notice', {
        server: serverView().key,
        code: 'name_taken',
        message: 'Someone else now uses “Ada”: you are “Ada (2)” here. Choose another name in Settings.',
      }),
    );
    const toasts = document.querySelector<HTMLElement>('.toasts')!;
    expect(toasts.textContent).toContain('Kitchen: Someone else now uses “Ada”: you are “Ada (2)” here.');
    // Not a passing error: it stays until read.
    act(() => vi.advanceTimersByTime(60_000));
    expect(toasts.textContent).toContain('you are “Ada (2)” here');
    act(() => within(toasts).getByRole('button', { name: 'Dismiss' }).click());
    expect(toasts.textContent).toBe('');
  });

  it('offers to change the name from a name_taken notice', async () => {
    const api = new FakeApi();
    await renderInRoom(api);
    act(() =>
      api.emit('notice', { server: serverView().key, code: 'name_taken', message: 'You are “Ada (2)” for now.' }),
    );
    const toasts = document.querySelector<HTMLElement>('.toasts')!;
    act(() => within(toasts).getByRole('button', { name: 'Change name' }).click());
    expect(await screen.findByRole('dialog', { name: 'Settings' })).toBeTruthy();
    expect(toasts.textContent).toBe('');
  });
});
