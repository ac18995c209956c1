/**
 * src/main/worker-location.ts: a packaged app's worker file lives in app.asar.unpacked, and only a
 * whole `app.asar` path segment is rewritten.
 */
import { describe, expect, it } from 'vitest';
import { isInsideAsar, unpackedPath } from '../../src/main/worker-location.ts';

describe('unpackedPath', () => {
  it('rewrites the app.asar folder of a packaged path (POSIX and Windows separators)', () => {
    expect(unpackedPath('/opt/Parley/resources/app.asar/out/main/hosted-server-worker.js')).toBe(
      '/opt/Parley/resources/app.asar.unpacked/out/main/hosted-server-worker.js',
    );
    expect(unpackedPath('/Applications/Parley.app/Contents/Resources/app.asar/out/main/w.js')).toBe(
      '/Applications/Parley.app/Contents/Resources/app.asar.unpacked/out/main/w.js',
    );
    expect(unpackedPath('C:\\Users\\ada\\AppData\\Local\\Programs\\Parley\\resources\\app.asar\\out\\main\\w.js')).toBe(
      'C:\\Users\\ada\\AppData\\Local\\Programs\\Parley\\resources\\app.asar.unpacked\\out\\main\\w.js',
    );
  });

  it('leaves a development path alone', () => {
    const dev = '/home/ada/parley/out/main/hosted-server-worker.js';
    expect(unpackedPath(dev)).toBe(dev);
    expect(isInsideAsar(dev)).toBe(false);
  });

  it('touches only a whole app.asar segment', () => {
    for (const path of [
      '/data/my-app.asar/out/main/w.js',
      '/data/app.asar.bak/out/main/w.js',
      '/data/app.asarx/w.js',
      '/data/xapp.asar/w.js',
      '/data/app.asar.unpacked/out/main/w.js',
    ]) {
      expect(unpackedPath(path)).toBe(path);
    }
    expect(isInsideAsar('/data/app.asar.unpacked/out/main/w.js')).toBe(false);
    expect(isInsideAsar('/r/app.asar/out/main/w.js')).toBe(true);
  });

  it('rewrites only the first app.asar segment, and is idempotent', () => {
    expect(unpackedPath('/r/app.asar/x/app.asar/w.js')).toBe('/r/app.asar.unpacked/x/app.asar/w.js');
    const once = unpackedPath('/r/app.asar/out/main/w.js');
    expect(unpackedPath(once)).toBe(once);
  });

  it('handles app.asar as the last segment', () => {
    expect(unpackedPath('/r/resources/app.asar')).toBe('/r/resources/app.asar.unpacked');
  });
});
