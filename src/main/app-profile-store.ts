/**
 * The desktop app's profile (display name, remembered servers and their credentials) in
 * `<userData>/profile.json`.
 *
 * The file is untrusted input: it is read with a size bound and through `parseProfile`, and a file
 * that cannot be used (too big, not JSON, not a file) is set aside as `profile.json.corrupt` and
 * read as the empty profile — the app always starts. Writes are debounced (the session saves after
 * every change) and atomic: a temporary file is written, flushed to disk and renamed over the old
 * one, so a crash mid-write never leaves a truncated profile. Call `flush()` before quitting.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, renameSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { app } from 'electron';
import { emptyProfile, parseProfile, type Profile, type ProfileStore } from './core/session/profile.ts';

export const PROFILE_FILE_NAME = 'profile.json';
/** A real profile is a few kilobytes (at most 50 servers); anything this big is not ours. */
export const MAX_PROFILE_BYTES = 1024 * 1024;
export const SAVE_DEBOUNCE_MS = 300;

export interface AppProfileStoreOptions {
  debounceMs?: number;
  maxBytes?: number;
}

export class AppProfileStore implements ProfileStore {
  readonly path: string;
  private readonly debounceMs: number;
  private readonly maxBytes: number;
  /** The latest saved profile not yet written, if any. */
  private pending: Profile | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Writes run one after another, in order. */
  private writing: Promise<void> = Promise.resolve();

  constructor(path: string, options: AppProfileStoreOptions = {}) {
    this.path = path;
    this.debounceMs = options.debounceMs ?? SAVE_DEBOUNCE_MS;
    this.maxBytes = options.maxBytes ?? MAX_PROFILE_BYTES;
  }

  load(): Profile {
    if (this.pending) return structuredClone(this.pending);
    const text = this.readBounded();
    if (text === null) return emptyProfile();
    try {
      return parseProfile(JSON.parse(text));
    } catch {
      this.setAside('it is not valid JSON');
      return emptyProfile();
    }
  }

  save(profile: Profile): void {
    this.pending = structuredClone(profile);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.debounceMs);
  }

  /** Writes any pending change now; resolves when every write so far is on disk (or failed). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const profile = this.pending;
    if (profile) {
      this.writing = this.writing
        .then(() => this.write(profile))
        .then(() => {
          if (this.pending === profile) this.pending = null;
        })
        .catch((error: unknown) => console.error(`[parley] could not save ${this.path}`, error));
    }
    return this.writing;
  }

  /** The file's text, or null if it is missing or unusable (set aside unless missing). */
  private readBounded(): string | null {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') console.warn(`[parley] cannot read ${this.path}`, error);
      return null;
    }
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) return this.setAside('it is not a regular file');
      if (stats.size > this.maxBytes) return this.setAside(`it is larger than ${this.maxBytes} bytes`);
      // Read at most maxBytes + 1, whatever the size said: the file may be growing.
      const buffer = Buffer.alloc(this.maxBytes + 1);
      let length = 0;
      for (;;) {
        const read = readSync(fd, buffer, length, buffer.length - length, null);
        if (read === 0) break;
        length += read;
        if (length > this.maxBytes) return this.setAside(`it is larger than ${this.maxBytes} bytes`);
      }
      return buffer.toString('utf8', 0, length);
    } catch (error) {
      console.warn(`[parley] cannot read ${this.path}`, error);
      return null;
    } finally {
      closeSync(fd);
    }
  }

  /** Keeps an unusable profile for inspection instead of overwriting it on the next save. */
  private setAside(reason: string): null {
    console.warn(`[parley] ignoring ${this.path}: ${reason}; starting with an empty profile`);
    try {
      renameSync(this.path, `${this.path}.corrupt`);
    } catch {
      // best effort: the next save replaces it
    }
    return null;
  }

  private async write(profile: Profile): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    try {
      // 0o600: the profile holds the credentials servers issued to us.
      const handle = await open(temporary, 'w', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(profile, null, 2)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

/** The app's profile store, in the userData folder. */
export function createAppProfileStore(options?: AppProfileStoreOptions): AppProfileStore {
  return new AppProfileStore(join(app.getPath('userData'), PROFILE_FILE_NAME), options);
}
