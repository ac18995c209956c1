/**
 * Updates of the desktop app: whether it checks for new versions (once a day, in the background),
 * and the news that one is downloaded. Only a packaged desktop app checks (src/main/updates); the
 * browser build and a development run answer `available: false`.
 */
import { z } from 'zod';

export const UPDATE_ARGS = {
  getUpdateStatus: z.tuple([]),
  /** Turns the daily check on or off (remembered across runs). */
  setUpdateChecks: z.tuple([z.boolean()]),
} as const;

export interface UpdateStatus {
  /** Whether this build can update itself at all (a packaged desktop app). */
  available: boolean;
  /** The user's setting: check once a day (the default) or never. */
  checksEnabled: boolean;
  /** A downloaded version that installs when Parley restarts, or null. */
  readyVersion: string | null;
}

export interface UpdateResults {
  getUpdateStatus: UpdateStatus;
  setUpdateChecks: UpdateStatus;
}

export interface UpdateEvents {
  /** A new version is downloaded; it installs when the app quits. */
  updateReady: { version: string };
}
