/**
 * "The same UI in a browser": serves the built renderer (out/renderer) over HTTP and the app API
 * over a WebSocket at `/api`, so anyone on the LAN can chat from a browser with nothing installed.
 *
 * Each WebSocket gets its own SessionManager — the same object the desktop app drives over IPC —
 * restricted to the room server this process serves (`allowedServer`). The browser keeps the
 * profile (display name, the server with its credentials) in localStorage: it sends it in `init`
 * and receives every saved version back in a `profile` message.
 *
 * Wire format: src/shared/api/web-wire.ts (every incoming message is validated with its schema).
 *
 * Security: only GET/HEAD of regular files inside the static folder (no traversal, no symlink
 * escapes, no dotfiles); a strict CSP and companions on every response; the WebSocket checks the
 * Host (DNS rebinding) and the Origin (cross-site WebSocket hijacking); payloads, message rate,
 * calls in flight, unread output and connections per IP are bounded.
 */
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import {
  API_ARGS,
  type ApiCallName,
  type ApiEventName,
  type AppInfo,
  type ParleyApiCalls,
  serverKeyOf,
} from '../../../shared/api/contract.ts';
import { toErrorShape, type ApiResponse } from '../../../shared/api/proxy.ts';
import { BROWSER_MESSAGE, CALL_ID, type ServerMessage } from '../../../shared/api/web-wire.ts';
import { silentLogger, type Logger } from '../server/logger.ts';
import { TokenBucket } from '../server/token-bucket.ts';
import { parseProfile, type Profile, type ProfileServer, type ProfileStore } from '../session/profile.ts';
import { SessionManager } from '../session/session-manager.ts';

// ── options ─────────────────────────────────────────────────────────────────────────────────

export interface WebLimits {
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
};

/** What the web server needs from a session: every call, events, and close. SessionManager is one. */
export interface WebSession extends ParleyApiCalls {
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
}

export interface WebServerOptions {
  /** Interface to listen on; '' means every interface (IPv6 and IPv4). */
  host: string;
  /** TCP port; 0 picks a free one (see `address`). */
  port: number;
  /** The built renderer: a folder with index.html (out/renderer). */
  staticDir: string;
  /** The room server browser users may join (and only that one), as this process reaches it. */
  roomServer: { host: string; port: number };
  /** App version reported by getAppInfo. */
  version: string;
  logger?: Logger;
  limits?: Partial<WebLimits>;
  /**
   * Host names (besides IP addresses, localhost, single-label and LAN names — see `isLanHostName`)
   * under which the UI may be reached. Anything else is refused, against DNS rebinding.
   */
  allowedHosts?: string[];
  /** Makes the session of one WebSocket (default: a SessionManager). For tests. */
  createSession?: (options: WebSessionOptions) => WebSession;
}

export interface WebServer {
  /** The address actually bound (with the real port when `port` was 0). */
  readonly address: AddressInfo;
  /** Open API WebSockets. */
  readonly connectionCount: number;
  /** Closes every WebSocket (and its session) and stops listening. */
  close(): Promise<void>;
}

/** The static folder has no index.html: the renderer was not built. */
export class WebRootError extends Error {
  readonly staticDir: string;
  constructor(staticDir: string, detail: string) {
    super(
      `The web UI is not built: ${join(staticDir, 'index.html')} ${detail}. ` +
        'Run `npm run build` first (or pass --web-root <folder with index.html>).',
    );
    this.name = 'WebRootError';
    this.staticDir = staticDir;
  }
}

// ── HTTP: static files and headers ─────────────────────────────────────────────────────────

/**
 * The renderer's own policy (src/renderer/index.html) plus what only a header can say
 * (frame-ancestors). connect-src 'self' covers the same-origin ws:/wss: API socket (CSP 3).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** Vite's output names: assets/<name>-<8-character hash>.<ext>. Such a file never changes. */
const HASHED_ASSET = /^assets\/(?:[^/]+\/)*[^/]+-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$/;

