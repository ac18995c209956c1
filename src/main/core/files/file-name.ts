/**
 * File names from other people, made safe to save and to show on every OS (docs/PROTOCOL.md
 * §18.6). A name is untrusted text: it may try to climb out of the downloads folder (`../`), be
 * a Windows device (`CON`, `NUL`, `COM1` …, with or without an extension), carry NUL and control
 * characters, hide its real extension behind a right-to-left override ("invoice‮fdp.exe" shows as
 * "invoiceexe.pdf"), be longer than any file system allows, or end in dots and spaces that
 * Windows silently drops. sanitize-filename does the characters every OS forbids; what it lacks
 * (bidi controls, keeping the extension when shortening, keeping a reserved name readable
 * instead of blanking it, leading dots that hide a file) is done here.
 */
import sanitizeFilename from 'sanitize-filename';

/** Longest stored name, in UTF-8 bytes (what ext4, APFS and NTFS all accept). */
export const MAX_SAFE_NAME_BYTES = 255;
/** The name of a file whose name was nothing usable. */
export const FALLBACK_NAME = 'file';

/** Bidirectional controls (embeddings, overrides, isolates and the marks) that reorder what is shown. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Windows devices, matched on the part before the first dot, in any case (also COM¹ …). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
/** An extension worth keeping when a name is shortened: short, and letters/digits only. */
const EXTENSION = /\.[\p{L}\p{N}]{1,16}$/u;

function trimEdges(name: string): string {
  // Leading dots hide a file on Unix (and "." / ".." are directories); trailing dots and spaces
  // are dropped by Windows, so "a.exe." and "a.exe " would silently become "a.exe".
  let start = 0;
  let end = name.length;
  while (start < end && (name[start] === '.' || name[start] === ' ')) start++;
  while (end > start && (name[end - 1] === '.' || name[end - 1] === ' ')) end--;
  return name.slice(start, end);
}

/** The longest prefix of `text` (whole code points) that fits in `bytes` UTF-8 bytes. */
function fitUtf8(text: string, bytes: number): string {
  let used = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (used + size > bytes) break;
    used += size;
    out += char;
  }
  return out;
}

/** A name safe to store, to save under on Windows, macOS and Linux, and to show as text. */
export function sanitizeFileName(raw: string): string {
  let name = raw.normalize('NFC').replace(BIDI_CONTROLS, '');
  // Only the last path segment: "../../etc/passwd" and "C:\\x\\y.txt" are "passwd" and "y.txt".
  const segments = name.split(/[/\\]/).filter((s) => trimEdges(s) !== '');
  name = trimEdges(segments.at(-1) ?? '');
  const dot = name.indexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  if (WINDOWS_RESERVED.test(stem.trim())) name = `_${name}`;
  // Shortened first, keeping the extension (sanitize-filename would cut it off at 255 bytes).
  if (Buffer.byteLength(name) > MAX_SAFE_NAME_BYTES) {
    const extension = EXTENSION.exec(name)?.[0] ?? '';
    const room = MAX_SAFE_NAME_BYTES - Buffer.byteLength(extension);
    name = trimEdges(fitUtf8(name.slice(0, name.length - extension.length), room)) + extension;
  }
  // Forbidden characters (< > : " | ? * and C0/C1 controls, NUL) become "_", so the name stays
  // readable; a replacement never makes the name longer in bytes.
  name = trimEdges(sanitizeFilename(name, { replacement: '_' }));
  return name === '' || name.startsWith('.') ? FALLBACK_NAME + name : name;
}
