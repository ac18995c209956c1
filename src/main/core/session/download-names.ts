/**
 * Where a download lands on this disk: a name that is safe on every OS (the server sanitizes
 * names already, but the name still comes from another user through the network, so it is
 * checked again here, where it becomes a path), made unique in its folder ("report (1).pdf"),
 * and the hidden `.part` file it is written to until it is complete and verified.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** Longest name written (bytes matter on most file systems: 255; leave room for " (99).part"). */
const MAX_LOCAL_NAME_CHARS = 200;
/** Numbered variants tried before giving up ("report (1).pdf" … ). */
const MAX_VARIANTS = 10_000;

/** Device names Windows reserves in every folder, with any extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
/** Path separators, characters Windows forbids, control characters and NUL. */
const FORBIDDEN_CHARS = /[/\\<>:"|?*\u0000-\u001f\u007f]/g;
/** Bidirectional overrides and isolates: they make "exe.pdf" look like "fdp.exe" and back. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** A file name safe to create in any folder on Windows, macOS and Linux. */
export function safeLocalName(name: string): string {
  let safe = name.normalize('NFC').replace(BIDI_CONTROLS, '').replace(FORBIDDEN_CHARS, '_');
  // Windows drops trailing dots and spaces (and "..", "." are no names at all).
  safe = safe.replace(/[. ]+$/, '').replace(/^\s+/, '');
  if (WINDOWS_RESERVED.test(safe)) safe = `_${safe}`;
  if (safe.length > MAX_LOCAL_NAME_CHARS) {
    const ext = extname(safe).slice(0, 20);
    safe = `${safe.slice(0, MAX_LOCAL_NAME_CHARS - ext.length)}${ext}`;
  }
  return safe === '' || /^\.+$/.test(safe) ? 'download' : safe;
}

/** The temporary file a download is written to: hidden (dot first) next to its final name. */
export function partPathOf(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.part`);
}

/**
 * A path in `dir` for `name` that no file, no part file and no download of this session
 * (`taken`) uses: "report.pdf", else "report (1).pdf", "report (2).pdf" …
 */
export function uniquePath(dir: string, name: string, taken: ReadonlySet<string>): string {
  const ext = extname(name);
  const stem = ext === '' ? name : name.slice(0, -ext.length);
  for (let n = 0; n < MAX_VARIANTS; n++) {
    const candidate = join(dir, n === 0 ? name : `${stem} (${n})${ext}`);
    if (isFree(candidate, taken)) return candidate;
  }
  throw new Error(`No free name for ${name} in ${dir}`);
}

function isFree(path: string, taken: ReadonlySet<string>): boolean {
  return !taken.has(path) && !existsSync(path) && !existsSync(partPathOf(path));
}
