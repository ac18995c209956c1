/**
 * The ParleyApi over a WebSocket to `parley-server --web` (src/main/core/web/web-server.ts): what
 * the renderer uses when it runs in a plain browser instead of Electron.
 *
 * Wire format: src/shared/api/web-wire.ts.
 *
 * Calls made before the socket is open wait for it. If the socket drops, calls sent on it (and
 * calls waiting for it) reject with ApiError('disconnected') and the socket is reopened with
 * backoff. Each socket has its own session on the server, and a drop ends it; so that the UI
 * does not wait for outcomes that will never come, a drop (1) reports every queued message
 * without an outcome as `sendFailed` (code 'disconnected'; resending it with the same msgId is
 * safe, the server stores a msgId once), (2) shows every server we were on as `reconnecting`,
 * and (3) once the socket is back, tells `onFreshSession` listeners (the new session is in none
 * of the rooms the page has open: the renderer re-opens them with `since`) and then emits the
 * fresh session's view of every server.
 *
 * File bytes do not go over the socket (JSON only): `writeUpload` is sent as an HTTP PUT of the
 * chunk to the gateway's upload route, and `downloadFile` hands the file's `?download=1` URL to
 * the browser's own downloads (src/main/core/web/file-routes.ts; paths in web-wire.ts). Both are
 * addressed by the tab token the server sends after init; a new socket has a new token.
 */
import {
  type ApiCallName,
  type ApiEventName,
  type ApiEvents,
  type ParleyApi,
  type ServerView,
  type Unsubscribe,
} from '../../../shared/api/contract.ts';
import { createApiProxy, type ApiResponse, type ApiTransport } from '../../../shared/api/proxy.ts';
import { backoffDelay } from '../../../shared/backoff.ts';
import { API_RESPONSE, SERVER_MESSAGE, uploadPath } from '../../../shared/api/web-wire.ts';

/** localStorage key of the profile (display name, the server and the credentials it issued). */
export const PROFILE_STORAGE_KEY = 'parley.profile';

/** Calls waiting for the socket at most; more reject at once. */
const MAX_QUEUED_CALLS = 1000;

type Listener = (payload: unknown) => void;

export interface WebApiOptions {
  /** Where the profile is kept (default: localStorage, or nothing where it is unavailable). */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** The WebSocket constructor (default: the browser's). */
  WebSocket?: typeof WebSocket;
  /** Reconnect delays: doubling from min to max, with jitter. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** HTTP requests (default: the browser's fetch): upload chunks. */
  fetch?: typeof fetch;
  /** Hands a URL to the browser's downloads (default: clicking an `<a download>`). */
  startDownload?: (url: string) => void;
}

interface PendingCall {
  id: number;
  name: ApiCallName;
  args: unknown[];
  resolve: (response: ApiResponse) => void;
}

const disconnected = (): ApiResponse => ({
  ok: false,
  error: { code: 'disconnected', message: 'Lost the connection to the server' },
});

/** The window's events where there is one (`online`: try again at once after a network change). */
const browserEvents = globalThis as Partial<Pick<EventTarget, 'addEventListener' | 'removeEventListener'>>;

/** The tab's session is gone (or not there yet): the upload driver resumes with beginUpload. */
const interrupted = (message: string): ApiResponse => ({ ok: false, error: { code: 'transfer_interrupted', message } });

const notSupported = (): ApiResponse => ({
  ok: false,
  error: { code: 'not_supported', message: 'The browser keeps its downloads itself' },
});

/** The browser's own download of `url` (same origin: the gateway names the file). */
function clickDownload(url: string): void {
  // Typed by what is used: this file is also compiled for Node (tests), without the DOM library.
  interface Anchor {
    href: string;
    download: string;
    rel: string;
    click(): void;
    remove(): void;
  }
  const doc = (
    globalThis as unknown as { document?: { createElement(tag: 'a'): Anchor; body: { append(node: Anchor): void } } }
  ).document;
  if (!doc) throw new Error('no document to download from');
  const anchor = doc.createElement('a');
  anchor.href = url;
  anchor.download = '';
  anchor.rel = 'noopener';
  doc.body.append(anchor);
  anchor.click();
  anchor.remove();
}

const outboxKey = (server: string, msgId: string): string => `${server}\n${msgId}`;

function defaultStorage(): Pick<Storage, 'getItem' | 'setItem'> | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled (some privacy modes throw on access)
  }
}

