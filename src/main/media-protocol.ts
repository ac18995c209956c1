/**
 * `parley-media:`, the desktop's URLs for files of chat servers: what the page puts in <img> and
 * <video> src. The renderer never talks to a chat server (hardenSession blocks the network); main
 * reads the file through the session's own connection and credentials (`openMedia`) and answers
 * with the same statuses, headers and SHA-256 check as the browser gateway
 * (core/web/media-response.ts).
 *
 *   parley-media://files/<serverKey>/<fileId>/<original|thumb>[?download=1]
 *   (each part percent-encoded: a server key is "host:port")
 *
 * Only GET; a URL that names nothing, or a file this user may not read, is a bare 404. The page's
 * CSP allows the scheme for img-src and media-src only, and navigating to it stays blocked
 * (window.ts), so a file is never a document.
 */
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import { errorText, openMediaReply, parseRange, type MediaSource } from './core/web/media-response.ts';
import type { MediaVariant } from './core/session/media.ts';

export const MEDIA_SCHEME = 'parley-media';
/** The fixed host of every media URL (a standard scheme needs one). */
const MEDIA_HOST = 'files';

/**
 * Must run before the app is ready. `standard` gives the URLs a host and paths like http;
 * `secure` keeps them from being mixed content; `stream` lets <video> read ranges as it plays;
 * `supportFetchAPI` lets the page fetch() them. No `corsEnabled` or `bypassCSP`: <img> and
 * <video> need no CORS, and the page's CSP must keep applying.
 */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
  ]);
}

/** The URL of a file for the page (the session's `mediaUrl` option). */
export function mediaUrlOf(serverKey: string, fileId: string, variant: MediaVariant): string {
  return `${MEDIA_SCHEME}://${MEDIA_HOST}/${encodeURIComponent(serverKey)}/${encodeURIComponent(fileId)}/${variant}`;
}

export interface MediaTarget {
  serverKey: string;
  fileId: string;
  variant: MediaVariant;
  download: boolean;
}

/** What a media URL names, or undefined when it is not one of ours. */
export function parseMediaUrl(raw: string): MediaTarget | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${MEDIA_SCHEME}:` || url.hostname !== MEDIA_HOST || url.username || url.password || url.port)
    return undefined;
  const parts = url.pathname.split('/');
  if (parts.length !== 4 || parts[0] !== '') return undefined;
  let serverKey: string;
  let fileId: string;
  try {
    serverKey = decodeURIComponent(parts[1]!);
    fileId = decodeURIComponent(parts[2]!);
  } catch {
    return undefined;
  }
  const variant = parts[3];
  if (!serverKey || !fileId || (variant !== 'original' && variant !== 'thumb')) return undefined;
  return { serverKey, fileId, variant, download: url.searchParams.get('download') === '1' };
}

const NOT_FOUND_HEADERS = {
  'Content-Type': 'text/plain; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
};

/** Answers one request of the page for a media URL. Never throws. */
export async function answerMediaRequest(source: MediaSource, request: Request): Promise<Response> {
  if (request.method !== 'GET')
    return new Response('Method not allowed\n', { status: 405, headers: { ...NOT_FOUND_HEADERS, Allow: 'GET' } });
  const target = parseMediaUrl(request.url);
  if (!target) return new Response('Not found\n', { status: 404, headers: NOT_FOUND_HEADERS });
  const reply = await openMediaReply(source, {
    ...target,
    head: false,
    range: parseRange(request.headers.get('range')),
  });
  // No Cross-Origin-Resource-Policy here, unlike the gateway: the page (file: or the dev server)
  // is always another origin than parley-media:, and no page but ours can load in this app.
  if (!reply.body) return new Response(errorText(reply.status), { status: reply.status, headers: reply.headers });
  const body = Readable.toWeb(reply.body) as ReadableStream<Uint8Array>;
  return new Response(body, { status: reply.status, headers: reply.headers });
}

/** Serves the scheme from `source` (after app ready); returns the function that stops it. */
export function registerMediaProtocol(source: MediaSource): () => void {
  protocol.handle(MEDIA_SCHEME, (request) => answerMediaRequest(source, request));
  return () => protocol.unhandle(MEDIA_SCHEME);
}
