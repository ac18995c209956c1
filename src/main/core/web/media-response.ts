/**
 * How a file's bytes are answered to a page, the same for the browser gateway's HTTP routes
 * (file-routes.ts) and the desktop's `parley-media:` protocol (src/main/media-protocol.ts): which
 * range is read, the status, the headers, and the SHA-256 check of a whole file.
 *
 * Security: a file is only ever shown inline when it is a raster image or a video the browser
 * decodes itself (INLINE_MEDIA_TYPES, decided by the server from magic bytes, never from the
 * name); everything else is an attachment typed `application/octet-stream`. Every answer carries
 * nosniff and a sandboxing CSP, so even a file opened directly can run no script (HTML, SVG).
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { toErrorShape } from '../../../shared/api/proxy.ts';
import type { MediaStream, MediaVariant } from '../session/media.ts';

/** What opens media: a SessionManager (its `openMedia`). */
export interface MediaSource {
  openMedia(
    serverKey: string,
    fileId: string,
    variant: MediaVariant,
    range?: { offset: number; length?: number },
  ): Promise<MediaStream>;
}

/** Types a page may show inline (<img>, <video>): decoded by the browser, never run. */
export const INLINE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'video/mp4',
  'video/webm',
]);

/** The policy of every file answer: nothing loads, nothing runs, even if opened as a page. */
export const MEDIA_CSP = "default-src 'none'; sandbox";

/** A single byte range asked for: `bytes=start-end` or `bytes=start-` (end inclusive). */
export interface ByteRange {
  start: number;
  end?: number;
}

/**
 * The range a Range header asks for, or undefined to send the whole file: no header, or a header
 * this does not serve (several ranges, a suffix range `bytes=-n`, anything malformed). RFC 9110
 * lets a server ignore Range; browsers only ever ask single `start-` or `start-end` ranges to
 * seek in a video or resume a download. If-Range needs no check: a file id always names the
 * same bytes (its ETag is their SHA-256), so every version a browser saw is the current one.
 */
export function parseRange(header: string | null | undefined): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d{1,16})-(\d{0,16})$/u.exec(header.trim());
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === '' ? undefined : Number(match[2]);
  if (!Number.isSafeInteger(start) || (end !== undefined && (!Number.isSafeInteger(end) || end < start)))
    return undefined;
  return end === undefined ? { start } : { start, end };
}

/** The ETag of a variant: its SHA-256 (content-addressed, so it names the bytes exactly). */
export const mediaEtag = (sha256: string): string => `"${sha256}"`;

/** Content-Disposition with the name as RFC 6266/5987 say: an ASCII fallback and the UTF-8 name. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/gu, '_').trim() || 'file';
  const encoded = encodeURIComponent(name).replace(/['()*]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export interface MediaRequest {
  serverKey: string;
  fileId: string;
  variant: MediaVariant;
  /** Only the headers (HEAD): nothing of the file is read. */
  head: boolean;
  /** `?download=1`: always an attachment (a "Download" link), never shown inline. */
  download: boolean;
  range: ByteRange | undefined;
}

export type MediaReply =
  | {
      status: 200 | 206;
      headers: Record<string, string>;
      /** The bytes to send (already checked against the SHA-256 when it is the whole file); null for HEAD. */
      body: Readable | null;
    }
  | { status: 404 | 416 | 503; headers: Record<string, string>; body: null };

/** Codes that mean "no such file for this user" (or a URL that names nothing): a bare 404. */
const NOT_FOUND_CODES = new Set(['file_not_found', 'bad_arguments', 'not_allowed', 'forbidden', 'not_found']);
/** Codes that mean the session cannot reach the server right now. */
const UNAVAILABLE_CODES = new Set(['not_connected', 'disconnected', 'transfer_interrupted', 'closed']);

/** Headers of every answer, file or error: never sniffed, never run, kept private. */
function baseHeaders(): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': MEDIA_CSP,
    'Referrer-Policy': 'no-referrer',
  };
}

/** The short text body of an error answer (no detail: it could tell what exists). */
export function errorText(status: number): string {
  return status === 416 ? 'Range not satisfiable\n' : status === 503 ? 'Unavailable; try again\n' : 'Not found\n';
}

function errorReply(status: 404 | 416 | 503, extra: Record<string, string> = {}): MediaReply {
  const headers = { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };
  return { status, headers: { ...headers, ...extra }, body: null };
}

