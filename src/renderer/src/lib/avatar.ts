/** Avatar initials and a stable colour per user id. */

/** Background colours for avatars; each has at least 4.5:1 contrast with white initials. */
export const AVATAR_COLORS = [
  '#b42318', // red
  '#b54708', // orange
  '#067647', // green
  '#0e7090', // cyan
  '#175cd3', // blue
  '#5925dc', // violet
  '#c11574', // pink
  '#4e5ba6', // indigo
  '#6c5a00', // olive
  '#3e4784', // slate blue
] as const;

/** FNV-1a: a small, stable hash so a user keeps their colour across sessions and devices. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Index into AVATAR_COLORS (the CSS has one class per colour: avatar--c0 … avatar--c9). */
export function avatarColorIndex(userId: string): number {
  return hash(userId) % AVATAR_COLORS.length;
}

function firstGrapheme(word: string): string {
  if (typeof Intl !== 'undefined' && 'Segmenter' in Intl) {
    const first = new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(word)[Symbol.iterator]().next();
    return first.done ? '' : first.value.segment;
  }
  return Array.from(word)[0] ?? '';
}

/** "Ada Lovelace" → "AL", "bob" → "B", "  " → "?". Emoji and accented letters stay whole. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const first = words[0];
  if (first === undefined) return '?';
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  return (firstGrapheme(first) + (last === undefined ? '' : firstGrapheme(last))).toLocaleUpperCase();
}
