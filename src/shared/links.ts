/**
 * The one rule for which URLs are links: the renderer's linkify makes a link of exactly what the
 * desktop's external-links.ts agrees to open (and the browser build opens in a new tab). Pure:
 * no Node, no Electron, no DOM beyond the standard URL parser that all three have.
 *
 * A URL is a link when the WHATWG parser reads it as http: or https:, with a host, without
 * credentials (user:pass@ or user@: `https://bank.example@evil.example` goes to evil.example
 * while reading like the bank), and no longer than MAX_LINK_CHARS. What is used is the parser's
 * normalized href, never the string that was given.
 */

/** Same bound as the `openLink` argument schema. */
export const MAX_LINK_CHARS = 8192;

const LINK_PROTOCOLS = new Set(['http:', 'https:']);

/** The normalized href if `candidate` is a URL that may be a link (and be opened), else null. */
export function toSafeHttpUrl(candidate: unknown): string | null {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > MAX_LINK_CHARS) return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (!LINK_PROTOCOLS.has(url.protocol)) return null;
  if (url.hostname === '') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url.href;
}
