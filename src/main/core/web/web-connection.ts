/**
 * One browser tab of the web UI: its WebSocket at `/api` and, after `init`, its session.
 * web-server.ts accepts the socket (Host, Origin and connection limits checked) and hands it here.
 *
 * Each WebSocket gets its own SessionManager — the same object the desktop app drives over IPC —
 * restricted to the room server this process serves (`allowedServer`). The browser keeps the
 * profile (display name, the server with its credentials) in localStorage: it sends it in `init`
 * and receives every saved version back in a `profile` message.
 *
 * Wire format: src/shared/api/web-wire.ts (every incoming message is validated with its schema).
 *
 * Security: message rate, calls in flight and unread output are bounded per WebSocket.
 *
 * The web server's limits (WebLimits) and the session types are defined here, where a connection
 * uses them, so that this file needs nothing from web-server.ts (which imports it).
 */
import type { RawData, WebSocket } from 'ws';
import { type ApiEventName, type AppInfo, type ParleyApiCalls, serverKeyOf } from '../../../shared/api/contract.ts';
import { describeInvalid, dispatchCall, isApiCallName } from '../../../shared/api/dispatch.ts';
import type { ApiResponse } from '../../../shared/api/proxy.ts';
import { BROWSER_MESSAGE, CALL_ID, mediaPath, type ServerMessage } from '../../../shared/api/web-wire.ts';
import type { Logger } from '../server/logger.ts';
import { TokenBucket } from '../server/token-bucket.ts';
import type { MediaOptions } from '../session/media.ts';
import { parseProfile, type Profile, type ProfileServer, type ProfileStore } from '../session/profile.ts';
import { newTabToken, type FileRouteLimits, type FileSession, type FileTab } from './file-routes.ts';

export interface WebLimits extends FileRouteLimits {
  /** Largest WebSocket message accepted, in bytes (a bigger one closes the socket with 1009). */
  maxPayloadBytes: number;
  /** Token bucket per WebSocket: messages per second sustained, and the burst allowed. */
  ratePerSecond: number;
  rateBurst: number;
  /** Calls of one WebSocket running at once; more are answered `too_many_calls`. */
  maxCallsInFlight: number;
  /** Bytes queued to a browser that stopped reading before its socket is dropped. */
  maxBufferedBytes: number;
  /** WebSockets open at once, in total and from one IP address. */
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** The server pings every WebSocket this often and drops one that did not answer the last ping. */
  heartbeatMs: number;
}

export const DEFAULT_WEB_LIMITS: WebLimits = {
  maxPayloadBytes: 1024 * 1024,
  ratePerSecond: 20,
  rateBurst: 60,
  maxCallsInFlight: 32,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxConnections: 1024,
  maxConnectionsPerIp: 16,
  heartbeatMs: 30_000,
  maxUploadsPerTab: 4,
  // 16 chunks of at most 8 MiB: the most memory uploads can hold at once is 128 MiB.
  maxUploadsInFlight: 16,
  maxMediaStreams: 256,
};

/**
 * What the web server needs from a session: every call, events, close, and file bytes for the
 * HTTP routes (file-routes.ts). SessionManager is one.
 */
export interface WebSession extends ParleyApiCalls, FileSession {
  onEvent(listener: (event: ApiEventName, payload: unknown) => void): () => void;
  close(): unknown;
}

export interface WebSessionOptions {
  app: AppInfo;
  profile: ProfileStore;
  allowedServer: { host: string; port: number };
  /** Software name sent in hello, for the room server's logs. */
  clientName: string;
  logger: Logger;
  /** Addresses the tab's files by its tab token (file-routes.ts's paths). */
  mediaUrl: NonNullable<MediaOptions['mediaUrl']>;
}

/** What a connection uses of the web server that accepted it (WebServerImpl in web-server.ts). */
export interface WebConnectionServer {
  readonly limits: WebLimits;
  readonly log: Logger;
  readonly version: string;
  /** The room server this process serves: the only one a session may join. */
  readonly roomServer: { host: string; port: number };
  readonly createSession: (options: WebSessionOptions) => WebSession;
  /** Stops counting a connection that ended. */
  forget(connection: WebConnection): void;
}

/**
 * The browser's profile, reduced to what a web session can use: the display name and the one
 * server it may join (added if absent, so `listServers` shows it before the first connect).
 * Other entries could only be stale (localStorage is per origin, i.e. per web UI address).
 */
export function webProfile(raw: unknown, server: { host: string; port: number }): Profile {
  const profile = parseProfile(raw);
  const known = profile.servers.find((s) => s.host === server.host && s.port === server.port);
  const entry: ProfileServer = known ?? {
    host: server.host,
    port: server.port,
    name: serverKeyOf(server.host, server.port),
    serverId: null,
    credentials: null,
    lastConnected: null,
  };
  return { displayName: profile.displayName, servers: [entry], disabledInterfaces: [] };
}

/** One browser tab: its WebSocket and, after init, its session. */
export class WebConnection implements FileTab {
  /**
   * Names this tab's session in HTTP requests (file-routes.ts), which cannot travel on the
   * socket; 256 random bits, sent to the page after init, forgotten when the socket closes.
   */
  readonly tabToken = newTabToken();
  uploadsInFlight = 0;
  private session: WebSession | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly bucket: TokenBucket;
  private strikes = 0;
  private inFlight = 0;
  alive = true;
  closed = false;
  private readonly ws: WebSocket;
  readonly ip: string;
  private readonly server: WebConnectionServer;

