/**
 * Splits message text into plain text and http(s) links. Only http: and https: URLs become
 * links; anything else (javascript:, file:, data:, custom schemes) stays text.
 */
export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// A URL runs to the next whitespace or angle bracket / quote; trailing punctuation is trimmed below.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/giu;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"»”’]+$/u;

/** The link target if `candidate` is a well-formed http(s) URL, else null. */
export function safeHttpUrl(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.hostname === '') return null;
  return url.href;
}

/** Keeps a closing bracket that belongs to the URL, e.g. https://en.wikipedia.org/wiki/Foo_(bar). */
function trimTrailing(url: string): string {
  let trimmed = url.replace(TRAILING_PUNCTUATION, '');
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
  ] as const) {
    const opens = trimmed.split(open).length - 1;
    let closes = trimmed.split(close).length - 1;
    while (opens > closes && url.length > trimmed.length && url[trimmed.length] === close) {
      trimmed += close;
      closes++;
    }
  }
  return trimmed;
}

export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    const raw = trimTrailing(match[0]);
    const href = safeHttpUrl(raw);
    if (href === null) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}
