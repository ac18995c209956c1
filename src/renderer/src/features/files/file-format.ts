/**
 * How files read to people: sizes, speeds, time left, a name that is safe to show, and which
 * icon a file gets. Pure functions, shared by the tray, the timeline, the cards and the viewer.
 */

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

/** "0 bytes", "812 bytes", "4.2 MB", "1.5 GB" (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1000) return bytes === 1 ? '1 byte' : `${Math.round(bytes)} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** "3.4 MB/s"; empty while nothing moves. */
export function formatSpeed(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : '';
}

/** "5 s left", "3 min left", "1 h 20 min left"; empty when it cannot be told. */
export function formatTimeLeft(remainingBytes: number, bytesPerSecond: number): string {
  if (!(bytesPerSecond > 0) || remainingBytes <= 0) return '';
  const seconds = Math.ceil(remainingBytes / bytesPerSecond);
  if (seconds < 60) return `${seconds} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min left`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

/** "1.2 MB of 4.0 MB · 3.4 MB/s · 2 s left": one line of progress. */
export function progressText(done: number, size: number, bytesPerSecond: number): string {
  return [
    `${formatBytes(done)} of ${formatBytes(size)}`,
    formatSpeed(bytesPerSecond),
    formatTimeLeft(size - done, bytesPerSecond),
  ]
    .filter((part) => part !== '')
    .join(' · ');
}

/**
 * Characters that reorder text or hide in it: bidi embeddings, overrides and isolates (U+202A–E,
 * U+2066–9), the direction marks, and other invisible format characters. A name like
 * "invoice‮fdp.exe" would otherwise show as "invoiceexe.pdf". The server sanitizes names, but a
 * name on screen is never trusted to have been.
 */
const HIDDEN_FORMATTING = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u0000-\u001f\u007f]/gu;

/** A file name as it may be shown: no characters that reorder or hide text; never empty. */
export function displayFileName(name: string): string {
  const clean = name.replace(HIDDEN_FORMATTING, '').trim();
  return clean === '' ? 'file' : clean;
}

/**
 * Splits a name for truncation in the middle: the head may be cut with an ellipsis, the tail
 * (the last few characters, with the extension) always shows — "quarterly-rep….pdf".
 */
export function splitForMiddleTruncation(name: string, tailChars = 8): { head: string; tail: string } {
  const chars = Array.from(name);
  if (chars.length <= tailChars + 4) return { head: name, tail: '' };
  return { head: chars.slice(0, -tailChars).join(''), tail: chars.slice(-tailChars).join('') };
}

export type FileCategory = 'image' | 'video' | 'pdf' | 'archive' | 'audio' | 'text' | 'generic';

const ARCHIVE_TYPES = /zip|x-tar|gzip|x-7z|x-rar|x-bzip|x-xz|zstd|compress/u;
const TEXT_TYPES = /^text\/|json|xml|javascript|typescript|x-sh|yaml|toml|x-python|sql/u;
const EXTENSIONS: Record<string, FileCategory> = {
  pdf: 'pdf',
  zip: 'archive',
  tar: 'archive',
  gz: 'archive',
  tgz: 'archive',
  '7z': 'archive',
  rar: 'archive',
  xz: 'archive',
  mp3: 'audio',
  wav: 'audio',
  flac: 'audio',
  ogg: 'audio',
  m4a: 'audio',
  opus: 'audio',
  txt: 'text',
  md: 'text',
  csv: 'text',
  json: 'text',
  ts: 'text',
  js: 'text',
  py: 'text',
  c: 'text',
  h: 'text',
  rs: 'text',
  go: 'text',
  java: 'text',
  log: 'text',
  yaml: 'text',
  yml: 'text',
  toml: 'text',
  html: 'text',
  css: 'text',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  webp: 'image',
  avif: 'image',
  mp4: 'video',
  webm: 'video',
};

/**
 * Which icon a file gets: from its media type (the server's, decided by magic bytes, for stored
 * files; the browser's guess for files still in the tray), else from the extension. Only the
 * icon: whether something is shown inline is `FileInfo.kind`, the server's word.
 */
export function fileCategory(type: string, name: string): FileCategory {
  const media = type.toLowerCase();
  if (media === 'application/pdf') return 'pdf';
  if (media.startsWith('image/')) return 'image';
  if (media.startsWith('video/')) return 'video';
  if (media.startsWith('audio/')) return 'audio';
  if (ARCHIVE_TYPES.test(media)) return 'archive';
  if (TEXT_TYPES.test(media)) return 'text';
  const extension = /\.([a-z0-9]{1,5})$/iu.exec(name)?.[1]?.toLowerCase();
  return (extension !== undefined ? EXTENSIONS[extension] : undefined) ?? 'generic';
}

/**
 * The size an image or video preview is shown at: within `maxWidth` × `maxHeight`, never larger
 * than the picture itself, never smaller than a finger's width. Known before anything loads, so
 * the row keeps its height (no layout jump when the picture arrives).
 */
export function previewBox(
  width: number | undefined,
  height: number | undefined,
  maxWidth = 360,
  maxHeight = 320,
): { width: number; height: number } {
  if (width === undefined || height === undefined || !(width > 0) || !(height > 0)) {
    return { width: Math.min(maxWidth, 320), height: Math.min(maxHeight, 240) };
  }
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return { width: Math.max(48, Math.round(width * scale)), height: Math.max(48, Math.round(height * scale)) };
}