  constructor(ws: WebSocket, ip: string, server: WebConnectionServer) {
    this.ws = ws;
    this.ip = ip;
    this.server = server;
    const { limits } = server;
    this.bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst, Date.now());
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('error', (error) => server.log.debug({ ip, err: error.message }, 'web socket error'));
    ws.on('close', (code) => {
      server.log.info({ ip, code }, 'web client disconnected');
      this.dispose();
    });
  }

  get fileSession(): FileSession | undefined {
    return this.closed ? undefined : this.session;
  }

  private send(message: ServerMessage): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      this.server.log.error({ err: error }, 'web: unserializable message');
      if (message.t !== 'result') return;
      text = JSON.stringify({
        t: 'result',
        id: message.id,
        response: { ok: false, error: { code: 'internal', message: 'The result could not be sent' } },
      });
    }
    this.ws.send(text);
    if (this.ws.bufferedAmount > this.server.limits.maxBufferedBytes) {
      this.server.log.warn({ ip: this.ip, buffered: this.ws.bufferedAmount }, 'web: slow consumer');
      this.ws.terminate();
      this.dispose();
    }
  }

  private refuse(id: number | undefined, code: string, message: string): void {
    if (id === undefined) this.send({ t: 'error', code, message });
    else this.send({ t: 'result', id, response: { ok: false, error: { code, message } } });
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    const allowed = this.bucket.take(Date.now());
    let raw: unknown;
    try {
      if (isBinary) throw new Error('binary');
      raw = JSON.parse(rawText(data));
    } catch {
      if (allowed) this.refuse(undefined, 'bad_message', 'Messages are JSON text');
      else this.overLimit(undefined);
      return;
    }
    const parsed = BROWSER_MESSAGE.safeParse(raw);
    const id = parsed.success
      ? parsed.data.t === 'call'
        ? parsed.data.id
        : undefined
      : CALL_ID.safeParse((raw as { id?: unknown } | null)?.id).data;
    if (!allowed) {
      this.overLimit(id);
      return;
    }
    this.strikes = 0;
    if (!parsed.success) {
      this.refuse(id, 'bad_message', describeInvalid(parsed.error));
      return;
    }
    const message = parsed.data;
    if (message.t === 'init') this.init(message.profile);
    else void this.call(message.id, message.name, message.args);
  }

  /** Over the rate: answer (cheaply) while the client may just be bursting, drop it if it keeps on. */
  private overLimit(id: number | undefined): void {
    this.strikes += 1;
    if (this.strikes > this.server.limits.rateBurst) {
      this.server.log.warn({ ip: this.ip }, 'web: rate limit exceeded, closing');
      this.ws.close(1008, 'rate limit exceeded');
      this.dispose();
      return;
    }
    this.refuse(id, 'rate_limited', 'Too many messages; slow down and retry later');
  }

  private init(rawProfile: unknown): void {
    if (this.session) {
      this.refuse(undefined, 'already_initialized', 'init was already received on this connection');
      return;
    }
    const allowedServer = this.server.roomServer;
    let profile = webProfile(rawProfile, allowedServer);
    const store: ProfileStore = {
      load: () => structuredClone(profile),
      save: (next) => {
        profile = structuredClone(next);
        this.send({ t: 'profile', profile });
      },
    };
    try {
      this.session = this.server.createSession({
        app: {
          platform: 'web',
          canHost: false,
          canConnectAnywhere: false,
          canDiscover: false,
          version: this.server.version,
        },
        profile: store,
        allowedServer,
        clientName: `parley-web/${this.server.version}`,
        logger: this.server.log,
        // The one server of a web session is the process's own: the token alone says which.
        mediaUrl: (_server, fileId, variant) => mediaPath(this.tabToken, fileId, variant),
      });
    } catch (error) {
      this.server.log.error({ err: error }, 'web: could not create a session');
      this.refuse(undefined, 'internal', 'The session could not be started');
      this.ws.close(1011, 'internal error');
      this.dispose();
      return;
    }
    this.unsubscribe = this.session.onEvent((name, payload) => this.send({ t: 'event', name, payload }));
    this.send({ t: 'tab', token: this.tabToken });
  }

  private async call(id: number, name: string, args: unknown[]): Promise<void> {
    const session = this.session;
    if (!session) {
      this.refuse(id, 'not_initialized', 'Send init before any call');
      return;
    }
    if (!isApiCallName(name)) {
      this.refuse(id, 'unknown_call', `Unknown call: ${name.slice(0, 64)}`);
      return;
    }
    if (this.inFlight >= this.server.limits.maxCallsInFlight) {
      this.refuse(id, 'too_many_calls', 'Too many calls at once; wait for some to finish');
      return;
    }
    this.inFlight += 1;
    let response: ApiResponse;
    try {
      response = await dispatchCall(session, name, args, {
        onInternalError: (call, err) => this.server.log.warn({ call, err }, 'web: call failed'),
      });
    } finally {
      this.inFlight -= 1;
    }
    this.send({ t: 'result', id, response });
  }

  /** Ends the session (once): the socket closed, was dropped, or the server is stopping. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    const session = this.session;
    this.session = undefined;
    this.server.forget(this);
    if (session) {
      try {
        void Promise.resolve(session.close()).catch((error: unknown) =>
          this.server.log.warn({ err: error }, 'web: error closing a session'),
        );
      } catch (error) {
        this.server.log.warn({ err: error }, 'web: error closing a session');
      }
    }
  }

  /** Heartbeat: drops a socket that did not answer the previous ping. */
  ping(): void {
    if (!this.alive) {
      this.ws.terminate();
      this.dispose();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  shutdown(): void {
    this.ws.close(1001, 'server shutting down');
    this.dispose();
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
