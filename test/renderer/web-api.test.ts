/**
 * The browser build's API client while its own socket is down: the servers it was on are shown
 * reconnecting, with a countdown to the next attempt (a fake WebSocket, fake timers).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebApiConnection } from '../../src/renderer/src/api/web-api.ts';
import type { ServerView } from '../../src/shared/api/contract.ts';
import { serverView } from './fake-api.ts';

/** Just enough of a WebSocket: the test opens, answers and drops it. */
class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  readonly sent: { t: string; id?: number; name?: string }[] = [];

  constructor(_url: string) {
    FakeSocket.all.push(this);
  }

  send(text: string): void {
    this.sent.push(JSON.parse(text) as FakeSocket['sent'][number]);
  }

  close(): void {}

  /** Answers the last call named `name`. */
  answer(name: string, value: unknown): void {
    const call = this.sent.findLast((m) => m.t === 'call' && m.name === name);
    this.onmessage?.({ data: JSON.stringify({ t: 'result', id: call!.id, response: { ok: true, value } }) });
  }
}

afterEach(() => {
  FakeSocket.all = [];
  vi.useRealTimers();
});

/** A client on FakeSocket, without stored state, retrying after exactly `backoffMs`. */
function fakeConnection(backoffMs: number): WebApiConnection {
  return new WebApiConnection('ws://parley.test/api', {
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    storage: null,
    minBackoffMs: backoffMs,
    maxBackoffMs: backoffMs,
  });
}

describe('web API client', () => {
  it('counts down to each new attempt while the socket stays down', async () => {
    vi.useFakeTimers({ now: Date.now() });
    const connection = fakeConnection(2000);
    const changes: ServerView[] = [];
    connection.api.on('serverChanged', (view) => changes.push(view));

    const first = FakeSocket.all[0]!;
    first.onopen?.();
    const connecting = connection.api.connectServer({ host: '192.168.1.20', port: 7275 });
    first.answer('connectServer', serverView());
    await connecting;

    first.onclose?.();
    expect(changes.map((v) => v.status)).toEqual(['reconnecting']);
    const firstRetry = changes[0]!.retryAt!;
    expect(firstRetry).toBeGreaterThan(Date.now());

    // The attempt comes and fails before the socket ever opens: a new countdown, to the next one.
    vi.advanceTimersByTime(firstRetry - Date.now());
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.onclose?.();
    expect(changes.map((v) => v.status)).toEqual(['reconnecting', 'reconnecting']);
    expect(changes[1]!.retryAt!).toBeGreaterThan(Date.now());
    expect(changes[1]!.error).toMatchObject({ code: 'disconnected' });

    connection.close();
  });

  it('reports a fresh session when its socket opens again, before the new session’s servers', async () => {
    vi.useFakeTimers({ now: Date.now() });
    const connection = fakeConnection(1000);
    const seen: string[] = [];
    connection.onFreshSession(() => seen.push('fresh'));
    connection.api.on('serverChanged', (view) => seen.push(view.status));

    FakeSocket.all[0]!.onopen?.();
    expect(seen).toEqual([]); // the first session is not "fresh": nothing was lost
    FakeSocket.all[0]!.onclose?.();
    vi.advanceTimersByTime(1000);
    const second = FakeSocket.all[1]!;
    second.onopen?.();
    expect(seen).toEqual(['fresh']);
    second.answer('listServers', [serverView({ status: 'idle', self: null })]);
    await vi.waitFor(() => expect(seen).toEqual(['fresh', 'idle']));
    connection.close();
  });

  it('says when its socket is down and when it is back (a page loaded while its server is away)', () => {
    vi.useFakeTimers({ now: Date.now() });
    const connection = fakeConnection(1000);
    const states: boolean[] = [];
    connection.onLinkChange((up) => states.push(up));
    FakeSocket.all[0]!.onclose?.(); // never opened: the server is down
    vi.advanceTimersByTime(1000);
    FakeSocket.all[1]!.onopen?.();
    expect(states).toEqual([false, true]);
    connection.close();
  });
});
