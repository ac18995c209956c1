/**
 * Opening links in the system browser. The only schemes that ever leave the app are http and
 * https, decided by parsing the URL (never by string prefix), and what is opened is the parser's
 * normalized href, not the string the page supplied.
 */
import { shell } from 'electron';
import { ApiError } from '../shared/api/proxy.ts';
import { toSafeHttpUrl } from '../shared/links.ts';

/**
 * The normalized http(s) URL to open, or null if `url` must not be opened: src/shared/links.ts's
 * rule, the one the renderer uses to decide what is a link (not a string, too long, unparsable,
 * another scheme — file:, javascript:, data:, smb:, custom app schemes… —, no host, or
 * user:password@ credentials, which make `https://bank.example@evil.example` look like a bank).
 */
export function toSafeExternalUrl(url: unknown): string | null {
  return toSafeHttpUrl(url);
}

export function isSafeExternalUrl(url: unknown): boolean {
  return toSafeExternalUrl(url) !== null;
}

/** Opens an http(s) URL in the system browser; rejects with ApiError('bad_url') for anything else. */
export async function openExternalUrl(url: unknown): Promise<void> {
  const safe = toSafeExternalUrl(url);
  if (safe === null) throw new ApiError('bad_url', 'Only http and https links can be opened.');
  await shell.openExternal(safe, { activate: true });
}
