/**
 * src/main/updates: the daily check is quiet, optional and packaged-only —
 *  - not started when the app is not packaged (and electron-updater is never loaded);
 *  - no check while the setting is off; switching it on checks (if a day has passed);
 *  - at most one check per 24 h, also across restarts (the last check time is remembered);
 *  - an offline check is logged, never thrown, and tried again a day later;
 *  - a downloaded update reaches the renderer as updateReady;
 *  - the settings file is untrusted input with safe defaults;
 *  - electron-updater (mocked) is configured to download in the background and install on quit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';

const fakeAutoUpdater = vi.hoisted(() => {
  // Filled in by the mock factory below, so the test can play electron-updater.
  return { current: null as unknown };
});
vi.mock('electron-updater', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const autoUpdater = Object.assign(new Emitter(), {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    logger: null as unknown,
    checkForUpdates: vi.fn(async () => null),
  });
  fakeAutoUpdater.current = autoUpdater;
  return { default: { autoUpdater }, autoUpdater };
});

import type { Logger } from '../../src/main/core/server/logger.ts';
import { loadElectronUpdater } from '../../src/main/updates/electron-updater.ts';
import {
  CHECK_INTERVAL_MS,
  FIRST_CHECK_DELAY_MS,
  UpdateChecker,
  type Updater,
} from '../../src/main/updates/update-checker.ts';
import {
  DEFAULT_UPDATE_SETTINGS,
  InMemoryUpdateSettings,
  parseUpdateSettings,
  UpdateSettingsFile,
} from '../../src/main/updates/update-settings-file.ts';
import { canSelfUpdate } from '../../src/main/updates/self-update-support.ts';

const HOUR = 60 * 60 * 1000;
const START = Date.UTC(2026, 0, 10, 9, 0, 0);

function fakeUpdater() {
  const events = new EventEmitter();
  const updater = {
    checkForUpdates: vi.fn(async (): Promise<unknown> => null),
    onDownloaded: (listener: (version: string) => void) => void events.on('downloaded', listener),
    onError: (listener: (error: unknown) => void) => void events.on('error', listener),
    download: (version: string) => events.emit('downloaded', version),
    fail: (error: unknown) => events.emit('error', error),
  } satisfies Updater & { download(version: string): void; fail(error: unknown): void };
  return updater;
}

function recordingLogger() {
  const records: { level: string; obj: object; msg?: string | undefined }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void =>
      void records.push({ level, obj, msg });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, records };
}

function setup(options: { isPackaged?: boolean; settings?: InMemoryUpdateSettings } = {}) {
  const updater = fakeUpdater();
  const loadUpdater = vi.fn(async () => updater);
  const settings = options.settings ?? new InMemoryUpdateSettings();
  const { logger, records } = recordingLogger();
  const checker = new UpdateChecker({ isPackaged: options.isPackaged ?? true, settings, loadUpdater, logger });
  return { checker, updater, loadUpdater, settings, records };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('UpdateChecker', () => {
  it('never starts when the app is not packaged, and never loads electron-updater', async () => {
    const { checker, loadUpdater, updater } = setup({ isPackaged: false });
    checker.start();
    await vi.advanceTimersByTimeAsync(3 * CHECK_INTERVAL_MS);
    expect(loadUpdater).not.toHaveBeenCalled();
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    expect(await checker.getUpdateStatus()).toEqual({ available: false, checksEnabled: true, readyVersion: null });
  });

  it('checks in the background after start, not during it', async () => {
    const { checker, updater } = setup();
    checker.start();
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS - 1);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    checker.stop();
  });

  it('checks at most once in 24 hours', async () => {
    const { checker, updater, settings } = setup();
    checker.start();
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(settings.load().lastCheckAt).toBe(START + FIRST_CHECK_DELAY_MS);
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS - 1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    // Toggling the setting does not sneak in an extra check within the day.
    await checker.setUpdateChecks(false);
    await checker.setUpdateChecks(true);
    await vi.advanceTimersByTimeAsync(12 * HOUR);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    checker.stop();
  });

  it('remembers the last check across restarts: a restart within the day does not check', async () => {
    const settings = new InMemoryUpdateSettings({ lastCheckAt: START - 20 * HOUR });
    const { checker, updater } = setup({ settings });
    checker.start();
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(4 * HOUR - FIRST_CHECK_DELAY_MS);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    checker.stop();
  });

  it('checks at once when the last check is in the future (the clock was set back)', async () => {
    const settings = new InMemoryUpdateSettings({ lastCheckAt: START + 10 * CHECK_INTERVAL_MS });
    const { checker, updater } = setup({ settings });
    checker.start();
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    checker.stop();
  });

  it('does not check while the setting is off, and checks soon after it is switched on', async () => {
    const settings = new InMemoryUpdateSettings({ checksEnabled: false });
    const { checker, updater } = setup({ settings });
    checker.start();
    await vi.advanceTimersByTimeAsync(3 * CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    const status = await checker.setUpdateChecks(true);
    expect(status).toEqual({ available: true, checksEnabled: true, readyVersion: null });
    expect(settings.load().checksEnabled).toBe(true);
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    checker.stop();
  });

  it('switching checks off cancels the next one', async () => {
    const { checker, updater } = setup();
    checker.start();
    await checker.setUpdateChecks(false);
    await vi.advanceTimersByTimeAsync(3 * CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    expect((await checker.getUpdateStatus()).checksEnabled).toBe(false);
  });

  it('swallows an offline error, logs it, and tries again the next day', async () => {
    const { checker, updater, records } = setup();
    updater.checkForUpdates.mockRejectedValueOnce(new Error('net::ERR_INTERNET_DISCONNECTED'));
    checker.start();
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    const warning = records.find((r) => r.level === 'warn');
    expect(warning?.msg).toMatch(/update check failed/);
    expect(warning?.obj).toEqual({ error: 'net::ERR_INTERNET_DISCONNECTED' });
    // Not retried in a loop within the day…
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS - 1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    // …but the next day.
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    checker.stop();
  });

  it('an offline check is one warning, though electron-updater also emits error for it', async () => {
    const { checker, updater, records } = setup();
    updater.checkForUpdates.mockImplementationOnce(async () => {
      // As electron-updater does: the 'error' event, then the rejected promise.
      updater.fail(new Error('net::ERR_INTERNET_DISCONNECTED'));
      throw new Error('net::ERR_INTERNET_DISCONNECTED');
    });
    checker.start();
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
    expect(records.filter((r) => r.level === 'warn').map((r) => r.msg)).toEqual([
      expect.stringMatching(/update check failed/),
    ]);
    // An error outside a check (a failed background download) is still reported.
    updater.fail(new Error('download interrupted'));
    expect(records.filter((r) => r.level === 'warn')).toHaveLength(2);
    checker.stop();
  });

  it('a failure to load electron-updater is logged and retried the next day', async () => {
    const { checker, loadUpdater, records } = setup();
    loadUpdater.mockRejectedValueOnce(new Error('Cannot find module'));
    checker.start();
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
    expect(records.some((r) => r.level === 'warn')).toBe(true);
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS);
    expect(loadUpdater).toHaveBeenCalledTimes(2);
    checker.stop();
  });

  it('tells listeners when an update is downloaded, reports it, and stops checking', async () => {
    const { checker, updater } = setup();
    const ready = vi.fn();
    const unsubscribe = checker.onUpdateReady(ready);
    checker.start();
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS);
    updater.download('0.2.0');
    expect(ready).toHaveBeenCalledWith({ version: '0.2.0' });
    expect((await checker.getUpdateStatus()).readyVersion).toBe('0.2.0');
    await vi.advanceTimersByTimeAsync(2 * CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    unsubscribe();
    updater.download('0.2.1');
    expect(ready).toHaveBeenCalledTimes(1);
    checker.stop();
  });

  it('nothing runs after stop', async () => {
    const { checker, updater } = setup();
    checker.start();
    checker.stop();
    await vi.advanceTimersByTimeAsync(3 * CHECK_INTERVAL_MS);
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
  });
});

describe('the update settings file', () => {
  let dir: string;
  beforeEach(() => {
    vi.useRealTimers();
    dir = mkdtempSync(join(tmpdir(), 'parley-updates-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to checks on, never checked, when the file is missing', () => {
    expect(new UpdateSettingsFile(dir).load()).toEqual(DEFAULT_UPDATE_SETTINGS);
    expect(DEFAULT_UPDATE_SETTINGS).toEqual({ checksEnabled: true, lastCheckAt: null });
  });

  it('round-trips what it saves, in <userData>/updates.json', () => {
    const file = new UpdateSettingsFile(dir);
    file.save({ checksEnabled: false, lastCheckAt: 1234 });
    expect(JSON.parse(readFileSync(join(dir, 'updates.json'), 'utf8'))).toEqual({
      checksEnabled: false,
      lastCheckAt: 1234,
    });
    expect(new UpdateSettingsFile(dir).load()).toEqual({ checksEnabled: false, lastCheckAt: 1234 });
  });

  it('reads garbage, a wrong shape or a huge file as the defaults', () => {
    const path = join(dir, 'updates.json');
    for (const text of ['not json', '[]', '{"checksEnabled":"no","lastCheckAt":-5}', 'x'.repeat(10_000)]) {
      writeFileSync(path, text);
      expect(new UpdateSettingsFile(dir).load()).toEqual(DEFAULT_UPDATE_SETTINGS);
    }
    expect(parseUpdateSettings({ checksEnabled: false })).toEqual({ checksEnabled: false, lastCheckAt: null });
    expect(parseUpdateSettings(null)).toEqual(DEFAULT_UPDATE_SETTINGS);
  });
});

describe('loadElectronUpdater', () => {
  it('downloads in the background, installs on quit, and adapts the events', async () => {
    vi.useRealTimers();
    const { logger } = recordingLogger();
    const updater = await loadElectronUpdater(logger);
    const auto = fakeAutoUpdater.current as EventEmitter & {
      autoDownload: boolean;
      autoInstallOnAppQuit: boolean;
      logger: unknown;
      checkForUpdates: ReturnType<typeof vi.fn>;
    };
    expect(auto.autoDownload).toBe(true);
    expect(auto.autoInstallOnAppQuit).toBe(true);
    expect(auto.logger).not.toBeNull();
    await updater.checkForUpdates();
    expect(auto.checkForUpdates).toHaveBeenCalledTimes(1);
    const downloaded = vi.fn();
    const failed = vi.fn();
    updater.onDownloaded(downloaded);
    updater.onError(failed);
    auto.emit('update-downloaded', { version: '0.3.0' });
    auto.emit('error', new Error('offline'));
    expect(downloaded).toHaveBeenCalledWith('0.3.0');
    expect(failed).toHaveBeenCalledWith(expect.objectContaining({ message: 'offline' }));
  });
});

describe('canSelfUpdate', () => {
  it('is true for the Windows installer, the macOS app and an AppImage; false for a deb or rpm', () => {
    expect(canSelfUpdate('win32', {})).toBe(true);
    expect(canSelfUpdate('darwin', {})).toBe(true);
    expect(canSelfUpdate('linux', { APPIMAGE: '/home/ada/Parley-1.0.0-linux-x86_64.AppImage' })).toBe(true);
    // A deb or rpm install: electron-updater would reinstall the package through sudo/pkexec.
    expect(canSelfUpdate('linux', {})).toBe(false);
    expect(canSelfUpdate('linux', { APPIMAGE: '' })).toBe(false);
    expect(canSelfUpdate('freebsd', {})).toBe(false);
  });
});
