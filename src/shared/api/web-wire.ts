/**
 * The wire format of the app API over a WebSocket (`parley-server --web`, path /api): JSON text
 * messages, one per WebSocket message. Defined once here for the server (src/main/core/web) and
 * the browser client (src/renderer/src/api/web-api.ts).
 *
 *   browser → server  {t:'init', profile}            first on every socket: the stored profile
 *                     {t:'call', id, name, args}
 *   server → browser  {t:'result', id, response}     response: ApiResponse
 *                     {t:'event', name, payload}
 *                     {t:'profile', profile}         the session saved its profile: persist it
 *                     {t:'tab', token}               after init: the token that names this
 *                                                    socket's session in the file routes' URLs
 *                     {t:'error', code, message}     a message that answered no call
 */
import { z } from 'zod';
import { API_EVENT_NAMES } from './names.ts';

/** The envelope every call is answered with (proxy.ts's ApiResponse), as the browser checks it. */
export const API_RESPONSE = z.union([
  // `value` is absent for calls that return nothing (JSON drops undefined).
  z.object({ ok: z.literal(true), value: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

/** A call id: chosen by the browser, echoed in the result. */
export const CALL_ID = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** What the server accepts; the call's own arguments are checked against API_ARGS afterwards. */
export const BROWSER_MESSAGE = z.discriminatedUnion('t', [
  z.object({ t: z.literal('init'), profile: z.unknown() }).strict(),
  z
    .object({
      t: z.literal('call'),
      id: CALL_ID,
      name: z.string().min(1).max(64),
      args: z.array(z.unknown()).max(16),
    })
    .strict(),
]);
export type BrowserMessage = z.infer<typeof BROWSER_MESSAGE>;

/** What the browser accepts from the server. */
export const SERVER_MESSAGE = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('result'),
    id: CALL_ID,
    response: API_RESPONSE,
  }),
  z.object({ t: z.literal('event'), name: z.enum(API_EVENT_NAMES), payload: z.unknown() }),
  z.object({ t: z.literal('profile'), profile: z.unknown() }),
  z.object({ t: z.literal('tab'), token: z.string().min(1).max(64) }),
  z.object({ t: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof SERVER_MESSAGE>;

// ── file bytes over HTTP (src/main/core/web/file-routes.ts) ────────────────────────────────────
//
// The socket carries JSON only; file bytes go over HTTP on the same port, addressed by the tab
// token the server sent in {t:'tab'}:
//   GET|HEAD  /api/files/<tabToken>/<fileId>/<original|thumb>[?download=1]
//   PUT       /api/upload/<tabToken>/<uploadId>?server=<key>&offset=<n>[&sha256=<hex>]
//             body: the chunk's raw bytes; answered with an ApiResponse as JSON

export const FILES_ROUTE = '/api/files/';
export const UPLOAD_ROUTE = '/api/upload/';

/** The URL path of a file for a tab (what a web session answers `mediaUrl` with). */
export function mediaPath(tabToken: string, fileId: string, variant: 'original' | 'thumb'): string {
  return `${FILES_ROUTE}${tabToken}/${encodeURIComponent(fileId)}/${variant}`;
}

/** The URL path (with its query) of one upload chunk. */
export function uploadPath(
  tabToken: string,
  uploadId: string,
  query: { server: string; offset: number; sha256?: string | undefined },
): string {
  const params = new URLSearchParams({ server: query.server, offset: String(query.offset) });
  if (query.sha256 !== undefined) params.set('sha256', query.sha256);
  return `${UPLOAD_ROUTE}${tabToken}/${encodeURIComponent(uploadId)}?${params.toString()}`;
}
