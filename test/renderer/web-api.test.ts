/**
 * The browser build's API client while its own socket is down: the servers it was on are shown
 * reconnecting, with a countdown to the next attempt (a fake WebSocket, fake timers). And how it
 * carries file bytes: writeUpload as a PUT to the tab's upload URL, downloadFile as the browser's
 * own download (the real gateway behind them: test/web/file-routes.test.ts).
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

describe('file bytes over HTTP', () => {
  const TOKEN = 'T'.repeat(43);

  function withFetch(fetch: typeof globalThis.fetch): { connection: WebApiConnection; socket: FakeSocket } {
    const connection = new WebApiConnection('wss://parley.test:8443/api', {
      WebSocket: FakeSocket as unknown as typeof WebSocket,
      storage: null,
      fetch,
    });
    const socket = FakeSocket.all.at(-1)!;
    socket.onopen?.();
    return { connection, socket };
  }

  it('sends writeUpload as a PUT of the chunk to the tab’s upload URL and returns its envelope', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) =>
      Response.json({ ok: true, value: { offset: 3 } }),
    );
    const { connection, socket } = withFetch(fetch as unknown as typeof globalThis.fetch);
    // Before the server named the tab: the upload driver resumes with beginUpload later.
    await expect(connection.api.writeUpload('h:1', 'u_1', 0, new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      code: 'transfer_interrupted',
    });
    expect(fetch).not.toHaveBeenCalled();

    socket.onmessage?.({ data: JSON.stringify({ t: 'tab', token: TOKEN }) });
    const whole = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const digest = 'a'.repeat(64);
    await expect(connection.api.writeUpload('h:1', 'u 1', 0, whole.subarray(2, 5), digest)).resolves.toEqual({
      offset: 3,
    });
    const [url, init] = fetch.mock.calls[0]!;
    expect(String(url)).toBe(
      `https://parley.test:8443/api/upload/${TOKEN}/u%201?server=h%3A1&offset=0&sha256=${digest}`,
    );
    expect(init?.method).toBe('PUT');
    // Only the view's bytes, not the buffer around it.
    expect([...new Uint8Array(await new Response(init!.body).arrayBuffer())]).toEqual([1, 2, 3]);
    // Nothing of the upload went over the socket.
    expect(socket.sent.some((m) => m.name === 'writeUpload')).toBe(false);
    connection.close();
  });

  it('maps the gateway’s refusals and a failed request to error codes the upload driver knows', async () => {
    const replies: (() => Promise<Response>)[] = [
      async () => Response.json({ ok: false, error: { code: 'chunk_too_large', message: 'too big' } }, { status: 413 }),
      async () => new Response('<html>Bad gateway</html>', { status: 502 }),
      async () => {
        throw new TypeError('Failed to fetch');
      },
      async () => new Response('nonsense', { status: 400 }),
    ];
    const fetch = vi.fn(() => replies.shift()!());
    const { connection, socket } = withFetch(fetch as unknown as typeof globalThis.fetch);
    socket.onmessage?.({ data: JSON.stringify({ t: 'tab', token: TOKEN }) });
    const chunk = new Uint8Array(4);
    await expect(connection.api.writeUpload('h:1', 'u', 0, chunk)).rejects.toMatchObject({ code: 'chunk_too_large' });
    await expect(connection.api.writeUpload('h:1', 'u', 0, chunk)).rejects.toMatchObject({
      code: 'transfer_interrupted',
    });
    await expect(connection.api.writeUpload('h:1', 'u', 0, chunk)).rejects.toMatchObject({
      code: 'transfer_interrupted',
    });
    await expect(connection.api.writeUpload('h:1', 'u', 0, chunk)).rejects.toMatchObject({ code: 'bad_response' });
    // A dropped socket forgets the token: the next chunk waits for a new session.
    socket.onclose?.();
    await expect(connection.api.writeUpload('h:1', 'u', 0, chunk)).rejects.toMatchObject({
      code: 'transfer_interrupted',
    });
    expect(fetch).toHaveBeenCalledTimes(4);
    connection.close();
  });

  it('downloads through the browser: an <a download> with the ?download=1 URL; open/show are not supported', async () => {
    const { connection, socket } = withFetch(vi.fn() as unknown as typeof globalThis.fetch);
    const clicked: { href: string; download: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.getAttribute('download') ?? '(none)' });
    });
    const downloading = connection.api.downloadFile('h:1', 'f_1');
    await vi.waitFor(() => expect(socket.sent.some((m) => m.name === 'mediaUrl')).toBe(true));
    socket.answer('mediaUrl', `/api/files/${TOKEN}/f_1/original`);
    await expect(downloading).resolves.toBeNull();
    expect(clicked).toEqual([
      { href: `https://parley.test:8443/api/files/${TOKEN}/f_1/original?download=1`, download: '' },
    ]);
    expect(document.querySelectorAll('a')).toHaveLength(0); // removed again
    click.mockRestore();
    await expect(connection.api.openDownload('d')).rejects.toMatchObject({ code: 'not_supported' });
    await expect(connection.api.showDownload('d')).rejects.toMatchObject({ code: 'not_supported' });
    connection.close();
  });
});
