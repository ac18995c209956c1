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
// Message text may contain newlines and tabs, nothing else from C0/C1.
const TEXT_FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
// Characters that draw nothing on their own (PROTOCOL.md §10.1 "blank"): whitespace, default-ignorable
// code points (ZWJ, ZWNJ, CGJ U+034F, variation selectors, Hangul fillers U+115F/U+1160/U+3164/U+FFA0,
// tags), format characters (bidi controls such as U+202E), combining marks (which need a base) and the
// Braille blank U+2800. Allowed inside text, but a name, room name or message made only of them looks
// empty: a blank entry in the member list or an empty-looking message. Defined by Unicode properties,
// not a list, so new ignorables are covered as the engine's Unicode data grows.
const BLANK_ONLY =
  /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\p{M}\u2800\u115f\u1160\u3164\uffa0\ufeff]*$/u;

/**
 * True when `text` has no character that draws something by itself (empty counts as blank). An emoji
 * ZWJ sequence, Thai or Arabic with their marks, or accented letters are not blank: each has a base.
 */
export function isVisiblyBlank(text: string): boolean {
  return BLANK_ONLY.test(text);
}

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
  if (isVisiblyBlank(value)) return { ok: false, reason: `${what} must contain a visible character` };
  if (codePointLength(value) > max) return { ok: false, reason: `${what} is longer than ${max} characters` };
  return { ok: true, value };
}

/** A display name: NFC, trimmed, 1–32 characters, no control characters, not visibly blank. */
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
 * Message text: line breaks normalized to \n, NFC, not empty nor visibly blank (isVisiblyBlank), at
 * most `maxChars` code points, no control characters but \n and \t.
 */
export function checkMessageText(raw: string, maxChars: number): TextCheck {
  // Cheap bound before normalizing: NFC can shrink text at most ~3× (Hangul jamo), never grow it past this.
  // Counted in code points like every bound (PROTOCOL.md §2); only a long text needs counting.
  if (raw.length > maxChars * 4 && codePointLength(raw) > maxChars * 4) {
    return { ok: false, code: 'text_too_long', reason: `Text is longer than ${maxChars} characters` };
  }
  const value = raw.replace(/\r\n?/g, '\n').normalize('NFC');
  if (value.trim().length === 0) return { ok: false, code: 'text_invalid', reason: 'Text must not be empty' };
  // Delivered live as-is but stored (UTF-8) as U+FFFD: history would differ from what was sent.
  if (!value.isWellFormed()) return { ok: false, code: 'text_invalid', reason: 'Text contains an unpaired surrogate' };
  // Only zero-width, bidi, filler or combining characters: an empty-looking message (§10.1 "blank").
  if (isVisiblyBlank(value)) {
    return { ok: false, code: 'text_invalid', reason: 'Text must contain a visible character' };
  }
  if (TEXT_FORBIDDEN.test(value))
    return { ok: false, code: 'text_invalid', reason: 'Text contains control characters' };
  if (codePointLength(value) > maxChars) {
    return { ok: false, code: 'text_too_long', reason: `Text is longer than ${maxChars} characters` };
  }
  return { ok: true, value };
}
