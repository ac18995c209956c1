/**
 * The update checker's memory, `<userData>/updates.json`: whether checks are on (the user's
 * setting) and when the last check was started. Its own small file rather than a field of
 * profile.json, because the profile belongs to the session (src/main/core, shared with the
 * headless server and the browser build), which has no updates.
 *
 * Like the profile, the file is untrusted: size-bounded, parsed leniently (an unusable file gives
 * the defaults: checks on, never checked), and written atomically (temporary file, then rename).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const UPDATE_SETTINGS_FILE_NAME = 'updates.json';
/** The real file is a few dozen bytes. */
const MAX_BYTES = 4096;

export interface UpdateSettings {
  checksEnabled: boolean;
  /** When the last check was started (ms since the epoch), or null if never. */
  lastCheckAt: number | null;
}

export const DEFAULT_UPDATE_SETTINGS: UpdateSettings = { checksEnabled: true, lastCheckAt: null };

const SCHEMA = z.object({
  checksEnabled: z.boolean().catch(DEFAULT_UPDATE_SETTINGS.checksEnabled),
  lastCheckAt: z.number().int().nonnegative().safe().nullable().catch(null),
});

/** Reads settings from anything; never throws. */
export function parseUpdateSettings(input: unknown): UpdateSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ...DEFAULT_UPDATE_SETTINGS };
  const parsed = SCHEMA.safeParse({ checksEnabled: undefined, lastCheckAt: undefined, ...input });
  return parsed.success ? parsed.data : { ...DEFAULT_UPDATE_SETTINGS };
}

export interface UpdateSettingsStore {
  load(): UpdateSettings;
  save(settings: UpdateSettings): void;
}

export class UpdateSettingsFile implements UpdateSettingsStore {
  readonly path: string;

  constructor(userDataDir: string) {
    this.path = join(userDataDir, UPDATE_SETTINGS_FILE_NAME);
  }

  load(): UpdateSettings {
    try {
      if (statSync(this.path).size > MAX_BYTES) return { ...DEFAULT_UPDATE_SETTINGS };
      return parseUpdateSettings(JSON.parse(readFileSync(this.path, 'utf8')));
    } catch {
      return { ...DEFAULT_UPDATE_SETTINGS }; // missing (first run), unreadable or not JSON
    }
  }

  /** Writes atomically; a failure is logged and forgotten (the worst case is an extra check). */
  save(settings: UpdateSettings): void {
    const temp = `${this.path}.${randomUUID()}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(temp, `${JSON.stringify(settings)}\n`);
      renameSync(temp, this.path);
    } catch (error) {
      rmSync(temp, { force: true });
      console.warn(`[parley] could not save ${this.path}`, error);
    }
  }
}

/** Keeps the settings in memory (tests). */
export class InMemoryUpdateSettings implements UpdateSettingsStore {
  private settings: UpdateSettings;

  constructor(initial: Partial<UpdateSettings> = {}) {
    this.settings = { ...DEFAULT_UPDATE_SETTINGS, ...initial };
  }

  load(): UpdateSettings {
    return { ...this.settings };
  }

  save(settings: UpdateSettings): void {
    this.settings = { ...settings };
  }
}
