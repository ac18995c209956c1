/**
 * Pure validation of user-visible text: display names, room names, topics, message text.
 * Shared by the server (authoritative) and the UI (to explain a problem before sending).
 */
import { MAX_NAME_CHARS, MAX_ROOM_NAME_CHARS, MAX_TOPIC_CHARS } from './protocol/constants.ts';

// Invisible characters that would let "Ada" and "A\u200bda" look identical: soft hyphen, zero-width
// space, LRM/RLM, word joiner and friends, BOM. ZWJ and ZWNJ stay allowed: emoji sequences and
// Persian or Indic names need them.
const INVISIBLE = '\u00ad\u180e\u200b\u200e\u200f\u2060-\u2064\ufeff';
// C0 and C1 control characters, DEL, Unicode line/paragraph separators, bidi overrides and the
// invisible characters above, which would let a name impersonate another or break a one-line layout.
const NAME_FORBIDDEN = new RegExp(
  `[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069${INVISIBLE}]`,
  'u',
);
const INVISIBLE_ALL = new RegExp(`[${INVISIBLE}]`, 'gu');
// Message text may contain newlines and tabs, nothing else from C0/C1.
const TEXT_FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

/** Counts user-perceived characters as code points (an emoji is one, not two UTF-16 units). */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export type NameCheck = { ok: true; value: string } | { ok: false; reason: string };

function checkLabel(raw: string, max: number, what: string): NameCheck {
  const value = raw.normalize('NFC').trim();
  if (value.length === 0) return { ok: false, reason: `${what} must not be empty` };
  // A lone surrogate (from a JSON escape like "\ud800") has no UTF-8 form: SQLite would store U+FFFD.
  if (!value.isWellFormed()) return { ok: false, reason: `${what} contains an unpaired surrogate` };
  if (NAME_FORBIDDEN.test(value)) return { ok: false, reason: `${what} contains control or invisible characters` };
  if (codePointLength(value) > max) return { ok: false, reason: `${what} is longer than ${max} characters` };
  return { ok: true, value };
}

/** A display name: NFC, trimmed, 1–32 characters, no control characters. */
export function checkDisplayName(raw: string): NameCheck {
  return checkLabel(raw, MAX_NAME_CHARS, 'Name');
}

export function checkRoomName(raw: string): NameCheck {
  return checkLabel(raw, MAX_ROOM_NAME_CHARS, 'Room name');
}

/** Topics may be empty. */
export function checkTopic(raw: string): NameCheck {
  const value = raw.normalize('NFC').trim();
  if (value.length === 0) return { ok: true, value };
  return checkLabel(value, MAX_TOPIC_CHARS, 'Topic');
}

/** The key under which names are compared for uniqueness ("Ada" and "ADA" clash). */
export function nameKey(normalized: string): string {
  return normalized.toLocaleLowerCase('und').normalize('NFC');
}

export type TextCheck =
  { ok: true; value: string } | { ok: false; code: 'text_invalid' | 'text_too_long'; reason: string };

/**
 * Message text: line breaks normalized to \n, NFC, not blank (nor only invisible characters), at
 * most `maxChars` code points, no control characters but \n and \t.
 */
export function checkMessageText(raw: string, maxChars: number): TextCheck {
  // Cheap bound before normalizing: NFC can shrink text at most ~3× (Hangul jamo), never grow it past this.
  // Counted in code points like every bound (PROTOCOL.md §2); only a long text needs counting.
  if (raw.length > maxChars * 4 && codePointLength(raw) > maxChars * 4) {
    return { ok: false, code: 'text_too_long', reason: `Text is longer than ${maxChars} characters` };
  }
  const value = raw.replace(/\r\n?/g, '\n').normalize('NFC');
  if (value.replace(INVISIBLE_ALL, '').trim().length === 0) {
    return { ok: false, code: 'text_invalid', reason: 'Text must not be empty' };
  }
  // Delivered live as-is but stored (UTF-8) as U+FFFD: history would differ from what was sent.
  if (!value.isWellFormed()) return { ok: false, code: 'text_invalid', reason: 'Text contains an unpaired surrogate' };
  if (TEXT_FORBIDDEN.test(value))
    return { ok: false, code: 'text_invalid', reason: 'Text contains control characters' };
  if (codePointLength(value) > maxChars) {
    return { ok: false, code: 'text_too_long', reason: `Text is longer than ${maxChars} characters` };
  }
  return { ok: true, value };
}