/** The headers describing a variant (type, disposition, caching), for 200, 206 and HEAD. */
export function mediaHeaders(stream: MediaStream, download: boolean): Record<string, string> {
  const inline = !download && INLINE_MEDIA_TYPES.has(stream.mediaType);
  return {
    ...baseHeaders(),
    'Content-Type': inline ? stream.mediaType : 'application/octet-stream',
    'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', stream.file.name),
    'Cache-Control': 'private',
    'Accept-Ranges': 'bytes',
    ETag: mediaEtag(stream.sha256),
  };
}

/**
 * Opens what `request` asks for and says how to answer it. Never throws: a file the user may
 * not read, or that does not exist, is a 404 without detail; a server out of reach a 503.
 */
export async function openMediaReply(source: MediaSource, request: MediaRequest): Promise<MediaReply> {
  const { serverKey, fileId, variant } = request;
  const open = (range: { offset: number; length?: number } | undefined) =>
    source.openMedia(serverKey, fileId, variant, range);
  try {
    if (request.head) {
      const probe = await open({ offset: 0, length: 0 });
      probe.body.destroy();
      return {
        status: 200,
        headers: { ...mediaHeaders(probe, request.download), 'Content-Length': String(probe.size) },
        body: null,
      };
    }
    const range = request.range;
    let stream: MediaStream;
    if (!range) stream = await open(undefined);
    else {
      const wanted = (r: ByteRange) => ({
        offset: r.start,
        ...(r.end === undefined ? {} : { length: r.end - r.start + 1 }),
      });
      try {
        stream = await open(wanted(range));
      } catch (error) {
        if (classify(error) !== 'other') throw error;
        // Past the end, or a length the server will not serve: learn the size and answer
        // 416 or the part that exists (what a Range header means), without guessing the code.
        const probe = await open({ offset: 0, length: 0 });
        probe.body.destroy();
        if (range.start >= probe.size) return errorReply(416, { 'Content-Range': `bytes */${probe.size}` });
        const end = Math.min(range.end ?? probe.size - 1, probe.size - 1);
        stream = await open(wanted({ start: range.start, end }));
      }
    }
    const whole = stream.offset === 0 && stream.length === stream.size;
    const body = whole ? stream.body.pipe(new Sha256Gate(stream.sha256, stream.body)) : stream.body;
    const headers: Record<string, string> = {
      ...mediaHeaders(stream, request.download),
      'Content-Length': String(stream.length),
    };
    if (!range) return { status: 200, headers, body };
    if (stream.length === 0) {
      stream.body.destroy();
      return errorReply(416, { 'Content-Range': `bytes */${stream.size}` });
    }
    headers['Content-Range'] = `bytes ${stream.offset}-${stream.offset + stream.length - 1}/${stream.size}`;
    return { status: 206, headers, body };
  } catch (error) {
    return errorReply(classify(error) === 'unavailable' ? 503 : 404);
  }
}

function classify(error: unknown): 'not_found' | 'unavailable' | 'other' {
  const { code } = toErrorShape(error);
  if (NOT_FOUND_CODES.has(code)) return 'not_found';
  if (UNAVAILABLE_CODES.has(code)) return 'unavailable';
  return 'other';
}

/** The bytes of a whole file did not hash to its SHA-256: the answer must fail, not complete. */
export class MediaHashMismatch extends Error {
  constructor() {
    super('The file does not match its SHA-256');
    this.name = 'MediaHashMismatch';
  }
}

/**
 * Passes a whole file through while hashing it, holding back its last chunk until the hash is
 * known: on a mismatch the stream fails before the final bytes, so the page sees a failed
 * download (short of its Content-Length), never a complete corrupt file.
 */
export class Sha256Gate extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private held: Buffer | undefined;
  private readonly expected: string;

  constructor(expected: string, source?: Readable) {
    super();
    this.expected = expected;
    // pipe() does not forward errors; a failed source must fail this stream too.
    source?.once('error', (error) => this.destroy(error));
    this.once('close', () => source?.destroy());
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    const previous = this.held;
    this.held = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    if (this.hash.digest('hex') !== this.expected) {
      callback(new MediaHashMismatch());
      return;
    }
    callback(null, this.held);
  }
}
