/**
 * src/main/index.ts, the wiring: sandbox for every renderer, single-instance lock, the hardened
 * session and window, every IPC handler, and a clean quit (session closed, profile flushed,
 * handlers removed) before the app really quits.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-mock.ts'));

import { API_CALL_NAMES, ipcChannel } from '../../src/shared/api/contract.ts';
import { cleanupAll, tempDir } from '../support/harness.ts';

type ElectronMock = typeof import('./electron-mock.ts');

/** Runs the main entry against a fresh electron stand-in; resolves once whenReady's work is done. */
async function startMain(
  options: { locked?: boolean; appPath?: string } = {},
): Promise<{ electron: ElectronMock; userData: string }> {
  vi.resetModules();
  const electron = (await import('electron')) as unknown as ElectronMock;
  electron.resetElectronMock();
  const userData = tempDir();
  electron.app.paths.set('userData', userData);
  if (options.appPath) electron.app.appPath = options.appPath;
  electron.app.requestSingleInstanceLock.mockReturnValue(options.locked ?? true);
  await import('../../src/main/index.ts');
  await new Promise((resolve) => setImmediate(resolve));
  return { electron, userData };
}

afterEach(async () => {
  vi.restoreAllMocks();
  await cleanupAll();
});

describe('the main entry', () => {
  it('enables the sandbox, takes the lock, hardens the session and opens one window', async () => {
    const { electron } = await startMain();
    expect(electron.app.enableSandbox).toHaveBeenCalledTimes(1);
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalledTimes(1);
    const ses = electron.session.defaultSession;
    expect(ses.permissionRequestHandler).not.toBeNull();
    expect(ses.permissionCheckHandler).not.toBeNull();
    expect(ses.beforeRequest).not.toBeNull();
    expect(ses.headersReceived).not.toBeNull();
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);

    expect(electron.FakeBrowserWindow.instances).toHaveLength(1);
    const win = electron.FakeBrowserWindow.instances[0]!;
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String(win.options.webPreferences!['preload'])).toMatch(/preload[/\\]index\.cjs$/);
    expect(win.loadedFile).toMatch(/renderer[/\\]index\.html$/);
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(API_CALL_NAMES.map(ipcChannel).sort());
  });

  it('answers calls from its window with the real session', async () => {
    const { electron } = await startMain();
    const win = electron.FakeBrowserWindow.instances[0]!;
    const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    expect(await electron.ipcMain.invoke(ipcChannel('getAppInfo'), event)).toEqual({
      ok: true,
      value: { platform: 'electron', canHost: true, canConnectAnywhere: true, canDiscover: true, version: '0.1.0' },
    });
    expect(await electron.ipcMain.invoke(ipcChannel('getHostStatus'), event)).toMatchObject({
      ok: true,
      value: { status: 'stopped' },
    });
  });

  it('serves files as parley-media: URLs: the scheme privileged at start, handled by the session until quit', async () => {
    const { electron } = await startMain();
    expect(electron.protocol.privileged.map((p) => p.scheme)).toEqual(['parley-media']);
    expect(electron.protocol.handlers.has('parley-media')).toBe(true);
    const win = electron.FakeBrowserWindow.instances[0]!;
    const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    // The session was given the desktop's mediaUrl: the page gets parley-media: URLs.
    expect(await electron.ipcMain.invoke(ipcChannel('mediaUrl'), event, '192.168.1.20:7420', 'f_1', 'thumb')).toEqual({
      ok: true,
      value: 'parley-media://files/192.168.1.20%3A7420/f_1/thumb',
    });
    // A server this session is not on: no file, no detail.
    const res = await electron.protocol.fetch('parley-media://files/192.168.1.20%3A7420/f_1/thumb');
    expect([404, 503]).toContain(res.status);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');

    electron.app.emit('before-quit', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    expect(electron.protocol.handlers.has('parley-media')).toBe(false);
  });

  it('a second instance quits at once, without a window or handlers', async () => {
    const { electron } = await startMain({ locked: false });
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.FakeBrowserWindow.instances).toHaveLength(0);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('quits cleanly: holds the quit, closes the session, writes the profile, then quits', async () => {
    const { electron, userData } = await startMain();
    const win = electron.FakeBrowserWindow.instances[0]!;
    const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    await electron.ipcMain.invoke(ipcChannel('setDisplayName'), event, 'Ada');

    const quitEvent = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', quitEvent);
    expect(quitEvent.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    expect(electron.ipcMain.handlers.size).toBe(0);
    expect(JSON.parse(readFileSync(join(userData, 'profile.json'), 'utf8'))).toMatchObject({ displayName: 'Ada' });

    // The second before-quit (from that app.quit()) goes through.
    const again = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('a second launch focuses the existing window', async () => {
    const { electron } = await startMain();
    const win = electron.FakeBrowserWindow.instances[0]!;
    const focus = vi.spyOn(win, 'focus');
    electron.app.emit('second-instance');
    expect(focus).toHaveBeenCalled();
  });

  it('a second launch restores a minimized window before focusing it', async () => {
    const { electron } = await startMain();
    const win = electron.FakeBrowserWindow.instances[0]!;
    vi.spyOn(win, 'isMinimized').mockReturnValue(true);
    const restore = vi.spyOn(win, 'restore');
    const focus = vi.spyOn(win, 'focus');
    electron.app.emit('second-instance');
    expect(restore).toHaveBeenCalled();
    expect(focus).toHaveBeenCalled();
  });

  it('a second launch opens the window again when every window was closed (macOS)', async () => {
    const { electron } = await startMain();
    electron.FakeBrowserWindow.instances[0]!.destroy();
    electron.app.emit('second-instance');
    expect(electron.FakeBrowserWindow.getAllWindows()).toHaveLength(1);
  });

  /** Replaces what process.getBuiltinModule('node:sqlite') returns, as a broken build would. */
  function breakSqlite(replacement: unknown): void {
    const real = process.getBuiltinModule.bind(process);
    vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) =>
      id === 'node:sqlite' ? replacement : real(id)) as typeof process.getBuiltinModule);
  }

  it.each([
    [
      'broken',
      {
        DatabaseSync: class {
          constructor() {
            throw new Error('sqlite is broken in this build');
          }
        },
      },
      'sqlite is broken in this build',
    ],
    // A static import of a missing builtin would fail while the module loads, before any check.
    ['missing', undefined, 'has no node:sqlite module'],
  ])('when node:sqlite is %s: an error box and an exit, no window, no handlers', async (_, replacement, said) => {
    breakSqlite(replacement);
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { electron } = await startMain();
    consoleError.mockRestore();
    vi.mocked(process.getBuiltinModule).mockRestore();
    expect(electron.dialog.showErrorBox).toHaveBeenCalledTimes(1);
    expect(electron.dialog.showErrorBox.mock.calls[0]![1]).toContain(said);
    expect(electron.app.exit).toHaveBeenCalledWith(1);
    expect(electron.FakeBrowserWindow.instances).toHaveLength(0);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('a second launch while quitting opens no window (its handlers are already gone)', async () => {
    const { electron } = await startMain();
    electron.FakeBrowserWindow.instances[0]!.destroy();
    electron.app.emit('before-quit', { preventDefault: vi.fn() });
    electron.app.emit('second-instance');
    electron.app.emit('activate');
    expect(electron.FakeBrowserWindow.getAllWindows()).toHaveLength(0);
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
  });

  it('gives the window resources/icon.png from the app root (not on macOS: the bundle icon)', async () => {
    const appRoot = tempDir();
    mkdirSync(join(appRoot, 'resources'));
    writeFileSync(join(appRoot, 'resources', 'icon.png'), 'png');
    const { electron } = await startMain({ appPath: appRoot });
    const icon = electron.FakeBrowserWindow.instances[0]!.options['icon'];
    expect(icon).toBe(process.platform === 'darwin' ? undefined : join(appRoot, 'resources', 'icon.png'));
  });

  it('opens the window without an icon when the file is missing', async () => {
    const { electron } = await startMain({ appPath: tempDir() });
    expect(electron.FakeBrowserWindow.instances[0]!.options).not.toHaveProperty('icon');
  });

  it('answers the update calls itself; unpackaged, updates are unavailable and nothing is checked', async () => {
    const { electron, userData } = await startMain();
    const win = electron.FakeBrowserWindow.instances[0]!;
    const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    expect(await electron.ipcMain.invoke(ipcChannel('getUpdateStatus'), event)).toEqual({
      ok: true,
      value: { available: false, checksEnabled: true, readyVersion: null },
    });
    // The setting is still remembered (in <userData>/updates.json), for a packaged run.
    expect(await electron.ipcMain.invoke(ipcChannel('setUpdateChecks'), event, false)).toMatchObject({
      ok: true,
      value: { checksEnabled: false },
    });
    expect(JSON.parse(readFileSync(join(userData, 'updates.json'), 'utf8'))).toEqual({
      checksEnabled: false,
      lastCheckAt: null,
    });
  });
});