/** One WebSocket at a time to the web server, reopened with backoff until `close()`. */
export class WebApiConnection implements ApiTransport {
  readonly api: ParleyApi;
  private readonly url: string;
  private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  private readonly Socket: typeof WebSocket;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private socket: WebSocket | undefined;
  private open = false;
  private everOpened = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private nextId = 1;
  /** Calls waiting for the socket to open, then calls sent and not answered yet. */
  private queue: PendingCall[] = [];
  private readonly sent = new Map<number, PendingCall>();
  private readonly listeners = new Map<ApiEventName, Set<{ listener: Listener }>>();
  private readonly freshSessionListeners = new Set<() => void>();
  private readonly linkListeners = new Set<(up: boolean) => void>();
  /** The last view of every server, to show them reconnecting while the socket is down. */
  private readonly servers = new Map<string, ServerView>();
  /** Messages sent with sendMessage and without an outcome yet, by server + msgId. */
  private readonly outbox = new Map<string, { server: string; msgId: string; accepted: boolean }>();
  private readonly fetch: typeof fetch;
  private readonly startDownload: (url: string) => void;
  /** This socket's tab token (after init); undefined while there is no socket. */
  private tabToken: string | undefined;
  private readonly onOnline = () => {
    if (this.retryTimer !== undefined) this.reconnectNow();
  };

  constructor(url: string, options: WebApiOptions = {}) {
    this.url = url;
    this.storage = options.storage === undefined ? defaultStorage() : options.storage;
    this.Socket = options.WebSocket ?? globalThis.WebSocket;
    this.minBackoffMs = options.minBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.startDownload = options.startDownload ?? clickDownload;
    this.api = createApiProxy(this);
    browserEvents.addEventListener?.('online', this.onOnline);
    this.connect();
  }

  /** True while the socket is open (calls go out at once). */
  get connected(): boolean {
    return this.open;
  }

  call(name: ApiCallName, args: unknown[]): Promise<ApiResponse> {
    if (this.closed) return Promise.resolve(disconnected());
    if (name === 'writeUpload') return this.writeUpload(args);
    if (name === 'downloadFile') return this.downloadFile(args);
    if (name === 'openDownload' || name === 'showDownload') return Promise.resolve(notSupported());
    return new Promise((resolve) => {
      const call: PendingCall = { id: this.nextId++, name, args, resolve };
      if (this.open) this.transmit(call);
      else if (this.queue.length >= MAX_QUEUED_CALLS) resolve(disconnected());
      else this.queue.push(call);
    });
  }

  subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe {
    // One entry per subscription: subscribing the same function twice needs two unsubscribes.
    const entry = { listener: listener as Listener };
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /**
   * Calls `listener` each time the socket opens again after a drop: the web server ended the
   * old session with the old socket, so this one starts outside every room. Called before the
   * new session's server views are emitted.
   */
  onFreshSession(listener: () => void): Unsubscribe {
    const entry = () => listener();
    this.freshSessionListeners.add(entry);
    return () => {
      this.freshSessionListeners.delete(entry);
    };
  }

  /** Calls `listener` with true each time the socket opens and false each time it drops or fails to open. */
  onLinkChange(listener: (up: boolean) => void): Unsubscribe {
    const entry = (up: boolean) => listener(up);
    this.linkListeners.add(entry);
    return () => {
      this.linkListeners.delete(entry);
    };
  }

  private linkChanged(up: boolean): void {
    for (const listener of [...this.linkListeners]) listener(up);
  }

  /** Closes the socket for good; pending calls reject with 'disconnected'. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    browserEvents.removeEventListener?.('online', this.onOnline);
    const socket = this.socket;
    this.dropped();
    socket?.close(1000, 'closed');
  }

  private connect(): void {
    this.retryTimer = undefined;
    let socket: WebSocket;
    try {
      socket = new this.Socket(this.url);
    } catch (error) {
      console.error('parley: cannot open the WebSocket', error);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.open = true;
      this.attempt = 0;
      socket.send(JSON.stringify({ t: 'init', profile: this.loadProfile() }));
      const waiting = this.queue;
      this.queue = [];
      for (const call of waiting) this.transmit(call);
      this.linkChanged(true);
      if (this.everOpened) {
        for (const listener of [...this.freshSessionListeners]) listener();
        void this.announceServers();
      }
      this.everOpened = true;
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket === socket && typeof event.data === 'string') this.receive(event.data);
    };
    socket.onerror = () => {}; // a close event follows
    socket.onclose = () => {
      if (this.socket !== socket) return;
      const wasOpen = this.open;
      this.dropped();
      if (this.closed) return;
      const delay = this.scheduleReconnect();
      if (wasOpen) this.failUnsent();
      // After every attempt, not only the first drop: the countdown then shows the next attempt
      // (as the desktop app's does), instead of sitting at "now" through every failed one.
      this.showReconnecting(Date.now() + delay);
      this.linkChanged(false);
    };
  }

  /** The socket is gone: every call sent on it or waiting for it fails. */
  private dropped(): void {
    this.socket = undefined;
    this.tabToken = undefined;
    this.open = false;
    const failed = [...this.sent.values(), ...this.queue];
    this.sent.clear();
    this.queue = [];
    for (const call of failed) call.resolve(disconnected());
  }

  private scheduleReconnect(): number {
    const delay = backoffDelay(this.attempt, this.minBackoffMs, this.maxBackoffMs);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
    return delay;
  }

  private reconnectNow(): void {
    clearTimeout(this.retryTimer);
    this.connect();
  }

  private transmit(call: PendingCall): void {
    if (call.name === 'sendMessage') {
      const [server, , , msgId] = call.args as [string, unknown, unknown, string];
      this.outbox.set(outboxKey(server, msgId), { server, msgId, accepted: false });
    }
    this.sent.set(call.id, call);
    this.socket!.send(JSON.stringify({ t: 'call', id: call.id, name: call.name, args: call.args }));
  }

  private receive(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      console.warn('parley: ignored a message that is not JSON');
      return;
    }
    const parsed = SERVER_MESSAGE.safeParse(raw);
    if (!parsed.success) {
      // A malformed result still settles its call rather than leaving it waiting forever.
      const id = (raw as { id?: unknown } | null)?.id;
      const call = typeof id === 'number' ? this.sent.get(id) : undefined;
      if (call) {
        this.sent.delete(call.id);
        call.resolve({ ok: false, error: { code: 'bad_response', message: 'The server sent an invalid result' } });
      } else console.warn('parley: ignored an invalid message from the server');
      return;
    }
    const message = parsed.data;
    switch (message.t) {
      case 'result': {
        const call = this.sent.get(message.id);
        if (!call) return;
        this.sent.delete(message.id);
        const response: ApiResponse = message.response.ok
          ? { ok: true, value: message.response.value }
          : message.response;
        this.noteResult(call, response);
        call.resolve(response);
        return;
      }
      case 'event':
        this.noteEvent(message.name, message.payload);
        this.dispatch(message.name, message.payload);
        return;
      case 'profile':
        this.saveProfile(message.profile);
        return;
      case 'tab':
        this.tabToken = message.token;
        return;
      case 'error':
        console.warn(`parley: the server refused a message: ${message.code}: ${message.message}`);
        return;
    }
  }

