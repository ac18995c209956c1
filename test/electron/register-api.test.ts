/**
 * The IPC layer in front of the session: a handler for every call, sender and argument checks,
 * the response envelope, and events to our window only. Behind it runs the REAL SessionManager
 * talking to REAL room servers (test/support/harness.ts); only `electron` is a stand-in.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-mock.ts'));

import type { BrowserWindow } from 'electron';
import type { HostController } from '../../src/main/core/session/session-manager.ts';
import { SessionManager } from '../../src/main/core/session/session-manager.ts';
import { InMemoryProfileStore } from '../../src/main/core/session/profile.ts';
import { registerApi } from '../../src/main/ipc/register-api.ts';
import { isAppDocumentUrl, type AppLocation } from '../../src/main/window.ts';
import {
  API_CALL_NAMES,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type ApiCallName,
  type ApiEventName,
  type ApiEvents,
  type ServerView,
} from '../../src/shared/api/contract.ts';
import { MAX_UPLOAD_CHUNK_BYTES } from '../../src/shared/api/features/files.ts';
import type { ApiResponse } from '../../src/shared/api/proxy.ts';
import { cleanupAll, connectClient, startServer, type TestServer } from '../support/harness.ts';
import {
  asElectron,
  FakeBrowserWindow,
  FakeFrame,
  ipcMain,
  resetElectronMock,
  shell,
  type FakeInvokeEvent,
} from './electron-mock.ts';

const INDEX = resolve('/opt/parley/out/renderer/index.html');
const LOCATION: AppLocation = { kind: 'file', indexFile: INDEX };

/** A HostController over a real RoomServer (the app uses HostedServer, a worker thread). */
function roomServerHost(): HostController & { running: TestServer | null } {
  const host = {
    running: null as TestServer | null,
    async start({ name }: { port?: number; name: string }) {
      host.running = await startServer({ name });
      return { port: host.running.port };
    },
    async stop() {
      await host.running?.server.close();
      host.running = null;
    },
  };
  return host;
}

let win: FakeBrowserWindow;
let session: SessionManager;
let host: ReturnType<typeof roomServerHost>;
let unregister: () => void;

beforeEach(async () => {
  resetElectronMock();
  win = new FakeBrowserWindow({});
  await win.loadFile(INDEX);
  host = roomServerHost();
  session = new SessionManager({
    app: { platform: 'electron', canHost: true, canConnectAnywhere: true, canDiscover: true, version: '0.1.0' },
    profile: new InMemoryProfileStore(),
    host,
    clientOptions: { minBackoffMs: 20, maxBackoffMs: 200 },
  });
  unregister = registerApi(session, {
    getWindow: () => asElectron<BrowserWindow>(win),
    isAppDocument: (url) => isAppDocumentUrl(url, LOCATION),
  });
});

afterEach(async () => {
  unregister();
  await session.close();
  await cleanupAll();
});

/** The event Electron would pass for a message from our window's top frame. */
function fromOurPage(): FakeInvokeEvent {
  return { sender: win.webContents, senderFrame: win.webContents.mainFrame };
}

function invoke(name: ApiCallName, event: FakeInvokeEvent, ...args: unknown[]): Promise<ApiResponse> {
  return ipcMain.invoke(ipcChannel(name), event, ...args) as Promise<ApiResponse>;
}

async function call<T = unknown>(name: ApiCallName, ...args: unknown[]): Promise<T> {
  const response = await invoke(name, fromOurPage(), ...args);
  if (!response.ok) throw Object.assign(new Error(response.error.message), { code: response.error.code });
  return response.value as T;
}

/** The events our window received, in order. */
function eventsSent(contents = win.webContents): { event: ApiEventName; payload: unknown }[] {
  return contents.sent
    .filter((m) => m.channel === IPC_EVENT_CHANNEL)
    .map((m) => m.args[0] as { event: ApiEventName; payload: unknown });
}

describe('registration', () => {
  it('registers exactly one handler per contract call, on its contract channel', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(API_CALL_NAMES.map(ipcChannel).sort());
    expect(ipcMain.handle).toHaveBeenCalledTimes(API_CALL_NAMES.length);
  });

  it('removes its handlers when unregistered', () => {
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
    unregister = () => {};
  });
});

