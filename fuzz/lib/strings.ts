/**
 * Strings that have hurt (or could hurt) a chat server: lone surrogates, visibly blank ones,
 * bidi tricks, controls, NFC-changing sequences, values just over each limit, huge ones. The
 * fuzzer never produces U+FFFD itself, so a U+FFFD in the database afterwards can only be a lone
 * surrogate that was stored (what SQLite makes of one).
 */
import type { Rng } from './rng.ts';

const EDGE = [
  '',
  ' ',
  '\ud800',
  '\udc00',
  'a\ud800',
  'a\udc00',
  '\ude00\ud83d',
  'x\udbff',
  '\u200d',
  '\u200c\u200d',
  '\u3164',
  '\u2800',
  '\u034f',
  '\u115f',
  '\uffa0',
  '\u0301',
  '\u0e31',
  '\ufe0f',
  '\u202e',
  '\u202egnp.exe',
  '\u2066\u2069',
  '\u200b',
  '\ufeff',
  '\u00ad',
  '\u0000',
  'a\u0000b',
  '\u0007',
  '\u001b[31m',
  '\u0085',
  '\u2028',
  '\r\n',
  '\r',
  '\n\n\n',
  '\t',
  'e\u0301',
  '\u1100\u1161\u11a8',
  'ﬀ',
  'İ',
  'ß',
  '👨‍👩‍👧',
  '🏴󠁧󠁢󠁥󠁮󠁧󠁿',
  '1️⃣',
  'สมชาย',
  'محمد',
  '%s%n',
  '../../etc/passwd',
  "'; DROP TABLE messages; --",
  '__proto__',
  'constructor',
  '{"type":"hello"}',
];

/** A string of `n` code points drawn from one kind of character (ASCII, CJK, astral emoji, marks). */
function filled(rng: Rng, n: number): string {
  const unit = rng.pick(['x', '語', '🙂', 'e\u0301', '\u200d', ' ', '\u0301']);
  return unit.repeat(n);
}

/** Lengths around every limit of the protocol (names 32, rooms 64, ids 64, topics 256, text 4000). */
const LENGTHS = [31, 32, 33, 63, 64, 65, 128, 129, 255, 256, 257, 3999, 4000, 4001, 16_000, 16_001, 100_000];

export function edgeString(rng: Rng): string {
  const roll = rng.int(10);
  if (roll < 5) return rng.pick(EDGE);
  if (roll < 7) return filled(rng, rng.pick(LENGTHS));
  if (roll < 9) return `${rng.pick(EDGE)}${rng.pick(['Ada', 'room', 'hi'])}${rng.pick(EDGE)}`;
  // Random code points anywhere in Unicode, surrogate halves included (as JSON escapes on the wire).
  let out = '';
  for (let i = rng.int(12); i > 0; i--) {
    let cp = rng.int(0x110000);
    if (cp === 0xfffd) cp = 0x41;
    out += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
  return out;
}

/** A valid-looking, unique-ish value (names must not clash too often or nothing is created). */
export function plainString(rng: Rng, prefix: string): string {
  return `${prefix}${rng.int(1_000_000).toString(36)}`;
}
