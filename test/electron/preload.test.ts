/**
 * The preload bridge: what it exposes (exactly the contract), how calls travel (invoke on the
 * contract channel, envelope unwrapped into values or ApiErrors) and how event subscriptions
 * work (one ipcRenderer listener, each unsubscribe removing exactly its own subscription).
 */
import { resolve } from 'node:path';
import type { BrowserWindow } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-mock.ts'));

import {
  API_CALL_NAMES,
  API_EVENT_NAMES,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type ApiEventName,
  type ParleyApi,
} from '../../src/shared/api/contract.ts';
import { cleanupAll, startServer } from '../support/harness.ts';

type ElectronMock = typeof import('./electron-mock.ts');

/** Loads a fresh copy of the preload; `electron` is the (mocked) module it talks to. */
async function loadPreload(): Promise<{ electron: ElectronMock; api: ParleyApi }> {
  vi.resetModules(); // the preload runs again; the mocked `electron` stays the same instance
  const electron = (await import('electron')) as unknown as ElectronMock;
  electron.resetElectronMock();
  vi.spyOn(electron.ipcRenderer, 'on');
  vi.spyOn(electron.ipcRenderer, 'removeListener');
  await import('../../src/preload/index.ts');
  const api = electron.contextBridge.exposed.get('parley') as ParleyApi;
  return { electron, api };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  await cleanupAll();
});

