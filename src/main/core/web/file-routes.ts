/**
 * The gateway's HTTP routes for file bytes, which the WebSocket (JSON text only) cannot carry
 * (their paths are defined once, in src/shared/api/web-wire.ts, for this file and web-api.ts):
 *
 *   GET|HEAD /api/files/<tabToken>/<fileId>/<original|thumb>[?download=1]
 *       the file (or its preview) read by that tab's session (`openMedia`): what <img>/<video>
 *       src and the browser's own downloads load. Range (single) for seeking; headers and the
 *       SHA-256 check of a whole file are media-response.ts's.
 *   PUT /api/upload/<tabToken>/<uploadId>?server=<key>&offset=<n>[&sha256=<hex>]
 *       one chunk of an upload, the body as raw bytes → the tab session's `writeUpload`,
 *       answered with the same JSON envelope as an API call ({ok, value} / {ok:false, error}).
 *
 * A tab token is 256 random bits made for one WebSocket (web-connection.ts) and forgotten when it
 * closes: it is what ties an HTTP request (which an <img> cannot send over the socket) to that
 * tab's session, i.e. to its user. So a URL leaked from a page only works while that tab is open,
 * and only for files that user may read. Unknown token or file: 404 without detail.
 *
 * Bounds, all checked from the headers before a byte of a body is read: Content-Length is
 * required (411) and at most MAX_UPLOAD_CHUNK_BYTES (413); chunks in flight per tab and per
 * process (429); media streams open per process (503). The body is then collected up to its
 * announced length only (Node's parser delivers no more than Content-Length).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { ParleyApiCalls } from '../../../shared/api/contract.ts';
import { dispatchCall } from '../../../shared/api/dispatch.ts';
import { MAX_UPLOAD_CHUNK_BYTES } from '../../../shared/api/features/files.ts';
import type { ApiResponse } from '../../../shared/api/proxy.ts';
import { FILES_ROUTE, UPLOAD_ROUTE } from '../../../shared/api/web-wire.ts';
import type { Logger } from '../server/logger.ts';
import { originMatchesHost } from './lan-host-names.ts';
import { errorText, openMediaReply, parseRange, type MediaSource } from './media-response.ts';

/** A new tab token: 32 random bytes, base64url (43 characters). */
export function newTabToken(): string {
  return randomBytes(32).toString('base64url');
}

const TAB_TOKEN = /^[A-Za-z0-9_-]{43}$/u;

/** Whether a request target is one of these routes (web-server.ts sends them here). */
export function isFileRoute(url: string): boolean {
  return url.startsWith(FILES_ROUTE) || url.startsWith(UPLOAD_ROUTE);
}

/** What a tab's session offers these routes. SessionManager is one. */
export interface FileSession extends MediaSource, Pick<ParleyApiCalls, 'writeUpload'> {}

/** One tab as these routes see it (a WebConnection). */
export interface FileTab {
  /** The tab's session; undefined before `init` and after the socket closed. */
  readonly fileSession: FileSession | undefined;
  /** Chunks of this tab being received or written now. */
  uploadsInFlight: number;
}

export interface FileRouteLimits {
  /** Upload chunks one tab may have in flight; a chunk is at most MAX_UPLOAD_CHUNK_BYTES of memory. */
  maxUploadsPerTab: number;
  /** Upload chunks in flight in the whole process (bounds the memory they hold). */
  maxUploadsInFlight: number;
  /** File answers streaming at once in the whole process (each holds a transfer connection). */
  maxMediaStreams: number;
}

export interface FileRoutesOptions {
  /** The session key of the one room server this process serves. */
  serverKey: string;
  limits: FileRouteLimits;
  log: Logger;
  /** The tab a token names, if it is open. */
  tab(token: string): FileTab | undefined;
}

const ROUTE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

type Segments = [token: string, id: string, ...rest: string[]];

/** `/api/files/a/b/c?x` → ['a', 'b', 'c'] (percent-decoded), or undefined when malformed. */
function segmentsOf(pathname: string, prefix: string): Segments | undefined {
  const parts = pathname.slice(prefix.length).split('/');
  try {
    const decoded = parts.map((p) => decodeURIComponent(p));
    if (decoded.some((p) => p === '')) return undefined;
    return decoded.length >= 2 ? (decoded as Segments) : undefined;
  } catch {
    return undefined;
  }
}

export class FileRoutes {
  private readonly options: FileRoutesOptions;
  private uploads = 0;
  private streams = 0;

  constructor(options: FileRoutesOptions) {
    this.options = options;
  }