type StaticTarget = { status: 400 | 404 } | { relative: string };

/**
 * Maps a request target to a path relative to the static folder, or refuses it: only
 * origin-form targets ("/…"), percent-decoded once, without `.`/`..`/empty segments,
 * backslashes or NUL (400), and no dotfiles (404). The caller still checks the resolved real
 * path against the folder, so this is the first of two independent guards.
 */
export function staticTarget(rawUrl: string): StaticTarget {
  if (!rawUrl.startsWith('/')) return { status: 400 };
  const pathname = rawUrl.split(/[?#]/, 1)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { status: 400 };
  }
  if (decoded === '/') return { relative: 'index.html' };
  if (/[\\\0]/.test(decoded)) return { status: 400 };
  const segments = decoded.slice(1).split('/');
  if (segments.at(-1) === '') segments.pop(); // "/assets/": a folder, which is then not found
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return { status: 400 };
  if (segments.some((s) => s.startsWith('.') || s.includes(':'))) return { status: 404 };
  return { relative: segments.join('/') };
}

function sendPlain(
  res: ServerResponse,
  status: number,
  text: string,
  head: boolean,
  extra: Record<string, string> = {},
): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(head ? undefined : body);
}

// ── Host and Origin ────────────────────────────────────────────────────────────────────────

const LAN_SUFFIXES = ['.local', '.lan', '.home', '.home.arpa', '.internal', '.localdomain', '.localhost'];

