/**
 * "The same UI in a browser": serves the built renderer (out/renderer) over HTTP and the app API
 * over a WebSocket at `/api`, so anyone on the LAN can chat from a browser with nothing installed.
 *
 * This file listens and routes: HTTP requests go to the static files (static-files.ts), each API
 * WebSocket to its own WebConnection and session (web-connection.ts).
 *
 * Security: every request and WebSocket handshake must name this server by a LAN host name (DNS
 * rebinding) and a WebSocket's Origin must be this server (cross-site WebSocket hijacking), both
 * decided in lan-host-names.ts; payloads and connections (in total and per IP) are bounded here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { WebSocketServer } from 'ws';
import { silentLogger, type Logger } from '../server/logger.ts';
import { SessionManager } from '../session/session-manager.ts';
import { serverKeyOf } from '../../../shared/api/contract.ts';
import { FileRoutes, isFileRoute } from './file-routes.ts';
import { hostNameOf, isLanHostName, originMatchesHost } from './lan-host-names.ts';
import { resolveWebRoot, sendPlain, StaticFiles } from './static-files.ts';
import {
  DEFAULT_WEB_LIMITS,
  WebConnection,
  type WebConnectionServer,
  type WebLimits,
  type WebSession,
  type WebSessionOptions,
} from './web-connection.ts';
import { normalizeIp } from '../transport/remote-address.ts';

// ── options ─────────────────────────────────────────────────────────────────────────────────

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

// ── the server ─────────────────────────────────────────────────────────────────────────────

class WebServerImpl implements WebServer, WebConnectionServer {
  readonly limits: WebLimits;
  readonly log: Logger;
  readonly version: string;
  readonly roomServer: { host: string; port: number };
  readonly createSession: (options: WebSessionOptions) => WebSession;
  private readonly files: StaticFiles;
  private readonly fileRoutes: FileRoutes;
  /** Open tabs by their token (file-routes.ts). */
  private readonly tabs = new Map<string, WebConnection>();
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
    this.files = new StaticFiles(root, this.log);
    this.fileRoutes = new FileRoutes({
      serverKey: serverKeyOf(this.roomServer.host, this.roomServer.port),
      limits: this.limits,
      log: this.log,
      tab: (token) => this.tabs.get(token),
    });
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
    this.tabs.delete(connection.tabToken);
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
      if (isFileRoute(req.url ?? '')) await this.fileRoutes.serve(req, res);
      else await this.files.serve(req, res);
    } catch (error) {
      this.log.error({ err: error }, 'web: request failed');
      if (!res.headersSent) sendPlain(res, 500, 'Internal error', head);
      else res.destroy();
    }
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
      const connection = new WebConnection(ws, ip, this);
      this.connections.add(connection);
      this.tabs.set(connection.tabToken, connection);
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
  const root = await resolveWebRoot(options.staticDir);
  const server = new WebServerImpl(options, root);
  await server.listen(options.host, options.port);
  return server;
}
