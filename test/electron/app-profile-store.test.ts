/**
 * The profile file in userData: untrusted on read (missing, corrupt, oversized, not a file →
 * empty profile, never a crash), debounced and atomic on write.
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-mock.ts'));

import {
  AppProfileStore,
  createAppProfileStore,
  MAX_PROFILE_BYTES,
  PROFILE_FILE_NAME,
} from '../../src/main/app-profile-store.ts';
import { emptyProfile, type Profile } from '../../src/main/core/session/profile.ts';
import { cleanupAll, tempDir } from '../support/harness.ts';
import { app, resetElectronMock } from './electron-mock.ts';

const PROFILE: Profile = {
  displayName: 'Ada',
  servers: [
    {
      host: '192.168.1.20',
      port: 7275,
      name: 'Kitchen',
      serverId: 'srv-1',
      credentials: { userId: 'u1', token: 't'.repeat(32) },
      lastConnected: 1_700_000_000_000,
    },
  ],
  disabledInterfaces: ['docker0'],
};

let dir: string;
let file: string;

beforeEach(() => {
  resetElectronMock();
  dir = tempDir();
  file = join(dir, PROFILE_FILE_NAME);
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(async () => {
  vi.restoreAllMocks();
  await cleanupAll();
});

describe('reading', () => {
  it('reads a missing file as the empty profile', () => {
    expect(new AppProfileStore(file).load()).toEqual(emptyProfile());
    expect(console.warn).not.toHaveBeenCalled();
  });

  it('reads a valid file', () => {
    writeFileSync(file, JSON.stringify(PROFILE));
    expect(new AppProfileStore(file).load()).toEqual(PROFILE);
  });

  it.each([
    ['truncated JSON', '{"displayName": "Ada", "servers": ['],
    ['binary garbage', '\u0000\u00ff\u00fe garbage'],
    ['an empty file', ''],
  ])('reads %s as the empty profile and sets the file aside', (_label, content) => {
    writeFileSync(file, content);
    expect(new AppProfileStore(file).load()).toEqual(emptyProfile());
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(`${file}.corrupt`, 'utf8')).toBe(content);
  });

  it.each([
    ['a JSON array', '[1, 2, 3]'],
    ['JSON null', 'null'],
    ['the wrong types', '{"displayName": 42, "servers": "all of them"}'],
    ['a prototype-polluting object', '{"__proto__": {"displayName": "Mallory"}, "servers": []}'],
  ])('reads %s through parseProfile (empty profile)', (_label, content) => {
    writeFileSync(file, content);
    expect(new AppProfileStore(file).load()).toEqual(emptyProfile());
    expect(({} as Record<string, unknown>)['displayName']).toBeUndefined();
  });

  it('keeps the valid parts of a partly invalid profile', () => {
    writeFileSync(file, JSON.stringify({ ...PROFILE, servers: [{ host: '', port: -1 }, ...PROFILE.servers] }));
    expect(new AppProfileStore(file).load()).toEqual(PROFILE);
  });

  it('refuses an oversized file', () => {
    writeFileSync(file, `{"displayName": "${'a'.repeat(MAX_PROFILE_BYTES)}", "servers": []}`);
    expect(new AppProfileStore(file).load()).toEqual(emptyProfile());
    expect(existsSync(`${file}.corrupt`)).toBe(true);
  });

  it('honours a smaller bound', () => {
    writeFileSync(file, JSON.stringify(PROFILE));
    expect(new AppProfileStore(file, { maxBytes: 16 }).load()).toEqual(emptyProfile());
  });

  it('reads a directory in its place as the empty profile', () => {
    mkdirSync(file);
    expect(new AppProfileStore(file).load()).toEqual(emptyProfile());
  });

  it('lives in userData/profile.json', () => {
    app.paths.set('userData', dir);
    expect(createAppProfileStore().path).toBe(file);
  });
});

describe('writing', () => {
  it('writes after a debounce, once for a burst of saves, the latest profile', async () => {
    const store = new AppProfileStore(file, { debounceMs: 30 });
    store.save({ ...PROFILE, displayName: 'One' });
    store.save({ ...PROFILE, displayName: 'Two' });
    store.save(PROFILE);
    expect(existsSync(file)).toBe(false);
    // A load before the write sees the pending profile.
    expect(store.load()).toEqual(PROFILE);
    await vi.waitFor(() => expect(existsSync(file)).toBe(true));
    await store.flush();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(PROFILE);
    expect(new AppProfileStore(file).load()).toEqual(PROFILE);
  });

  it('flush writes at once', async () => {
    const store = new AppProfileStore(file, { debounceMs: 60_000 });
    store.save(PROFILE);
    await store.flush();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(PROFILE);
    await store.flush(); // nothing pending: no-op
  });

  it('does not keep a reference to the saved object', async () => {
    const store = new AppProfileStore(file, { debounceMs: 60_000 });
    const profile = structuredClone(PROFILE);
    store.save(profile);
    profile.displayName = 'Changed afterwards';
    await store.flush();
    expect(JSON.parse(readFileSync(file, 'utf8')).displayName).toBe('Ada');
  });

  it('replaces the file atomically (temp file + rename), leaving no temp files', async () => {
    writeFileSync(file, JSON.stringify({ ...PROFILE, displayName: 'Old' }));
    // A hard link to the old file: an in-place write would change it too; a rename does not.
    const oldCopy = join(dir, 'old-link.json');
    linkSync(file, oldCopy);
    const store = new AppProfileStore(file, { debounceMs: 0 });
    store.save(PROFILE);
    await store.flush();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(PROFILE);
    expect(JSON.parse(readFileSync(oldCopy, 'utf8')).displayName).toBe('Old');
    expect(readdirSync(dir).sort()).toEqual(['old-link.json', PROFILE_FILE_NAME]);
  });

  it('writes the file readable by its owner only (it holds credentials)', async () => {
    if (process.platform === 'win32') return;
    const store = new AppProfileStore(file);
    store.save(PROFILE);
    await store.flush();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('creates the folder if needed', async () => {
    const nested = join(dir, 'a', 'b', PROFILE_FILE_NAME);
    const store = new AppProfileStore(nested);
    store.save(PROFILE);
    await store.flush();
    expect(new AppProfileStore(nested).load()).toEqual(PROFILE);
  });

  it('a failed write is logged and does not crash', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    // The profile's folder is a file: nothing can be written below it.
    const blocked = join(dir, 'not-a-dir');
    writeFileSync(blocked, 'x');
    const store = new AppProfileStore(join(blocked, PROFILE_FILE_NAME));
    store.save(PROFILE);
    await expect(store.flush()).resolves.toBeUndefined();
    expect(consoleError).toHaveBeenCalled();
    expect(readFileSync(blocked, 'utf8')).toBe('x');
  });
});