describe('sender checks', () => {
  const forbidden = { ok: false, error: { code: 'forbidden_sender', message: expect.any(String) } };

  function spyOnSession() {
    return [
      vi.spyOn(session, 'getSettings'),
      vi.spyOn(session, 'setDisplayName'),
      vi.spyOn(session, 'connectServer'),
    ] as const;
  }

  it('accepts our window top frame showing our page', async () => {
    expect(await invoke('getSettings', fromOurPage())).toEqual({ ok: true, value: { displayName: null } });
  });

  it.each([
    [
      'a subframe of our page',
      () => ({ sender: win.webContents, senderFrame: win.webContents.createSubframe(pathToFileURL(INDEX).href) }),
    ],
    [
      'a foreign subframe',
      () => ({ sender: win.webContents, senderFrame: win.webContents.createSubframe('https://evil.example/') }),
    ],
    [
      'our top frame after navigating elsewhere',
      () => {
        win.webContents.mainFrame.url = 'https://evil.example/';
        return fromOurPage();
      },
    ],
    [
      'a top frame showing another local file',
      () => {
        win.webContents.mainFrame.url = 'file:///tmp/evil.html';
        return fromOurPage();
      },
    ],
    ['a frame that is gone (senderFrame null)', () => ({ sender: win.webContents, senderFrame: null })],
    [
      'a detached frame',
      () => {
        const frame = win.webContents.mainFrame;
        frame.detached = true;
        return { sender: win.webContents, senderFrame: frame };
      },
    ],
    [
      'a frame of our web contents that is not its main frame',
      () => ({ sender: win.webContents, senderFrame: new FakeFrame({ url: win.webContents.mainFrame.url }) }),
    ],
    [
      'another window showing our page',
      () => {
        const other = new FakeBrowserWindow({});
        void other.loadFile(INDEX);
        return { sender: other.webContents, senderFrame: other.webContents.mainFrame };
      },
    ],
    [
      'another window claiming our main frame',
      () => ({ sender: new FakeBrowserWindow({}).webContents, senderFrame: win.webContents.mainFrame }),
    ],
    [
      'our window after it was destroyed',
      () => {
        const event = fromOurPage();
        win.destroy();
        return event;
      },
    ],
  ])('refuses %s with forbidden_sender and never calls the session', async (_label, makeEvent) => {
    const spies = spyOnSession();
    const event = makeEvent();
    expect(await invoke('getSettings', event)).toEqual(forbidden);
    expect(await invoke('setDisplayName', event, 'Mallory')).toEqual(forbidden);
    expect(await invoke('connectServer', event, { host: '127.0.0.1', port: 1 })).toEqual(forbidden);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('refuses everything while there is no window', async () => {
    const event = fromOurPage();
    unregister();
    unregister = registerApi(session, { getWindow: () => null, isAppDocument: () => true });
    expect(await invoke('getSettings', event)).toEqual(forbidden);
  });

  it('checks the sender before the arguments', async () => {
    const spy = vi.spyOn(session, 'setDisplayName');
    const event = { sender: win.webContents, senderFrame: win.webContents.createSubframe('https://evil.example/') };
    expect(await invoke('setDisplayName', event, 42)).toEqual(forbidden);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('argument checks', () => {
  it.each([
    ['setDisplayName', []],
    ['setDisplayName', [42]],
    ['setDisplayName', ['x'.repeat(513)]],
    ['setDisplayName', ['Ada', 'extra']],
    ['getSettings', ['unexpected']],
    ['connectServer', [{ host: '127.0.0.1' }]],
    ['connectServer', [{ host: '127.0.0.1', port: 70000 }]],
    ['connectServer', [{ host: '127.0.0.1', port: 7275, extra: true }]],
    ['connectServer', ['127.0.0.1:7275']],
    ['joinRoom', ['127.0.0.1:7275']],
    ['loadOlder', ['127.0.0.1:7275', { room: 'r' }, 0]],
    ['loadOlder', ['127.0.0.1:7275', { room: 'r', user: 'u' }, 5]],
    ['sendMessage', ['127.0.0.1:7275', { room: 'r' }, 'hi', '']],
    ['startHosting', [{ port: -1 }]],
    ['openLink', [{ href: 'https://example.com' }]],
  ] as [ApiCallName, unknown[]][])('%s(%j) → bad_arguments, session not called', async (name, args) => {
    const spy =
      name === 'openLink' ? null : vi.spyOn(session as unknown as Record<string, () => Promise<unknown>>, name);
    const response = await invoke(name, fromOurPage(), ...args);
    expect(response).toEqual({ ok: false, error: { code: 'bad_arguments', message: expect.stringContaining(name) } });
    if (spy) expect(spy).not.toHaveBeenCalled();
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
});

describe('writeUpload: file bytes over IPC', () => {
  const SERVER = '127.0.0.1:7275';

  it('refuses a chunk that is too large or not a Uint8Array with bad_arguments; the session never sees it', async () => {
    const spy = vi.spyOn(session, 'writeUpload');
    const refused: [string, unknown][] = [
      ['one byte over the limit', new Uint8Array(MAX_UPLOAD_CHUNK_BYTES + 1)],
      ['an array of numbers', [1, 2, 3]],
      ['a string', 'AAEC'],
      ['an ArrayBuffer', new ArrayBuffer(8)],
      ['a DataView', new DataView(new ArrayBuffer(8))],
      ['an object posing as bytes', { byteLength: 3, 0: 1, 1: 2, 2: 3 }],
    ];
    for (const [what, bytes] of refused) {
      const response = await invoke('writeUpload', fromOurPage(), SERVER, 'u_1', 0, bytes);
      expect(response, what).toMatchObject({ ok: false, error: { code: 'bad_arguments' } });
    }
    const badHash = await invoke('writeUpload', fromOurPage(), SERVER, 'u_1', 0, new Uint8Array(4), 'ABC');
    expect(badHash).toMatchObject({ ok: false, error: { code: 'bad_arguments' } });
    const negative = await invoke('writeUpload', fromOurPage(), SERVER, 'u_1', -1, new Uint8Array(4));
    expect(negative).toMatchObject({ ok: false, error: { code: 'bad_arguments' } });
    expect(spy).not.toHaveBeenCalled();
  });

  it('passes a chunk of exactly the limit to the session as the same bytes', async () => {
    const chunk = new Uint8Array(MAX_UPLOAD_CHUNK_BYTES);
    for (let i = 0; i < chunk.length; i += 4093) chunk[i] = i % 251;
    const digest = 'ab'.repeat(32);
    const spy = vi.spyOn(session, 'writeUpload').mockResolvedValue({ offset: chunk.length });
    const response = await invoke('writeUpload', fromOurPage(), SERVER, 'u_1', 0, chunk, digest);
    expect(response).toEqual({ ok: true, value: { offset: chunk.length } });
    expect(spy).toHaveBeenCalledTimes(1);
    const [server, upload, offset, bytes, sha256] = spy.mock.calls[0]!;
    expect([server, upload, offset, sha256]).toEqual([SERVER, 'u_1', 0, digest]);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes).equals(Buffer.from(chunk))).toBe(true);
  });
});

describe('calls reach the real session', () => {
  it('getAppInfo and settings round-trip in the envelope', async () => {
    expect(await invoke('getAppInfo', fromOurPage())).toEqual({
      ok: true,
      value: { platform: 'electron', canHost: true, canConnectAnywhere: true, canDiscover: true, version: '0.1.0' },
    });
    const renamed = await call<{ displayName: string }>('setDisplayName', '  Ada  ');
    expect(renamed.displayName).toBe('Ada');
    expect(await call('getSettings')).toEqual({ displayName: 'Ada' });
  });

  it("the session's error codes survive IPC", async () => {
    expect(await invoke('connectServer', fromOurPage(), { host: '127.0.0.1', port: 1 })).toEqual({
      ok: false,
      error: { code: 'name_required', message: expect.any(String) },
    });
    expect(await invoke('listRooms', fromOurPage(), '127.0.0.1:1')).toEqual({
      ok: false,
      error: { code: 'not_connected', message: expect.any(String) },
    });
  });

  it('connects to a real server, creates and joins a room, and sends a message', async () => {
    const { port } = await startServer({ name: 'Kitchen' });
    const bob = await connectClient(port, 'Bob');
    await call('setDisplayName', 'Ada');
    const view = await call<ServerView>('connectServer', { host: '127.0.0.1', port });
    expect(view).toMatchObject({ key: `127.0.0.1:${port}`, status: 'connected', name: 'Kitchen' });
    expect(view.self?.name).toBe('Ada');

    const room = await call<{ id: string; name: string }>('createRoom', view.key, { name: 'General' });
    expect(room.name).toBe('General');
    await call('joinRoom', view.key, room.id);
    await bob.joinRoom(room.id);
    expect((await call<{ rooms: { id: string }[] }>('listRooms', view.key)).rooms.map((r) => r.id)).toContain(room.id);

    // A protocol error code from the server, through the session, through IPC.
    expect(await invoke('joinRoom', fromOurPage(), view.key, 'no-such-room')).toMatchObject({
      ok: false,
      error: { code: 'room_not_found' },
    });

    await call('sendMessage', view.key, { room: room.id }, 'hello from the app', 'msg-1');
    await vi.waitFor(() => {
      const message = eventsSent().find((e) => e.event === 'message');
      expect(message?.payload).toMatchObject({ server: view.key, message: { text: 'hello from the app' } });
    });
    const page = await call<{ messages: { text: string }[] }>('loadLatest', view.key, { room: room.id });
    expect(page.messages.map((m) => m.text)).toContain('hello from the app');
  });

  it('hosts a room and another client joins it', async () => {
    await call('setDisplayName', 'Ada');
    const hosting = await call<{ status: string; port: number; serverKey: string }>('startHosting', {
      name: 'Kitchen',
    });
    expect(hosting).toMatchObject({ status: 'running', name: 'Kitchen' });
    expect(host.running?.port).toBe(hosting.port);
    expect(await call('getHostStatus')).toEqual(hosting);
    const servers = await call<ServerView[]>('listServers');
    expect(servers[0]).toMatchObject({ key: hosting.serverKey, hosted: true, status: 'connected' });

    const room = await call<{ id: string }>('createRoom', hosting.serverKey, { name: 'Lobby' });
    await call('joinRoom', hosting.serverKey, room.id);
    const bob = await connectClient(hosting.port, 'Bob');
    await bob.joinRoom(room.id);
    await vi.waitFor(() =>
      expect(eventsSent().some((e) => e.event === 'memberJoined' && JSON.stringify(e.payload).includes('Bob'))).toBe(
        true,
      ),
    );
    await bob.sendMessage({ room: room.id }, 'hi Ada');
    await vi.waitFor(() =>
      expect(eventsSent().some((e) => e.event === 'message' && JSON.stringify(e.payload).includes('hi Ada'))).toBe(
        true,
      ),
    );

    expect(await call('stopHosting')).toMatchObject({ status: 'stopped' });
    expect(host.running).toBeNull();
  });

  it('openLink is handled in main: http(s) to the system browser, anything else bad_url', async () => {
    const sessionOpenLink = vi.spyOn(session, 'openLink');
    expect(await invoke('openLink', fromOurPage(), 'https://example.com/a')).toEqual({ ok: true });
    expect(shell.openExternal.mock.calls.map((c) => c[0])).toEqual(['https://example.com/a']);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'parley://x', 'nonsense']) {
      expect(await invoke('openLink', fromOurPage(), url)).toEqual({
        ok: false,
        error: { code: 'bad_url', message: expect.any(String) },
      });
    }
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    expect(sessionOpenLink).not.toHaveBeenCalled();
  });

  it('unexpected errors come back as code internal, not as a thrown IPC error', async () => {
    vi.spyOn(session, 'listServers').mockRejectedValueOnce(new TypeError('boom'));
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await invoke('listServers', fromOurPage())).toEqual({
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
    consoleError.mockRestore();
  });
});

describe('events', () => {
  it('forwards session events to our window only, as {event, payload} on the event channel', async () => {
    const other = new FakeBrowserWindow({});
    await other.loadFile(INDEX);
    await call('setDisplayName', 'Ada');
    const { port } = await startServer();
    await call('connectServer', { host: '127.0.0.1', port });

    const received = eventsSent();
    expect(received.map((e) => e.event)).toContain('settingsChanged');
    expect(received.map((e) => e.event)).toContain('serverChanged');
    const changed = received.filter((e) => e.event === 'serverChanged').at(-1)!.payload as ApiEvents['serverChanged'];
    expect(changed).toMatchObject({ key: `127.0.0.1:${port}`, status: 'connected' });
    expect(win.webContents.sent.every((m) => m.channel === IPC_EVENT_CHANNEL)).toBe(true);
    expect(other.webContents.sent).toEqual([]);
  });

  it('sends nothing while our window shows something else, or after it is gone', async () => {
    win.webContents.mainFrame.url = 'https://evil.example/';
    await call('getSettings').catch(() => {});
    await session.setDisplayName('Ada');
    expect(win.webContents.sent).toEqual([]);

    win.webContents.mainFrame.url = pathToFileURL(INDEX).href;
    win.destroy();
    await session.setDisplayName('Bea');
    expect(win.webContents.sent).toEqual([]);
  });

  it('stops forwarding when unregistered', async () => {
    unregister();
    unregister = () => {};
    await session.setDisplayName('Ada');
    expect(win.webContents.sent).toEqual([]);
  });
});

describe('the update calls', () => {
  /** A stand-in for main's UpdateChecker (src/main/updates, tested in update-checker.test.ts). */
  function fakeUpdates() {
    const listeners = new Set<(payload: { version: string }) => void>();
    const status = { available: true, checksEnabled: true, readyVersion: null as string | null };
    return {
      status,
      listeners,
      getUpdateStatus: vi.fn(async () => ({ ...status })),
      setUpdateChecks: vi.fn(async (enabled: boolean) => {
        status.checksEnabled = enabled;
        return { ...status };
      }),
      onUpdateReady(listener: (payload: { version: string }) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }

  function withUpdates() {
    unregister();
    const updates = fakeUpdates();
    unregister = registerApi(
      session,
      { getWindow: () => asElectron<BrowserWindow>(win), isAppDocument: (url) => isAppDocumentUrl(url, LOCATION) },
      { updates },
    );
    return updates;
  }

  it('without an update checker, the session says updates are unavailable and refuses the setting', async () => {
    expect(await call('getUpdateStatus')).toEqual({ available: false, checksEnabled: false, readyVersion: null });
    expect(await invoke('setUpdateChecks', fromOurPage(), false)).toMatchObject({
      ok: false,
      error: { code: 'not_supported' },
    });
  });

  it("main's update checker answers them, after the same sender and argument checks", async () => {
    const updates = withUpdates();
    const sessionCall = vi.spyOn(session, 'setUpdateChecks');
    expect(await call('getUpdateStatus')).toEqual({ available: true, checksEnabled: true, readyVersion: null });
    expect(await call('setUpdateChecks', false)).toMatchObject({ checksEnabled: false });
    expect(updates.setUpdateChecks).toHaveBeenCalledWith(false);
    for (const bad of [[], ['no'], [1], [true, 'extra']]) {
      expect(await invoke('setUpdateChecks', fromOurPage(), ...bad)).toMatchObject({
        ok: false,
        error: { code: 'bad_arguments' },
      });
    }
    const foreign = { sender: win.webContents, senderFrame: win.webContents.createSubframe(pathToFileURL(INDEX).href) };
    expect(await invoke('setUpdateChecks', foreign, true)).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
    expect(updates.setUpdateChecks).toHaveBeenCalledTimes(1);
    expect(sessionCall).not.toHaveBeenCalled();
  });

  it('forwards updateReady to our window, and stops when unregistered', () => {
    const updates = withUpdates();
    for (const listener of updates.listeners) listener({ version: '0.2.0' });
    expect(eventsSent()).toEqual([{ event: 'updateReady', payload: { version: '0.2.0' } }]);
    unregister();
    unregister = () => {};
    expect(updates.listeners.size).toBe(0);
  });
});