describe('what the preload exposes', () => {
  it('exposes only window.parley, with exactly the contract calls and on()', async () => {
    const { electron, api } = await loadPreload();
    expect([...electron.contextBridge.exposed.keys()]).toEqual(['parley']);
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(api).sort()).toEqual([...API_CALL_NAMES, 'on'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    for (const leaked of ['ipcRenderer', 'invoke', 'send', 'sendSync', 'removeAllListeners', 'process', 'require']) {
      expect(api).not.toHaveProperty(leaked);
    }
  });

  it('attaches no ipcRenderer listener until someone subscribes', async () => {
    const { electron } = await loadPreload();
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();
    expect(electron.ipcRenderer.eventNames()).toEqual([]);
  });
});

describe('calls', () => {
  it('invokes the contract channel with the arguments and unwraps the value', async () => {
    const { electron, api } = await loadPreload();
    electron.ipcRenderer.invoke.mockResolvedValue({ ok: true, value: { displayName: 'Ada', servers: [] } });
    await expect(api.setDisplayName('Ada')).resolves.toEqual({ displayName: 'Ada', servers: [] });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(ipcChannel('setDisplayName'), 'Ada');
    await api.loadOlder('h:1', { room: 'r' }, 10);
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(ipcChannel('loadOlder'), 'h:1', { room: 'r' }, 10);
  });

  it('passes an upload chunk through as a Uint8Array with the same bytes (no copy into another type)', async () => {
    const { electron, api } = await loadPreload();
    electron.ipcRenderer.invoke.mockResolvedValue({ ok: true, value: { offset: 5 } });
    const chunk = new Uint8Array([0, 1, 2, 254, 255]);
    await expect(api.writeUpload('h:1', 'u_1', 0, chunk)).resolves.toEqual({ offset: 5 });
    const [channel, ...args] = electron.ipcRenderer.invoke.mock.calls.at(-1)!;
    expect(channel).toBe(ipcChannel('writeUpload'));
    expect(args[3]).toBe(chunk);
    // What crosses to main is its structured clone: still a Uint8Array, the same bytes.
    const cloned = structuredClone(args[3]);
    expect(cloned).toBeInstanceOf(Uint8Array);
    expect([...(cloned as Uint8Array)]).toEqual([0, 1, 2, 254, 255]);
  });

  it('rejects with an ApiError carrying the code from the envelope', async () => {
    const { electron, api } = await loadPreload();
    electron.ipcRenderer.invoke.mockResolvedValue({ ok: false, error: { code: 'room_not_found', message: 'No room' } });
    await expect(api.joinRoom('h:1', 'r')).rejects.toMatchObject({
      name: 'ApiError',
      code: 'room_not_found',
      message: 'No room',
    });
  });

  it('turns a failed invoke (no handler, uncloneable arguments) into ipc_failed', async () => {
    const { electron, api } = await loadPreload();
    electron.ipcRenderer.invoke.mockRejectedValue(new Error("No handler registered for 'parley:listServers'"));
    await expect(api.listServers()).rejects.toMatchObject({ name: 'ApiError', code: 'ipc_failed' });
  });
});

describe('events', () => {
  it('uses one ipcRenderer listener and fans out to the subscribers of each event', async () => {
    const { electron, api } = await loadPreload();
    const a = vi.fn();
    const b = vi.fn();
    const c = vi.fn();
    api.on('hostChanged', a);
    api.on('hostChanged', b);
    api.on('serverRemoved', c);
    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1);
    expect(electron.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(1);

    electron.ipcRenderer.deliver(IPC_EVENT_CHANNEL, { event: 'hostChanged', payload: { status: 'running' } });
    expect(a).toHaveBeenCalledWith({ status: 'running' });
    expect(b).toHaveBeenCalledWith({ status: 'running' });
    expect(c).not.toHaveBeenCalled();
    electron.ipcRenderer.deliver(IPC_EVENT_CHANNEL, { event: 'serverRemoved', payload: { key: 'h:1' } });
    expect(c).toHaveBeenCalledWith({ key: 'h:1' });
  });

  it('each unsubscribe removes exactly its own subscription, even for the same function', async () => {
    const { electron, api } = await loadPreload();
    const listener = vi.fn();
    const first = api.on('message', listener);
    const second = api.on('message', listener);
    first();
    first(); // idempotent: must not remove the second subscription
    electron.ipcRenderer.deliver(IPC_EVENT_CHANNEL, { event: 'message', payload: 1 });
    expect(listener).toHaveBeenCalledTimes(1);
    second();
    electron.ipcRenderer.deliver(IPC_EVENT_CHANNEL, { event: 'message', payload: 2 });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('removes the exact ipcRenderer listener it added once nobody listens', async () => {
    const { electron, api } = await loadPreload();
    const offs = API_EVENT_NAMES.map((event) => api.on(event, () => {}));
    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1);
    const added = vi.mocked(electron.ipcRenderer.on).mock.calls[0]!;
    expect(added[0]).toBe(IPC_EVENT_CHANNEL);
    for (const off of offs) off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledTimes(1);
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, added[1]);
    expect(electron.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);

    // And a new subscription attaches it again.
    const listener = vi.fn();
    api.on('roomCreated', listener);
    electron.ipcRenderer.deliver(IPC_EVENT_CHANNEL, { event: 'roomCreated', payload: 'x' });
    expect(listener).toHaveBeenCalledWith('x');
  });

  it('refuses event names outside the contract and non-function listeners', async () => {
    const { electron, api } = await loadPreload();
    expect(() => api.on('__proto__' as ApiEventName, () => {})).toThrow(TypeError);
    expect(() => api.on('constructor' as ApiEventName, () => {})).toThrow(TypeError);
    expect(() => api.on('hostChanged', 'not a function' as never)).toThrow(TypeError);
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();
  });

  it('ignores malformed messages and survives a throwing listener', async () => {
    const { electron, api } = await loadPreload();
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const good = vi.fn();
    api.on('hostChanged', () => {
      throw new Error('listener bug');
    });
    api.on('hostChanged', good);
    for (const message of [null, 'hostChanged', 42, {}, { event: 7 }, { event: 'toString' }, { event: '__proto__' }]) {
      electron.ipcRenderer.deliver(IPC_EVENT_CHANNEL, message);
    }
    expect(good).not.toHaveBeenCalled();
    electron.ipcRenderer.deliver(IPC_EVENT_CHANNEL, { event: 'hostChanged', payload: 'ok' });
    expect(good).toHaveBeenCalledWith('ok');
    expect(consoleError).toHaveBeenCalled();
    consoleError.mockRestore();
  });
});

describe('through the bridge to the real session', () => {
  it('a renderer call crosses preload → IPC handler → SessionManager → room server and back', async () => {
    const { electron, api } = await loadPreload();
    const { SessionManager } = await import('../../src/main/core/session/session-manager.ts');
    const { InMemoryProfileStore } = await import('../../src/main/core/session/profile.ts');
    const { registerApi } = await import('../../src/main/ipc/register-api.ts');
    const { isAppDocumentUrl } = await import('../../src/main/window.ts');
    const index = resolve('/opt/parley/out/renderer/index.html');

    const win = new electron.FakeBrowserWindow({});
    await win.loadFile(index);
    const session = new SessionManager({
      app: { platform: 'electron', canHost: true, canConnectAnywhere: true, canDiscover: true, version: '0.1.0' },
      profile: new InMemoryProfileStore(),
    });
    const unregister = registerApi(session, {
      getWindow: () => electron.asElectron<BrowserWindow>(win),
      isAppDocument: (url) => isAppDocumentUrl(url, { kind: 'file', indexFile: index }),
    });
    cleanups.push(() => session.close(), unregister);
    // Wire the two stand-ins together: invoke from our page's top frame, events back to the preload.
    electron.ipcRenderer.invoke.mockImplementation((channel, ...args) =>
      electron.ipcMain.invoke(channel, { sender: win.webContents, senderFrame: win.webContents.mainFrame }, ...args),
    );
    const sendToPage = win.webContents.send.bind(win.webContents);
    win.webContents.send = (channel: string, ...args: unknown[]) => {
      sendToPage(channel, ...args);
      electron.ipcRenderer.deliver(channel, args[0]);
    };

    const settings = vi.fn();
    api.on('settingsChanged', settings);
    await expect(api.connectServer({ host: '127.0.0.1', port: 1 })).rejects.toMatchObject({ code: 'name_required' });
    await expect(api.setDisplayName('Ada')).resolves.toMatchObject({ displayName: 'Ada' });
    expect(settings).toHaveBeenCalledWith({ displayName: 'Ada' });

    const { port } = await startServer({ name: 'Kitchen' });
    const view = await api.connectServer({ host: '127.0.0.1', port });
    expect(view).toMatchObject({ status: 'connected', name: 'Kitchen', self: { name: 'Ada' } });
    const room = await api.createRoom(view.key, { name: 'General' });
    expect((await api.listRooms(view.key)).rooms.map((r) => r.id)).toContain(room.id);
    await expect(api.startHosting({})).rejects.toMatchObject({ code: 'not_supported' });
    await expect(api.openLink('javascript:alert(1)')).rejects.toMatchObject({ code: 'bad_url' });
  });
});