  /** Answers a request for one of these routes (its Host already accepted). */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname.startsWith(UPLOAD_ROUTE)) this.upload(req, res, url);
    else await this.media(req, res, url);
  }

  // ── GET/HEAD /api/files/… ─────────────────────────────────────────────────────────────────

  private async media(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return plain(res, 405, 'Method not allowed', false, { Allow: 'GET, HEAD' });
    const segments = segmentsOf(url.pathname, FILES_ROUTE);
    const session = segments && TAB_TOKEN.test(segments[0]) ? this.options.tab(segments[0])?.fileSession : undefined;
    const variant = segments?.[2];
    if (!segments || segments.length !== 3 || !session || (variant !== 'original' && variant !== 'thumb'))
      return plain(res, 404, 'Not found', head);
    if (this.streams >= this.options.limits.maxMediaStreams) return plain(res, 503, 'Busy; try again', head);
    this.streams += 1;
    let counted = true;
    const release = () => {
      if (counted) this.streams -= 1;
      counted = false;
    };
    try {
      const reply = await openMediaReply(session, {
        serverKey: this.options.serverKey,
        fileId: segments[1],
        variant,
        head,
        download: url.searchParams.get('download') === '1',
        range: head ? undefined : parseRange(req.headers.range),
      });
      if (!reply.body) {
        release();
        if (reply.status >= 400) return plain(res, reply.status, errorText(reply.status), head, reply.headers);
        res.writeHead(reply.status, { ...reply.headers, ...ROUTE_HEADERS });
        res.end();
        return;
      }
      if (res.destroyed) {
        reply.body.destroy();
        release();
        return;
      }
      res.writeHead(reply.status, { ...reply.headers, ...ROUTE_HEADERS });
      // pipeline: backpressure from a slow browser reaches the transfer connection, and either
      // side failing (a browser gone, a hash mismatch) destroys the other.
      pipeline(reply.body, res, (error) => {
        release();
        if (error) this.options.log.debug({ err: error.message }, 'web: file answer ended early');
      });
    } catch (error) {
      release();
      throw error;
    }
  }

  // ── PUT /api/upload/… ─────────────────────────────────────────────────────────────────────

  private upload(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const refuse = (status: number, code: string, message: string, extra: Record<string, string> = {}) =>
      json(res, status, { ok: false, error: { code, message } }, { Connection: 'close', ...extra });
    if (req.method !== 'PUT') return refuse(405, 'bad_request', 'Uploads are PUT requests', { Allow: 'PUT' });
    // A page of another origin cannot send this PUT (it is no simple request and we answer no
    // CORS preflight); refusing a foreign Origin outright says so even to a careless browser.
    const origin = req.headers.origin;
    if (origin !== undefined && !originMatchesHost(origin, req.headers.host ?? ''))
      return refuse(403, 'forbidden', 'Cross-origin upload refused');
    const segments = segmentsOf(url.pathname, UPLOAD_ROUTE);
    const tab =
      segments && segments.length === 2 && TAB_TOKEN.test(segments[0]) ? this.options.tab(segments[0]) : undefined;
    const session = tab?.fileSession;
    if (!segments || !tab || !session)
      // The tab's session is gone (its socket closed): the page resumes with beginUpload.
      return refuse(404, 'transfer_interrupted', "This page's session ended; start the upload again");
    const length = declaredLength(req);
    if (length === undefined) return refuse(411, 'length_required', 'An upload chunk needs a Content-Length');
    if (length > MAX_UPLOAD_CHUNK_BYTES)
      return refuse(413, 'chunk_too_large', `An upload chunk is at most ${MAX_UPLOAD_CHUNK_BYTES} bytes`);
    const { limits } = this.options;
    if (tab.uploadsInFlight >= limits.maxUploadsPerTab || this.uploads >= limits.maxUploadsInFlight)
      return refuse(429, 'too_many_calls', 'Too many upload chunks at once; wait for one to finish');

    tab.uploadsInFlight += 1;
    this.uploads += 1;
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      tab.uploadsInFlight -= 1;
      this.uploads -= 1;
    };
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > length)
        req.destroy(); // cannot happen with Node's parser; kept as the bound
      else chunks.push(chunk);
    });
    req.on('error', release);
    req.on('close', () => {
      if (!req.complete) release();
    });
    req.on('end', () => {
      if (received !== length) {
        release();
        refuse(400, 'bad_request', 'The body is not as long as its Content-Length');
        return;
      }
      const body = Buffer.concat(chunks, received);
      const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
      const sha256 = url.searchParams.get('sha256');
      const offsetText = url.searchParams.get('offset') ?? '';
      const args: unknown[] = [
        url.searchParams.get('server'),
        segments[1],
        /^\d{1,16}$/u.test(offsetText) ? Number(offsetText) : offsetText,
        bytes,
        ...(sha256 === null ? [] : [sha256]),
      ];
      void dispatchCall(session, 'writeUpload', args, {
        onInternalError: (call, err) => this.options.log.warn({ call, err }, 'web: upload chunk failed'),
      }).then((response) => {
        release();
        json(res, 200, response);
      });
    });
  }
}

/** Content-Length as a number, or undefined when absent, malformed or chunked. */
function declaredLength(req: IncomingMessage): number | undefined {
  if (req.headers['transfer-encoding'] !== undefined) return undefined;
  const text = req.headers['content-length'];
  if (text === undefined || !/^\d{1,16}$/u.test(text)) return undefined;
  return Number(text);
}

function plain(
  res: ServerResponse,
  status: number,
  text: string,
  head: boolean,
  extra: Record<string, string> = {},
): void {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  res.writeHead(status, {
    ...extra,
    ...ROUTE_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(head ? undefined : body);
}

function json(res: ServerResponse, status: number, response: ApiResponse, extra: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(response);
  res.writeHead(status, {
    ...extra,
    ...ROUTE_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