  private dispatch(name: ApiEventName, payload: unknown): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const entry of [...set]) {
      if (!set.has(entry)) continue; // unsubscribed by an earlier listener
      try {
        entry.listener(payload);
      } catch (error) {
        console.error(`parley: a ${name} listener threw`, error);
      }
    }
  }

  // ── file bytes over HTTP ─────────────────────────────────────────────────────────────────

  /** The gateway's address for HTTP: the socket's, as http(s). */
  private httpUrl(path: string): string {
    const base = new URL(this.url);
    base.protocol = base.protocol === 'wss:' ? 'https:' : 'http:';
    return new URL(path, base).href;
  }

  /** writeUpload as a PUT of the chunk; the gateway checks it as the WebSocket would. */
  private async writeUpload(args: unknown[]): Promise<ApiResponse> {
    const [server, uploadId, offset, bytes, sha256] = args as [string, string, number, unknown, string | undefined];
    if (!(bytes instanceof Uint8Array) || typeof server !== 'string' || typeof uploadId !== 'string')
      return { ok: false, error: { code: 'bad_arguments', message: 'writeUpload: (server, uploadId, offset, bytes)' } };
    const token = this.tabToken;
    if (!token) return interrupted('Not connected to the web server');
    let reply: Response;
    try {
      reply = await this.fetch(this.httpUrl(uploadPath(token, uploadId, { server, offset, sha256 })), {
        method: 'PUT',
        // A copy in its own ArrayBuffer: a view of part of a larger buffer is sent as it is.
        body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
        headers: { 'Content-Type': 'application/octet-stream' },
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      return interrupted('The upload request failed');
    }
    try {
      const parsed = API_RESPONSE.safeParse(await reply.json());
      if (parsed.success) return parsed.data.ok ? { ok: true, value: parsed.data.value } : parsed.data;
    } catch {
      // not JSON: a proxy's page, a cut connection
    }
    if (reply.status >= 500 || reply.status === 0) return interrupted(`The upload request failed (${reply.status})`);
    return { ok: false, error: { code: 'bad_response', message: `The server answered ${reply.status}` } };
  }

  /** The browser downloads the file itself (Content-Disposition names it); nothing to follow here. */
  private async downloadFile(args: unknown[]): Promise<ApiResponse> {
    const [server, fileId] = args as [unknown, unknown];
    const response = await this.call('mediaUrl', [server, fileId, 'original']);
    if (!response.ok) return response;
    try {
      const url = new URL(this.httpUrl(response.value as string));
      url.searchParams.set('download', '1');
      this.startDownload(url.href);
    } catch (error) {
      return { ok: false, error: { code: 'not_supported', message: `Cannot start a download: ${String(error)}` } };
    }
    return { ok: true, value: null };
  }

  // ── the profile ──────────────────────────────────────────────────────────────────────────

  private loadProfile(): unknown {
    try {
      const text = this.storage?.getItem(PROFILE_STORAGE_KEY);
      return text ? (JSON.parse(text) as unknown) : null;
    } catch {
      return null; // unreadable or corrupt: the server starts an empty profile
    }
  }

  private saveProfile(profile: unknown): void {
    try {
      this.storage?.setItem(PROFILE_STORAGE_KEY, JSON.stringify(profile));
    } catch (error) {
      console.warn('parley: could not save the profile', error);
    }
  }

  // ── server views across socket drops ─────────────────────────────────────────────────────

  private noteResult(call: PendingCall, response: ApiResponse): void {
    const { name } = call;
    if (name === 'sendMessage') {
      const [server, , , msgId] = call.args as [string, unknown, unknown, string];
      const entry = this.outbox.get(outboxKey(server, msgId));
      if (entry && response.ok) entry.accepted = true;
      else if (entry) this.outbox.delete(outboxKey(server, msgId));
    }
    if (!response.ok) return;
    const value = response.value;
    if (name === 'listServers' && Array.isArray(value)) {
      this.servers.clear();
      for (const view of value as ServerView[]) this.servers.set(view.key, view);
    } else if (name === 'connectServer' && value) {
      const view = value as ServerView;
      this.servers.set(view.key, view);
    }
  }

  private noteEvent(name: ApiEventName, payload: unknown): void {
    if (name === 'message') {
      const { server, message } = payload as ApiEvents['message'];
      this.outbox.delete(outboxKey(server, message.msgId));
    } else if (name === 'sendFailed') {
      const { server, msgId } = payload as ApiEvents['sendFailed'];
      this.outbox.delete(outboxKey(server, msgId));
    } else if (name === 'serverChanged') {
      const view = payload as ServerView;
      this.servers.set(view.key, view);
    } else if (name === 'serverRemoved') {
      this.servers.delete((payload as ApiEvents['serverRemoved']).key);
    }
  }

  /** The session that had queued these messages is gone: their outcome will never arrive. */
  private failUnsent(): void {
    const lost = [...this.outbox.values()].filter((entry) => entry.accepted);
    this.outbox.clear();
    for (const { server, msgId } of lost) {
      this.dispatch('sendFailed', {
        server,
        msgId,
        code: 'disconnected',
        reason: 'Lost the connection to the server before the message was confirmed',
      });
    }
  }

  /**
   * While the socket is down, servers we were on are unreachable too: say so. The error is a
   * plain 'disconnected', which the UI does not spell out next to "Reconnecting to …" (it would
   * only say the same thing twice); the message is for logs and anything that lists errors.
   */
  private showReconnecting(retryAt: number): void {
    for (const view of this.servers.values()) {
      if (view.status === 'idle' || view.status === 'failed') continue;
      const shown: ServerView = {
        ...view,
        status: 'reconnecting',
        retryAt,
        error: { code: 'disconnected', message: 'This page lost its connection to the web server' },
      };
      this.servers.set(view.key, shown);
      this.dispatch('serverChanged', shown);
    }
  }

  /** After a reconnect: the new session's view of every server. */
  private async announceServers(): Promise<void> {
    const response = await this.call('listServers', []);
    if (!response.ok) return;
    for (const view of response.value as ServerView[]) this.dispatch('serverChanged', view);
  }
}
