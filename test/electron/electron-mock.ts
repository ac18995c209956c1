/**
 * A stand-in for the `electron` module (no Electron binary is needed to run the tests). It records
 * what the code under test does — ipcMain.handle registrations, BrowserWindow options, webContents
 * handlers, session handlers, shell.openExternal calls, contextBridge exposures — and offers
 * helpers to play the other side (a renderer invoking a channel, a page trying to navigate…).
 *
 * Use in a test file:
 *   vi.mock('electron', () => import('./electron-mock.ts'));
 *   import { ipcMain, resetElectronMock, … } from './electron-mock.ts';
 */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';

// ── frames and web contents ──────────────────────────────────────────────────────────────────

let nextId = 1;

export class FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
  detached = false;

  constructor(options: { url?: string; parent?: FakeFrame | null; processId?: number; routingId?: number } = {}) {
    this.url = options.url ?? '';
    this.parent = options.parent ?? null;
    this.processId = options.processId ?? 1;
    this.routingId = options.routingId ?? nextId++;
  }
}

/** What Electron passes to will-navigate / will-frame-navigate / will-redirect listeners. */
export interface FakeNavigationEvent {
  url: string;
  isSameDocument: boolean;
  isMainFrame: boolean;
  defaultPrevented: boolean;
  preventDefault(): void;
}

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame: FakeFrame;
  destroyed = false;
  windowOpenHandler: WindowOpenHandler | null = null;
  /** Every webContents.send, in order. */
  readonly sent: { channel: string; args: unknown[] }[] = [];

  constructor() {
    super();
    this.mainFrame = new FakeFrame({ processId: 1 });
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args: structuredClone(args) });
  }

  getURL(): string {
    return this.mainFrame.url;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** A subframe of the main frame showing `url`. */
  createSubframe(url: string): FakeFrame {
    return new FakeFrame({ url, parent: this.mainFrame, processId: this.mainFrame.processId });
  }

  /** Fires a navigation event the way Electron does; returns whether a listener prevented it. */
  fireNavigation(
    name: 'will-navigate' | 'will-frame-navigate' | 'will-redirect',
    url: string,
    options: { isSameDocument?: boolean; isMainFrame?: boolean } = {},
  ): boolean {
    const event: FakeNavigationEvent = {
      url,
      isSameDocument: options.isSameDocument ?? false,
      isMainFrame: options.isMainFrame ?? true,
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit(name, event);
    return event.defaultPrevented;
  }

  /** Simulates a page calling window.open(url); returns the handler's decision. */
  openWindow(url: string): 'allow' | 'deny' | 'no handler' {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }).action : 'no handler';
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];

  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((w) => !w.destroyed);
  }

  readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> };
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  loadedFile: string | null = null;
  destroyed = false;
  shown = false;

  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    FakeBrowserWindow.instances.push(this);
  }

  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }

  loadFile(path: string): Promise<void> {
    this.loadedFile = path;
    this.webContents.mainFrame.url = pathToFileURL(path).href;
    return Promise.resolve();
  }

  show(): void {
    this.shown = true;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  isMinimized(): boolean {
    return false;
  }

  restore(): void {}

  focus(): void {}

  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export const BrowserWindow = FakeBrowserWindow;

// ── ipcMain / ipcRenderer / contextBridge ────────────────────────────────────────────────────

/** What a handler receives as its first argument (the parts our code reads). */
export interface FakeInvokeEvent {
  sender: FakeWebContents;
  senderFrame: FakeFrame | null;
}

type InvokeHandler = (event: FakeInvokeEvent, ...args: unknown[]) => unknown;

class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>();

  handle = vi.fn((channel: string, handler: InvokeHandler) => {
    // Like Electron: a second handler for the same channel is an error.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  });

  removeHandler = vi.fn((channel: string) => {
    this.handlers.delete(channel);
  });

  /** Plays the renderer: invokes `channel` as `event`'s frame would. */
  async invoke(channel: string, event: FakeInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    // Arguments cross a process boundary: the structured clone algorithm applies.
    return structuredClone(await handler(event, ...structuredClone(args)));
  }
}

export const ipcMain = new FakeIpcMain();

class FakeIpcRenderer extends EventEmitter {
  invoke = vi.fn(async (channel: string, ..._args: unknown[]): Promise<unknown> => {
    throw new Error(`No handler registered for '${channel}'`);
  });

  /** Plays main: delivers a message on `channel` to the preload's listeners. */
  deliver(channel: string, message: unknown): void {
    this.emit(channel, { sender: this }, structuredClone(message));
  }
}

export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = {
  /** What the preload exposed, by key. */
  exposed: new Map<string, unknown>(),
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    contextBridge.exposed.set(key, api);
  }),
};

// ── shell, session, app, Menu ────────────────────────────────────────────────────────────────

export const shell = {
  openExternal: vi.fn(async (_url: string, _options?: unknown) => {}),
  /** Resolves with an error message, "" on success (like Electron's). */
  openPath: vi.fn(async (_path: string): Promise<string> => ''),
  showItemInFolder: vi.fn((_path: string) => {}),
};

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

class FakeProtocol {
  /** Every scheme declared privileged, with its privileges. */
  readonly privileged: { scheme: string; privileges?: Record<string, boolean> }[] = [];
  readonly handlers = new Map<string, ProtocolHandler>();

  registerSchemesAsPrivileged = vi.fn((schemes: { scheme: string; privileges?: Record<string, boolean> }[]) => {
    this.privileged.push(...schemes);
  });

  handle = vi.fn((scheme: string, handler: ProtocolHandler) => {
    if (this.handlers.has(scheme)) throw new Error(`The scheme '${scheme}' is already handled`);
    this.handlers.set(scheme, handler);
  });