/** The host name (lower case, no port, no brackets, no trailing dot) of a Host header value. */
export function hostNameOf(hostHeader: string): string | undefined {
  try {
    const url = new URL(`http://${hostHeader}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
    return url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/**
 * Host names a DNS-rebinding attacker cannot point at this machine: IP addresses, localhost,
 * single-label names (no public DNS name has one label) and the reserved or conventional LAN
 * suffixes (mDNS `.local`, `.lan`, `.home.arpa`…). A public name like `evil.example` resolving to
 * a LAN address is exactly the attack, so it is refused unless configured in `allowedHosts`.
 */
export function isLanHostName(name: string, extra: readonly string[] = []): boolean {
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || !name.includes('.')) return true;
  if (LAN_SUFFIXES.some((suffix) => name.endsWith(suffix))) return true;
  return extra.includes(name);
}

/**
 * Browsers always send Origin on a WebSocket handshake; it must name this same server (scheme
 * http or https, and exactly the host:port the browser addressed). A page from any other site —
 * or a sandboxed/opaque one ("null") — is refused.
 */
export function originMatchesHost(origin: string, hostHeader: string): boolean {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (url.origin === 'null') return false;
    const host = new URL(`http://${hostHeader}`).host;
    return url.host === host;
  } catch {
    return false;
  }
}

function normalizeIp(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

// ── the RPC ────────────────────────────────────────────────────────────────────────────────

function isCallName(name: string): name is ApiCallName {
  return Object.hasOwn(API_ARGS, name);
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
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
class WebConnection {
  private session: WebSession | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly bucket: TokenBucket;
  private strikes = 0;
  private inFlight = 0;
  alive = true;
  closed = false;
  private readonly ws: WebSocket;
  readonly ip: string;
  private readonly server: WebServerImpl;

  constructor(ws: WebSocket, ip: string, server: WebServerImpl) {
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
      this.refuse(id, 'bad_message', issueText(parsed.error));
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
      });
    } catch (error) {
      this.server.log.error({ err: error }, 'web: could not create a session');
      this.refuse(undefined, 'internal', 'The session could not be started');
      this.ws.close(1011, 'internal error');
      this.dispose();
      return;
    }
    this.unsubscribe = this.session.onEvent((name, payload) => this.send({ t: 'event', name, payload }));
  }

  private async call(id: number, name: string, args: unknown[]): Promise<void> {
    const session = this.session;
    if (!session) {
      this.refuse(id, 'not_initialized', 'Send init before any call');
      return;
    }
    if (!isCallName(name)) {
      this.refuse(id, 'unknown_call', `Unknown call: ${name.slice(0, 64)}`);
      return;
    }
    const checked = API_ARGS[name].safeParse(args);
    if (!checked.success) {
      this.refuse(id, 'bad_arguments', `${name}: ${issueText(checked.error)}`);
      return;
    }
    if (this.inFlight >= this.server.limits.maxCallsInFlight) {
      this.refuse(id, 'too_many_calls', 'Too many calls at once; wait for some to finish');
      return;
    }
    this.inFlight += 1;
    let response: ApiResponse;
    try {
      const method = session[name] as (...a: unknown[]) => Promise<unknown>;
      response = { ok: true, value: await method.apply(session, checked.data as unknown[]) };
    } catch (error) {
      response = { ok: false, error: toErrorShape(error) };
      if (response.error.code === 'internal') this.server.log.warn({ call: name, err: error }, 'web: call failed');
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

// ── the server ─────────────────────────────────────────────────────────────────────────────

class WebServerImpl implements WebServer {
  readonly limits: WebLimits;
  readonly log: Logger;
  readonly version: string;
  readonly roomServer: { host: string; port: number };
  readonly createSession: (options: WebSessionOptions) => WebSession;
  private readonly root: string;
  private readonly allowedHosts: string[];
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<WebConnection>();
  private readonly perIp = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: WebServerOptions, root: string) {
    this.limits = { ...DEFAULT_WEB_LIMITS, ...options.limits };
    this.log = options.logger ?? silentLogger;
    this.version = options.version;
    this.roomServer = { host: options.roomServer.host, port: options.roomServer.port };
    this.createSession = options.createSession ?? ((o) => new SessionManager(o));
    this.root = root;
    const machine = osHostname().toLowerCase();
    this.allowedHosts = [...(options.allowedHosts ?? []).map((h) => h.toLowerCase()), machine];
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxPayloadBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.http = createServer((req, res) => void this.serve(req, res));
    this.http.headersTimeout = 20_000;
    this.http.requestTimeout = 30_000;
    this.http.on('upgrade', (req, socket: Socket, head) => this.upgrade(req, socket, head));
    this.http.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      this.http.once('error', reject);
      this.http.listen({ port, ...(host ? { host } : {}) }, () => {
        this.http.off('error', reject);
        this.http.on('error', (error) => this.log.error({ err: error }, 'web: listener error'));
        this.heartbeat = setInterval(() => {
          for (const connection of this.connections) connection.ping();
        }, this.limits.heartbeatMs);
        this.heartbeat.unref();
        resolvePromise();
      });
    });
  }

  get address(): AddressInfo {
    return this.http.address() as AddressInfo;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  forget(connection: WebConnection): void {
    if (!this.connections.delete(connection)) return;
    const left = (this.perIp.get(connection.ip) ?? 1) - 1;
    if (left > 0) this.perIp.set(connection.ip, left);
    else this.perIp.delete(connection.ip);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.heartbeat);
      const stopped = new Promise<void>((done) => this.http.close(() => done()));
      for (const connection of [...this.connections]) connection.shutdown();
      this.http.closeIdleConnections();
      // Give the close frames a moment to go out, then cut whatever is left.
      const timer = setTimeout(() => this.http.closeAllConnections(), 1000);
      await stopped;
      clearTimeout(timer);
    })();
    return this.closing;
  }

  private hostAllowed(req: IncomingMessage): boolean {
    const name = hostNameOf(req.headers.host ?? '');
    return name !== undefined && isLanHostName(name, this.allowedHosts);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === 'HEAD';
    try {
      if (!this.hostAllowed(req)) {
        this.log.warn({ host: req.headers.host }, 'web: request for an unknown host name refused');
        sendPlain(res, 421, 'Unknown host name: open this server by its IP address or LAN name.', head);
        return;
      }
      if (req.method !== 'GET' && !head) {
        sendPlain(res, 405, 'Method not allowed', false, { Allow: 'GET, HEAD' });
        return;
      }
      const target = staticTarget(req.url ?? '');
      if ('status' in target) {
        sendPlain(res, target.status, target.status === 400 ? 'Bad request' : 'Not found', head);
        return;
      }
      const found = await this.find(target.relative);
      if (!found) {
        sendPlain(res, 404, 'Not found', head);
        return;
      }
      const { file, stats } = found;
      const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
      const headers: Record<string, string | number> = {
        ...SECURITY_HEADERS,
        'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Cache-Control': HASHED_ASSET.test(target.relative) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ETag: etag,
        'Last-Modified': stats.mtime.toUTCString(),
      };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Length': stats.size });
      if (head) {
        res.end();
        return;
      }
      const stream = createReadStream(file);
      stream.on('error', (error) => {
        this.log.warn({ err: error.message }, 'web: read error');
        res.destroy();
      });
      stream.pipe(res);
    } catch (error) {
      this.log.error({ err: error }, 'web: request failed');
      if (!res.headersSent) sendPlain(res, 500, 'Internal error', head);
      else res.destroy();
    }
  }

  /** The regular file at `relative`, if its real path (symlinks resolved) is inside the root. */
  private async find(relative: string): Promise<{ file: string; stats: Stats } | undefined> {
    const candidate = resolve(this.root, relative);
    if (!candidate.startsWith(this.root + sep)) return undefined;
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      return undefined;
    }
    if (!real.startsWith(this.root + sep)) return undefined;
    const stats = await stat(real).catch(() => undefined);
    return stats?.isFile() ? { file: real, stats } : undefined;
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => {});
    const ip = normalizeIp(socket.remoteAddress);
    const refuse = (status: number, reason: string, why: string) => {
      this.log.warn({ ip, origin: req.headers.origin, host: req.headers.host, why }, 'web: websocket refused');
      const body = `${why}\n`;
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      setTimeout(() => socket.destroy(), 1000).unref();
    };
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== '/api') return refuse(404, 'Not Found', 'not found');
    if (this.closing) return refuse(503, 'Service Unavailable', 'shutting down');
    if (!this.hostAllowed(req)) return refuse(421, 'Misdirected Request', 'unknown host name');
    // A missing Origin means a non-browser client (browsers always send one on a WebSocket
    // handshake). Such a client could as well speak the TCP protocol to the room server itself,
    // so letting it in grants nothing new; a browser page can never omit or forge Origin.
    const origin = req.headers.origin;
    if (origin !== undefined && !originMatchesHost(origin, req.headers.host ?? ''))
      return refuse(403, 'Forbidden', 'cross-origin request refused');
    const fromIp = this.perIp.get(ip) ?? 0;
    if (this.connections.size >= this.limits.maxConnections || fromIp >= this.limits.maxConnectionsPerIp)
      return refuse(503, 'Service Unavailable', 'too many connections');
    // With noServer and no verifyClient, ws completes (or aborts) the handshake synchronously,
    // so the limits checked above still hold when the connection is counted here.
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
      this.connections.add(new WebConnection(ws, ip, this));
      // The room server sees every browser as this process (loopback): the browser's address is here.
      this.log.info({ ip }, 'web client connected');
    });
  }
}

/** Where a bound address can be reached from this machine: wildcard addresses become loopback. */
export function reachableHost(address: string): string {
  return address === '' || address === '::' || address === '0.0.0.0' ? '127.0.0.1' : address;
}

/**
 * Checks that `staticDir` holds index.html (else throws WebRootError, telling to build) and
 * starts listening.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  let root: string;
  try {
    root = await realpath(resolve(options.staticDir));
    const index = await stat(join(root, 'index.html'));
    if (!index.isFile()) throw new WebRootError(options.staticDir, 'is not a file');
  } catch (error) {
    if (error instanceof WebRootError) throw error;
    throw new WebRootError(options.staticDir, 'is missing');
  }
  const server = new WebServerImpl(options, root);
  await server.listen(options.host, options.port);
  return server;
}
