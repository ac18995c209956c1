/**
 * src/main/index.ts, the wiring: sandbox for every renderer, single-instance lock, the hardened
 * session and window, every IPC handler, and a clean quit (session closed, profile flushed,
 * handlers removed) before the app really quits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-mock.ts'));

import { API_CALL_NAMES, ipcChannel } from '../../src/shared/api/contract.ts';
import { cleanupAll, tempDir } from '../support/harness.ts';

type ElectronMock = typeof import('./electron-mock.ts');

/** Runs the main entry against a fresh electron stand-in; resolves once whenReady's work is done. */
async function startMain(options: { locked?: boolean } = {}): Promise<{ electron: ElectronMock; userData: string }> {
  vi.resetModules();
  const electron = (await import('electron')) as unknown as ElectronMock;
  electron.resetElectronMock();
  const userData = tempDir();
  electron.app.paths.set('userData', userData);
  electron.app.requestSingleInstanceLock.mockReturnValue(options.locked ?? true);
  await import('../../src/main/index.ts');
  await new Promise((resolve) => setImmediate(resolve));
  return { electron, userData };
}

afterEach(async () => {
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
});
