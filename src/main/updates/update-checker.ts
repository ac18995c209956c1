/**
 * The daily update check of the packaged desktop app.
 *
 * A LAN chat app is often used without internet, so everything here is quiet and optional:
 *  - nothing happens unless the app is packaged (`isPackaged`): a development run has no release
 *    feed, and the headless server never builds one of these (it lives in src/main, not core);
 *  - the first check waits FIRST_CHECK_DELAY_MS after start, so the window, the profile and any
 *    hosting come first, and start never waits on the network;
 *  - at most one check per CHECK_INTERVAL_MS (24 h), counted from the last check *started*, also
 *    across restarts (UpdateSettingsStore): a failed check (offline) is logged and tried again the
 *    next day, never shown as an error;
 *  - a found version downloads in the background (electron-updater's autoDownload) and installs
 *    when the app quits; the renderer hears `updateReady` and says "restart to install";
 *  - the user's setting turns checks off (and back on) at once.
 * electron-updater itself is loaded lazily through `loadUpdater`, so an unpackaged run never
 * loads it, and tests pass a fake.
 */
import type { UpdateStatus } from '../../shared/api/contract.ts';
import type { Logger } from '../core/server/logger.ts';
import type { UpdateSettingsStore } from './update-settings-file.ts';

export const CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;
export const FIRST_CHECK_DELAY_MS = 30_000;

/** What the checker needs from electron-updater's `autoUpdater` (electron-updater.ts adapts it). */
export interface Updater {
  /** Resolves when the check is done (a found update then downloads on its own); rejects offline. */
  checkForUpdates(): Promise<unknown>;
  onDownloaded(listener: (version: string) => void): void;
  /** Errors outside a check's promise (a failed background download). */
  onError(listener: (error: unknown) => void): void;
}

export interface UpdateCheckerOptions {
  /** A packaged build that may replace itself (index.ts: app.isPackaged && canSelfUpdate). */
  isPackaged: boolean;
  settings: UpdateSettingsStore;
  loadUpdater: () => Promise<Updater>;
  logger: Logger;
  now?: () => number;
  firstCheckDelayMs?: number;
}

type ReadyListener = (payload: { version: string }) => void;

export class UpdateChecker {
  private readonly options: UpdateCheckerOptions;
  private readonly now: () => number;
  private readonly listeners = new Set<ReadyListener>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private updater: Promise<Updater> | null = null;
  private readyVersion: string | null = null;
  private started = false;
  /** True while a check's promise is pending. */
  private checking = false;

  constructor(options: UpdateCheckerOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Schedules the first check (packaged builds only). Returns at once. */
  start(): void {
    if (!this.options.isPackaged || this.started) return;
    this.started = true;
    this.schedule(this.options.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS);
  }

  stop(): void {
    this.started = false;
    this.clearTimer();
  }

  async getUpdateStatus(): Promise<UpdateStatus> {
    return {
      available: this.options.isPackaged,
      checksEnabled: this.options.settings.load().checksEnabled,
      readyVersion: this.readyVersion,
    };
  }

  async setUpdateChecks(enabled: boolean): Promise<UpdateStatus> {
    const settings = this.options.settings.load();
    this.options.settings.save({ ...settings, checksEnabled: enabled });
    if (this.started) {
      // Switched on: check soon if a day has passed (runDue waits out the rest of the day otherwise).
      if (enabled) this.schedule(this.options.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS);
      else this.clearTimer();
    }
    return this.getUpdateStatus();
  }

  /** `listener` hears each downloaded version; returns the unsubscribe. */
  onUpdateReady(listener: ReadyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => void this.runDue(), delayMs);
    // Never the reason the process stays alive.
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Checks if a day has passed since the last check, else waits until it has. */
  private async runDue(): Promise<void> {
    this.timer = null;
    const settings = this.options.settings.load();
    // Off: nothing is scheduled until the setting is switched on. Downloaded: nothing more to fetch.
    if (!this.started || !settings.checksEnabled || this.readyVersion !== null) return;
    const now = this.now();
    const wait = settings.lastCheckAt === null ? 0 : settings.lastCheckAt + CHECK_INTERVAL_MS - now;
    // A last check "in the future" means the clock was set back: check now rather than wait days.
    if (wait > 0 && wait <= CHECK_INTERVAL_MS) {
      this.schedule(wait);
      return;
    }
    // Counted before the check, so a check that fails (offline) or hangs still waits a day.
    this.options.settings.save({ ...settings, lastCheckAt: now });
    await this.check();
    if (this.started) this.schedule(CHECK_INTERVAL_MS);
  }

  private async check(): Promise<void> {
    this.checking = true;
    try {
      const updater = await this.loadUpdater();
      this.options.logger.info({}, 'checking for updates');
      await updater.checkForUpdates();
    } catch (error) {
      this.options.logger.warn({ error: describe(error) }, 'update check failed (offline?); trying again in a day');
    } finally {
      this.checking = false;
    }
  }

  private loadUpdater(): Promise<Updater> {
    if (!this.updater) {
      this.updater = this.options.loadUpdater().then((updater) => {
        updater.onDownloaded((version) => this.downloaded(version));
        updater.onError((error) => {
          // electron-updater also emits 'error' for a failed check, which check() reports already:
          // one line per offline day, not two.
          if (this.checking) return;
          this.options.logger.warn({ error: describe(error) }, 'update download failed; trying again in a day');
        });
        return updater;
      });
      // A failed load (say, a broken install) is retried with the next check.
      this.updater.catch(() => (this.updater = null));
    }
    return this.updater;
  }

  private downloaded(version: string): void {
    this.readyVersion = version;
    this.options.logger.info({ version }, 'update downloaded; it installs when Parley quits');
    for (const listener of [...this.listeners]) listener({ version });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
