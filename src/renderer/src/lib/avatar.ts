/** Avatar initials and a stable colour per user id. */

/**
 * Background colours for avatars (styles/avatar.css has one class per entry, avatar--c0 …
 * avatar--c11, in this order). Twelve hues around the colour wheel, all of the same lightness
 * (OKLCH L ≈ 0.53–0.57), so that no colour stands out and each has 5:1 contrast with the white
 * initials — AA with a margin, in both themes since the initials are white on either. Equal
 * lightness also keeps every one visible against the dark theme's background (about 3.5:1).
 */
export const AVATAR_COLORS = [
  '#d22c42', // red
  '#b35304', // orange
  '#916709', // amber
  '#6c7506', // olive
  '#0e8125', // green
  '#067d6e', // teal
  '#0a7993', // cyan
  '#0b6ed3', // blue
  '#635ce5', // indigo
  '#924cd2', // violet
  '#b33cad', // magenta
  '#cc2d72', // pink
] as const;

/**
 * A stable 32-bit hash, so a user keeps their colour across sessions and devices: FNV-1a over the
 * code points, then murmur3's finalizer. FNV-1a alone mixes poorly into its low bits (bit k of
 * the result depends only on bits 0…k of the input), which made names differing in a letter or
 * two share a colour; the finalizer spreads every input bit over the whole word.
 */
function avatarHash(text: string): number {
  let h = 0x811c9dc5;
  for (const char of text) {
    h ^= char.codePointAt(0)!;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Index into AVATAR_COLORS for a user id (or any key): the same key, the same colour. */
export function avatarColorIndex(key: string): number {
  // Multiply-shift rather than `%`: it maps the hash evenly onto the palette using its top bits.
  return Math.floor((avatarHash(key) / 2 ** 32) * AVATAR_COLORS.length);
}

/**
 * A user-perceived character that is a letter or digit, with its combining marks ("é" as e + ◌́,
 * Thai "กิ"), and nothing else: not an emoji (✨, 👩‍💻, flags), a symbol (★), punctuation, or
 * an enclosed "1️⃣" (enclosing marks are not allowed).
 */
const LETTER = /^[\p{L}\p{N}][\p{Mn}\p{Mc}]*$/u;

const segmenter =
  typeof Intl !== 'undefined' && 'Segmenter' in Intl
    ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    : null;

function graphemes(word: string): Iterable<string> {
  if (segmenter === null) return Array.from(word);
  return Array.from(segmenter.segment(word), (s) => s.segment);
}

/** The first letter (or digit) of a word, or null when it has none. */
function firstLetter(word: string): string | null {
  for (const grapheme of graphemes(word)) if (LETTER.test(grapheme)) return grapheme;
  return null;
}

/**
 * "Ada Lovelace" → "AL", "bob" → "B", "A✨" → "A", "✨" or "  " → "?": the first letters of the
 * first and last words that have a letter. Accented letters and other scripts stay whole.
 */
export function initials(name: string): string {
  const letters = name
    .trim()
    .split(/\s+/u)
    .map(firstLetter)
    .filter((letter) => letter !== null);
  const first = letters[0];
  if (first === undefined) return '?';
  const last = letters.length > 1 ? letters[letters.length - 1]! : '';
  return (first + last).toLocaleUpperCase();
}
