/**
 * Where a file the app ships outside its asar archive really is.
 *
 * Packaged, the app's code lives in `resources/app.asar`. Electron's fs patches let the main
 * process read files inside the archive, but a worker thread is started by Node from a real file
 * path, which an archive entry is not; electron-builder's `asarUnpack` copies such files next to
 * the archive, into `resources/app.asar.unpacked/` with the same relative path. `import.meta.dirname`
 * still points inside `app.asar`, so the path must be rewritten to the unpacked copy.
 */
const ASAR = 'app.asar';
const UNPACKED = 'app.asar.unpacked';

/**
 * `path` with its `app.asar` folder replaced by `app.asar.unpacked`; unchanged when no path
 * segment is exactly `app.asar` (a dev build, or names like `my-app.asar` / `app.asar.bak`).
 * Both separators are accepted, so a Windows path is rewritten on any OS (tests) and a POSIX one
 * on Windows. Only the first such segment is rewritten: the archive cannot nest.
 */
export function unpackedPath(path: string): string {
  const segments = path.split(/([\\/])/u);
  const index = segments.indexOf(ASAR);
  if (index === -1) return path;
  segments[index] = UNPACKED;
  return segments.join('');
}

/** Whether `path` is inside an asar archive named `app.asar` (a packaged app). */
export function isInsideAsar(path: string): boolean {
  return path.split(/[\\/]/u).includes(ASAR);
}