  unhandle = vi.fn((scheme: string) => {
    this.handlers.delete(scheme);
  });

  /** Plays the page: requests `url` from the handler of its scheme. */
  async fetch(url: string, init?: RequestInit): Promise<Response> {
    const scheme = url.slice(0, url.indexOf(':'));
    const handler = this.handlers.get(scheme);
    if (!handler) throw new Error(`No handler for the scheme '${scheme}'`);
    return handler(new Request(url, init));
  }
}

export const protocol = new FakeProtocol();

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: unknown,
) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, origin: string, details: unknown) => boolean;
type BeforeRequestListener = (
  details: { url: string; resourceType: string },
  callback: (response: { cancel?: boolean }) => void,
) => void;
type HeadersReceivedListener = (
  details: { url: string; resourceType: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { cancel?: boolean; responseHeaders?: Record<string, string | string[]> }) => void,
) => void;

export class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  devicePermissionHandler: ((details: unknown) => boolean) | null = null;
  beforeRequest: { filter: { urls: string[] }; listener: BeforeRequestListener } | null = null;
  headersReceived: HeadersReceivedListener | null = null;

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
  }

  setDevicePermissionHandler(handler: ((details: unknown) => boolean) | null): void {
    this.devicePermissionHandler = handler;
  }

  readonly webRequest = {
    onBeforeRequest: (filter: { urls: string[] }, listener: BeforeRequestListener) => {
      this.beforeRequest = { filter, listener };
    },
    onHeadersReceived: (listener: HeadersReceivedListener) => {
      this.headersReceived = listener;
    },
  };

  /** Asks the permission request handler; resolves with its decision. */
  requestPermission(permission: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (!this.permissionRequestHandler) reject(new Error('no permission request handler'));
      else this.permissionRequestHandler(null, permission, resolve, {});
    });
  }

  /** Whether the request filter lets `url` through (true if no filter was installed). */
  allowsRequest(url: string, resourceType = 'other'): boolean {
    let cancel = false;
    this.beforeRequest?.listener({ url, resourceType }, (response) => (cancel = response.cancel === true));
    return !cancel;
  }

  /** The response headers after the headers listener ran. */
  headersFor(
    url: string,
    resourceType: string,
    responseHeaders: Record<string, string[]> = {},
  ): Record<string, string | string[]> {
    let result: Record<string, string | string[]> = responseHeaders;
    this.headersReceived?.({ url, resourceType, responseHeaders }, (response) => {
      if (response.responseHeaders) result = response.responseHeaders;
    });
    return result;
  }
}

export const session = { defaultSession: new FakeSession() };

class FakeApp extends EventEmitter {
  readonly paths = new Map<string, string>();
  isPackaged = false;
  getPath = vi.fn((name: string) => {
    const path = this.paths.get(name);
    if (!path) throw new Error(`app.getPath('${name}') is not set in this test`);
    return path;
  });
  setPath = vi.fn((name: string, path: string) => {
    this.paths.set(name, path);
  });
  getVersion = vi.fn(() => '0.1.0');
  /** The project folder in development (the tests' cwd), …/app.asar when packaged. */
  appPath = process.cwd();
  getAppPath = vi.fn(() => this.appPath);
  enableSandbox = vi.fn();
  requestSingleInstanceLock = vi.fn(() => true);
  whenReady = vi.fn(() => Promise.resolve());
  quit = vi.fn();
  exit = vi.fn();
}

export const app = new FakeApp();

export const dialog = {
  showErrorBox: vi.fn((_title: string, _content: string) => {}),
  /** Called as (window, options) or (options), like Electron's. */
  showSaveDialog: vi.fn(async (..._args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> => ({
    canceled: true,
  })),
};

export const Menu = {
  buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
  setApplicationMenu: vi.fn(),
};

/** Forgets everything recorded; call in beforeEach. */
export function resetElectronMock(): void {
  FakeBrowserWindow.instances = [];
  ipcMain.handlers.clear();
  ipcMain.handle.mockClear();
  ipcMain.removeHandler.mockClear();
  ipcRenderer.removeAllListeners();
  ipcRenderer.invoke.mockReset();
  ipcRenderer.invoke.mockImplementation(async (channel: string) => {
    throw new Error(`No handler registered for '${channel}'`);
  });
  contextBridge.exposed.clear();
  contextBridge.exposeInMainWorld.mockClear();
  shell.openExternal.mockClear();
  shell.openPath.mockReset();
  shell.openPath.mockImplementation(async () => '');
  shell.showItemInFolder.mockClear();
  protocol.privileged.length = 0;
  protocol.handlers.clear();
  protocol.registerSchemesAsPrivileged.mockClear();
  protocol.handle.mockClear();
  protocol.unhandle.mockClear();
  dialog.showSaveDialog.mockReset();
  dialog.showSaveDialog.mockImplementation(async () => ({ canceled: true }));
  session.defaultSession = new FakeSession();
  app.removeAllListeners();
  app.paths.clear();
  app.isPackaged = false;
  app.appPath = process.cwd();
  app.exit.mockClear();
  dialog.showErrorBox.mockClear();
  Menu.buildFromTemplate.mockClear();
  Menu.setApplicationMenu.mockClear();
}

/** Casts a fake to the Electron type the code under test expects. */
export function asElectron<T>(fake: unknown): T {
  return fake as T;
}

export default {
  BrowserWindow,
  ipcMain,
  ipcRenderer,
  contextBridge,
  shell,
  protocol,
  session,
  app,
  dialog,
  Menu,
};
