/**
 * The HTTP side of the web UI: the built renderer (out/renderer) as static files with their
 * headers, and the short plain-text answers for everything else. web-server.ts routes every HTTP
 * request here once its Host is accepted.
 *
 * Security: only GET/HEAD of regular files inside the static folder (no traversal, no symlink
 * escapes, no dotfiles); a strict CSP and companions on every response.
 *
 * Text files are sent gzip-compressed to browsers that accept it (phones load the app over
 * Wi-Fi: the script shrinks to about a third). Each file is compressed once and kept in memory
 * while it is unchanged; the folder is the built UI, a handful of files.
 */
import { createReadStream, type Stats } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Logger } from '../server/logger.ts';

/**
 * The renderer's own policy (src/renderer/index.html) plus what only a header can say
 * (frame-ancestors). connect-src 'self' covers the same-origin ws:/wss: API socket (CSP 3);
 * worker-src 'self' the app-shell service worker (SERVICE_WORKER), and nothing else. Files and
 * previews load from 'self' (/api/files/…, file-routes.ts) and blob: (previews the page makes
 * with a canvas before uploading); the meta policy's parley-media: is the desktop's and means
 * nothing to a browser.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
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

const gzip = promisify(gzipCallback);

/** Types worth compressing: text. Images and fonts are compressed already. */
const COMPRESSIBLE_TYPE = /^(?:text\/|application\/(?:json|manifest\+json)|image\/svg\+xml)/u;
/** Below this, gzip's header outweighs what it saves. */
const MIN_COMPRESS_BYTES = 1024;
/** Files larger than this are streamed as they are rather than compressed in memory. */
const MAX_COMPRESS_BYTES = 16 * 1024 * 1024;
/** Compressed files kept; the built UI has far fewer. */
const MAX_COMPRESSED_FILES = 64;

/** Whether an Accept-Encoding header accepts gzip (by name or `*`, with a q-value above 0). */
function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * The browser build's service worker (src/renderer/public/sw.js): it keeps the app shell so that
 * a reload while the server is down shows the app, "reconnecting". Never cached by HTTP (the
 * browser checks it for updates on every load anyway; no-cache makes each check reach us), and
 * allowed to control the whole origin.
 */
export const SERVICE_WORKER = 'sw.js';
const SERVICE_WORKER_HEADERS = { 'Cache-Control': 'no-cache', 'Service-Worker-Allowed': '/' };

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

/** A short text answer (only its headers for HEAD), with the same security headers as a file. */
export function sendPlain(
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

/**
 * Checks that `staticDir` holds index.html (else throws WebRootError, telling to build) and
 * returns the folder's real path, for StaticFiles.
 */
export async function resolveWebRoot(staticDir: string): Promise<string> {
  let root: string;
  try {
    root = await realpath(resolve(staticDir));
    const index = await stat(join(root, 'index.html'));
    if (!index.isFile()) throw new WebRootError(staticDir, 'is not a file');
  } catch (error) {
    if (error instanceof WebRootError) throw error;
    throw new WebRootError(staticDir, 'is missing');
  }
  return root;
}

/** Answers GET and HEAD requests with the regular files inside `root` (see resolveWebRoot). */
export class StaticFiles {
  private readonly root: string;
  private readonly log: Logger;
  /** Compressed bodies by real path, with the version (etag) they were made from. */
  private readonly gzipCache = new Map<string, { etag: string; body: Promise<Buffer> }>();

  constructor(root: string, log: Logger) {
    this.root = root;
    this.log = log;
  }

  /** Answers one request whose Host the server accepted; throws only on an unexpected error. */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === 'HEAD';
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
    const contentType = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const compressible =
      COMPRESSIBLE_TYPE.test(contentType) && stats.size >= MIN_COMPRESS_BYTES && stats.size <= MAX_COMPRESS_BYTES;
    const headers: Record<string, string | number> = {
      ...SECURITY_HEADERS,
      'Content-Type': contentType,
      'Cache-Control': HASHED_ASSET.test(target.relative) ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: etag,
      'Last-Modified': stats.mtime.toUTCString(),
      // Caches must keep the compressed and the plain answer apart.
      ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
      ...(target.relative === SERVICE_WORKER ? SERVICE_WORKER_HEADERS : {}),
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    if (compressible && acceptsGzip(req.headers['accept-encoding'])) {
      const body = await this.compressed(file, etag);
      res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      res.end(head ? undefined : body);
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
  }

  /** `file` gzip-compressed, once per version (etag); concurrent requests share the work. */
  private compressed(file: string, etag: string): Promise<Buffer> {
    const cached = this.gzipCache.get(file);
    if (cached?.etag === etag) return cached.body;
    const body = readFile(file).then((plain) => gzip(plain, { level: 9 }));
    // A failed read must not stay cached: the next request tries again.
    body.catch(() => {
      if (this.gzipCache.get(file)?.body === body) this.gzipCache.delete(file);
    });
    if (!cached && this.gzipCache.size >= MAX_COMPRESSED_FILES) {
      this.gzipCache.delete(this.gzipCache.keys().next().value!);
    }
    this.gzipCache.set(file, { etag, body });
    return body;
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
}
