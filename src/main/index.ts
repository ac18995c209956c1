/**
 * Electron main process: wiring only. The chat logic is the SessionManager (src/main/core, plain
 * Node); the window and its hardening are in window.ts, the IPC bridge in ipc/register-api.ts.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, Menu, session } from 'electron';
import { windowIconPath } from './app-icon.ts';
import { createAppProfileStore } from './app-profile-store.ts';
import { electronDesktopFiles } from './desktop-files.ts';
import { HOSTED_SERVER_WORKER_FILE, HostedServer } from './core/host/hosted-server.ts';
import type { Logger } from './core/server/logger.ts';
import { LanDiscovery } from './core/discovery/lan-discovery.ts';
import { SessionManager } from './core/session/session-manager.ts';
import { registerApi } from './ipc/register-api.ts';
import { mediaUrlOf, registerMediaProtocol, registerMediaScheme } from './media-protocol.ts';
import { passStartupChecks } from './startup-checks.ts';
import { loadElectronUpdater } from './updates/electron-updater.ts';
import { canSelfUpdate } from './updates/self-update-support.ts';
import { UpdateChecker } from './updates/update-checker.ts';
import { UpdateSettingsFile } from './updates/update-settings-file.ts';
import {
  buildAppMenu,
  createMainWindow,
  hardenSession,
  hardenWebContents,
  isAppDocumentUrl,
  resolveAppLocation,
} from './window.ts';
import { unpackedPath } from './worker-location.ts';

/** How long quitting waits for the session (goodbye to clients of the hosted server, history flush). */
const SHUTDOWN_TIMEOUT_MS = 5000;

// Test-only hook (Playwright gives each app instance its own profile folder). Must come before the
// single-instance lock, which lives in that folder.
const testUserData = process.env['NODE_ENV'] === 'test' ? process.env['PARLEY_USER_DATA_DIR'] : undefined;
if (testUserData) app.setPath('userData', testUserData);

app.enableSandbox();
// Privileged schemes can only be declared before the app is ready.
registerMediaScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  const location = resolveAppLocation({
    isPackaged: app.isPackaged,
    devServerUrl: process.env['ELECTRON_RENDERER_URL'],
    rendererIndex: join(import.meta.dirname, '../renderer/index.html'),
  });
  const preloadPath = join(import.meta.dirname, '../preload/index.cjs');
  const log = consoleLogger(location.kind === 'dev');
  let mainWindow: BrowserWindow | null = null;
  let shutdown: () => Promise<void> = async () => {};

  // Every web contents (including any the app did not create itself) gets the same rules.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, location));

  const openWindow = (): void => {
    const icon = windowIconPath(app.getAppPath(), process.platform);
    const win = createMainWindow({ location, preloadPath, icon });
    win.webContents.on('render-process-gone', (_event, details) =>
      console.error(`[parley] renderer gone: ${details.reason} (exit code ${details.exitCode})`),
    );
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null;
    });
    mainWindow = win;
  };

  /** Where quitting is (before-quit below): once it started, no window opens again. */
  let quitState: 'running' | 'closing' | 'closed' = 'running';

  // One instance per user (per profile folder): a second launch brings this one's window back, or
  // opens it again (macOS keeps running with every window closed).
  let started = false;
  app.on('second-instance', () => {
    if (!mainWindow) {
      // While quitting, the IPC handlers are gone: a new window would be dead, and closed by the quit.
      if (started && quitState === 'running') openWindow();
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  void app.whenReady().then(() => {
    // A broken node:sqlite gets an error box and an exit, not a window that cannot host.
    if (!passStartupChecks()) return;
    hardenSession(session.defaultSession, location);
    Menu.setApplicationMenu(buildAppMenu({ dev: location.kind === 'dev', platform: process.platform }));

    const profile = createAppProfileStore();
    const host = new HostedServer({
      // The worker is its own bundle next to this one (electron.vite.config.ts). Packaged, a worker
      // cannot start from inside app.asar: electron-builder unpacks it (asarUnpack) next to it.
      workerUrl: pathToFileURL(unpackedPath(join(import.meta.dirname, HOSTED_SERVER_WORKER_FILE))),
      dataDir: join(app.getPath('userData'), 'hosted-server'),
      logger: log,
    });
    const discovery = new LanDiscovery({
      logger: log,
      // One setting for both directions: what we browse on and what the hosted server announces on.
      onDisabledInterfaces: (names) => host.setDisabledInterfaces(names),
    });
    const sessionManager = new SessionManager({
      app: {
        platform: 'electron',
        canHost: true,
        canConnectAnywhere: true,
        canDiscover: true,
        version: app.getVersion(),
      },
      profile,
      host,
      discovery,
      logger: log,
      // Files of chat servers reach the page as parley-media: URLs (media-protocol.ts) and are
      // downloaded by main into the Downloads folder (desktop-files.ts).
      mediaUrl: mediaUrlOf,
      desktop: electronDesktopFiles(() => mainWindow),
    });
    const stopMedia = registerMediaProtocol(sessionManager);
    // Packaged builds that can replace themselves only (not a deb or rpm: canSelfUpdate); the
    // first check waits until well after start.
    const updates = new UpdateChecker({
      isPackaged: app.isPackaged && canSelfUpdate(process.platform, process.env),
      settings: new UpdateSettingsFile(app.getPath('userData')),
      loadUpdater: () => loadElectronUpdater(log),
      logger: log,
    });
    const unregister = registerApi(
      sessionManager,
      { getWindow: () => mainWindow, isAppDocument: (url) => isAppDocumentUrl(url, location) },
      { updates },
    );
    shutdown = async () => {
      updates.stop();
      unregister();
      stopMedia();
      // Closing the session stops hosting, which withdraws its announcement with a goodbye.
      await withTimeout(Promise.resolve(sessionManager.close()), SHUTDOWN_TIMEOUT_MS);
      await withTimeout(discovery.stop(), SHUTDOWN_TIMEOUT_MS);
      await profile.flush();
    };

    openWindow();
    started = true;
    updates.start();
    app.on('activate', () => {
      if (!mainWindow && quitState === 'running') openWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Quit cleanly: hold the quit until the session is closed (hosting stopped with a goodbye to its
  // clients, connections closed) and the profile is on disk, then quit for real.
  app.on('before-quit', (event) => {
    if (quitState === 'closed') return;
    event.preventDefault();
    if (quitState === 'closing') return;
    quitState = 'closing';
    shutdown()
      .catch((error: unknown) => console.error('[parley] error while quitting', error))
      .finally(() => {
        quitState = 'closed';
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
}

/** The core's log records on the console: warnings and errors, and everything in development. */
function consoleLogger(verbose: boolean): Logger {
  const quiet = () => {};
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (obj: object, msg?: string): void =>
      console[level](`[parley] ${msg ?? ''}`, obj);
  return {
    debug: verbose ? write('debug') : quiet,
    info: verbose ? write('info') : quiet,
    warn: write('warn'),
    error: write('error'),
  };
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      console.warn(`[parley] the session did not close within ${ms} ms; quitting anyway`);
      resolve();
    }, ms);
    promise
      .catch((error: unknown) => console.error('[parley] error while closing the session', error))
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });
}
