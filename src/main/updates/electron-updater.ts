/**
 * electron-updater's `autoUpdater`, loaded on first use and adapted to the checker's `Updater`.
 * The feed is the GitHub releases named in electron-builder.yml's `publish` (electron-builder
 * writes it into the packaged app as resources/app-update.yml); nothing is configured here.
 */
import type { Logger } from '../core/server/logger.ts';
import type { Updater } from './update-checker.ts';

export async function loadElectronUpdater(logger: Logger): Promise<Updater> {
  // A CommonJS package: its exports are the default export of the ESM namespace.
  const { autoUpdater } = (await import('electron-updater')).default;
  // Download in the background, install when the app quits: no prompt, no forced restart.
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  // Its own log goes to ours at debug level: an offline check is expected, not a warning.
  autoUpdater.logger = {
    info: (message?: unknown) => logger.debug({ message: String(message) }, 'electron-updater'),
    warn: (message?: unknown) => logger.debug({ message: String(message) }, 'electron-updater'),
    error: (message?: unknown) => logger.debug({ message: String(message) }, 'electron-updater'),
    debug: (message: string) => logger.debug({ message }, 'electron-updater'),
  };
  return {
    checkForUpdates: () => autoUpdater.checkForUpdates(),
    onDownloaded: (listener) => void autoUpdater.on('update-downloaded', (info) => listener(info.version)),
    onError: (listener) => void autoUpdater.on('error', (error) => listener(error)),
  };
}
