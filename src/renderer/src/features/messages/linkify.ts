/**
 * Splits message text into plain text and links. What is a link is src/shared/links.ts's rule
 * (http(s), a host, no credentials), the same the desktop applies before opening one; anything
 * else (javascript:, file:, data:, custom schemes, `https://bank@evil.example`) stays text.
 */
import { toSafeHttpUrl } from '../../../../shared/links.ts';

export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// A URL runs to the next whitespace or angle bracket / quote; trailing punctuation is trimmed below.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/giu;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"»”’]+$/u;

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
    const href = toSafeHttpUrl(raw);
    if (href === null) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}
