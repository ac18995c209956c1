/**
 * The main window's security settings: webPreferences, navigation, window.open, permissions,
 * the request filter and the CSP header.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Session, WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-mock.ts'));

import {
  buildAppMenu,
  createMainWindow,
  FOREIGN_DOCUMENT_CSP,
  hardenSession,
  hardenWebContents,
  isAllowedPermission,
  isAppDocumentUrl,
  isAppResourceUrl,
  RENDERER_CSP,
  RENDERER_CSP_HEADER,
  resolveAppLocation,
  type AppLocation,
} from '../../src/main/window.ts';
import {
  asElectron,
  FakeBrowserWindow,
  FakeSession,
  FakeWebContents,
  Menu,
  resetElectronMock,
  shell,
} from './electron-mock.ts';

const RENDERER_DIR = resolve('/opt/parley/out/renderer');
const INDEX = join(RENDERER_DIR, 'index.html');
const INDEX_URL = pathToFileURL(INDEX).href;
const FILE_LOCATION: AppLocation = { kind: 'file', indexFile: INDEX };
const DEV_LOCATION: AppLocation = { kind: 'dev', url: 'http://localhost:5173/', origin: 'http://localhost:5173' };
const PRELOAD = '/opt/parley/out/preload/index.cjs';

beforeEach(() => resetElectronMock());

function openWindow(location: AppLocation = FILE_LOCATION): FakeBrowserWindow {
  return asElectron<FakeBrowserWindow>(createMainWindow({ location, preloadPath: PRELOAD }));
}

describe('createMainWindow', () => {
  it('creates a sandboxed, context-isolated window without Node', () => {
    const win = openWindow();
    const prefs = win.options.webPreferences!;
    expect(prefs).toMatchObject({
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(win.options['show']).toBe(false);
  });

  it('loads the built index.html in production and the dev server in dev', () => {
    const prod = openWindow(FILE_LOCATION);
    expect(prod.loadedFile).toBe(INDEX);
    expect(prod.loadedUrl).toBeNull();
    const dev = openWindow(DEV_LOCATION);
    expect(dev.loadedUrl).toBe('http://localhost:5173/');
    expect(dev.loadedFile).toBeNull();
  });

  it('shows itself when ready', () => {
    const win = openWindow();
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });
});

describe('resolveAppLocation', () => {
  it('uses the dev server only when unpackaged and the URL is http(s)', () => {
    const dev = resolveAppLocation({ isPackaged: false, devServerUrl: 'http://localhost:5173', rendererIndex: INDEX });
    expect(dev).toEqual({ kind: 'dev', url: 'http://localhost:5173/', origin: 'http://localhost:5173' });
    for (const [isPackaged, devServerUrl] of [
      [true, 'http://localhost:5173'],
      [false, undefined],
      [false, ''],
      [false, 'file:///etc/passwd'],
      [false, 'javascript:alert(1)'],
      [false, 'not a url'],
    ] as const) {
      expect(resolveAppLocation({ isPackaged, devServerUrl, rendererIndex: INDEX })).toEqual(FILE_LOCATION);
    }
  });
});

describe('which URLs are ours', () => {
  it('our document: the renderer index (any query or hash), or the dev server origin', () => {
    expect(isAppDocumentUrl(INDEX_URL, FILE_LOCATION)).toBe(true);
    expect(isAppDocumentUrl(`${INDEX_URL}#/room/1`, FILE_LOCATION)).toBe(true);
    expect(isAppDocumentUrl(`${INDEX_URL}?x=1`, FILE_LOCATION)).toBe(true);
    expect(isAppDocumentUrl(pathToFileURL(join(RENDERER_DIR, 'other.html')).href, FILE_LOCATION)).toBe(false);
    expect(
      isAppDocumentUrl(pathToFileURL('/opt/parley/out/renderer/../renderer2/index.html').href, FILE_LOCATION),
    ).toBe(false);
    expect(isAppDocumentUrl('https://evil.example/index.html', FILE_LOCATION)).toBe(false);
    expect(isAppDocumentUrl('', FILE_LOCATION)).toBe(false);
    expect(isAppDocumentUrl('http://localhost:5173/#/x', DEV_LOCATION)).toBe(true);
    expect(isAppDocumentUrl('http://localhost:5174/', DEV_LOCATION)).toBe(false);
    expect(isAppDocumentUrl(INDEX_URL, DEV_LOCATION)).toBe(false);
  });

  it('our resources: files inside the renderer folder, or the dev server and its HMR socket', () => {
    expect(isAppResourceUrl(pathToFileURL(join(RENDERER_DIR, 'assets/index-abc.js')).href, FILE_LOCATION)).toBe(true);
    expect(isAppResourceUrl(INDEX_URL, FILE_LOCATION)).toBe(true);
    expect(isAppResourceUrl('file:///etc/passwd', FILE_LOCATION)).toBe(false);
    expect(isAppResourceUrl(pathToFileURL(join(RENDERER_DIR, '..', 'main', 'index.js')).href, FILE_LOCATION)).toBe(
      false,
    );
    expect(isAppResourceUrl(`${pathToFileURL(RENDERER_DIR).href}/../main/index.js`, FILE_LOCATION)).toBe(false);
    expect(isAppResourceUrl(pathToFileURL(`${RENDERER_DIR}-evil/x.js`).href, FILE_LOCATION)).toBe(false);
    expect(isAppResourceUrl('http://localhost:5173/src/main.ts', DEV_LOCATION)).toBe(true);
    expect(isAppResourceUrl('ws://localhost:5173/?token=x', DEV_LOCATION)).toBe(true);
    expect(isAppResourceUrl('ws://localhost:9999/', DEV_LOCATION)).toBe(false);
    expect(isAppResourceUrl('https://evil.example/x.js', DEV_LOCATION)).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('blocks every navigation away from the page', () => {
    const contents = openWindow().webContents;
    for (const url of ['https://evil.example/', 'file:///etc/passwd', INDEX_URL, 'about:blank', 'parley://x']) {
      expect(contents.fireNavigation('will-navigate', url), url).toBe(true);
      expect(contents.fireNavigation('will-frame-navigate', url, { isMainFrame: false }), url).toBe(true);
    }
  });

  it('allows same-document navigation (hash changes, pushState)', () => {
    const contents = openWindow().webContents;
    expect(contents.fireNavigation('will-navigate', `${INDEX_URL}#/rooms`, { isSameDocument: true })).toBe(false);
    expect(contents.fireNavigation('will-frame-navigate', `${INDEX_URL}#/rooms`, { isSameDocument: true })).toBe(false);
  });

  it('in dev, allows Vite reloading the dev server page, and nothing else', () => {
    const contents = openWindow(DEV_LOCATION).webContents;
    expect(contents.fireNavigation('will-navigate', 'http://localhost:5173/')).toBe(false);
    expect(contents.fireNavigation('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.fireNavigation('will-navigate', 'http://localhost:5174/')).toBe(true);
  });

  it('blocks redirects away from our page', () => {
    const contents = openWindow().webContents;
    expect(contents.fireNavigation('will-redirect', 'https://evil.example/')).toBe(true);
  });

  it('refuses <webview>', () => {
    const contents = openWindow().webContents;
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented).toBe(true);
  });

  it('denies window.open and opens http(s) URLs in the system browser', async () => {
    const contents = openWindow().webContents;
    expect(contents.openWindow('https://example.com/page')).toBe('deny');
    expect(contents.openWindow('http://example.com/')).toBe('deny');
    await vi.waitFor(() => expect(shell.openExternal).toHaveBeenCalledTimes(2));
    expect(shell.openExternal.mock.calls.map((call) => call[0])).toEqual([
      'https://example.com/page',
      'http://example.com/',
    ]);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,hi',
    'parley://join',
    'ms-msdt:/id x',
    'smb://server/share',
    'about:blank',
    '',
  ])('denies window.open(%j) and opens nothing', async (url) => {
    const contents = openWindow().webContents;
    expect(contents.openWindow(url)).toBe('deny');
    await new Promise((r) => setTimeout(r, 10));
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('hardens any web contents once, however often it is asked', () => {
    const contents = new FakeWebContents();
    hardenWebContents(asElectron<WebContents>(contents), FILE_LOCATION);
    hardenWebContents(asElectron<WebContents>(contents), FILE_LOCATION);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.windowOpenHandler).not.toBeNull();
  });
});

describe('session hardening', () => {
  function hardened(location: AppLocation = FILE_LOCATION): FakeSession {
    const ses = new FakeSession();
    hardenSession(asElectron<Session>(ses), location);
    return ses;
  }

  it('grants only the notifications permission', async () => {
    const ses = hardened();
    expect(await ses.requestPermission('notifications')).toBe(true);
    for (const permission of [
      'media',
      'geolocation',
      'clipboard-read',
      'display-capture',
      'openExternal',
      'fullscreen',
      'pointerLock',
      'midiSysex',
      'hid',
      'serial',
      'usb',
      'fileSystem',
      'unknown',
    ]) {
      expect(await ses.requestPermission(permission), permission).toBe(false);
      expect(ses.permissionCheckHandler!(null, permission, 'file://', {}), permission).toBe(false);
    }
    expect(ses.permissionCheckHandler!(null, 'notifications', 'file://', {})).toBe(true);
    expect(isAllowedPermission('notifications')).toBe(true);
  });

  it('grants no device access', () => {
    expect(hardened().devicePermissionHandler!({ deviceType: 'usb' })).toBe(false);
  });

  it('lets the renderer load only its own files', () => {
    const ses = hardened();
    expect(ses.beforeRequest?.filter.urls).toEqual(['<all_urls>']);
    expect(ses.allowsRequest(INDEX_URL, 'mainFrame')).toBe(true);
    expect(ses.allowsRequest(pathToFileURL(join(RENDERER_DIR, 'assets/app.css')).href, 'stylesheet')).toBe(true);
    expect(ses.allowsRequest('data:image/png;base64,AAAA', 'image')).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'https://example.com/tracker.png',
      'http://192.168.1.1/',
      'ws://192.168.1.10:7275/',
      'wss://evil.example/',
      'ftp://example.com/x',
    ]) {
      expect(ses.allowsRequest(url), url).toBe(false);
    }
  });

  it('in dev, also lets the dev server and its HMR socket through', () => {
    const ses = hardened(DEV_LOCATION);
    expect(ses.allowsRequest('http://localhost:5173/src/main.ts', 'script')).toBe(true);
    expect(ses.allowsRequest('ws://localhost:5173/', 'webSocket')).toBe(true);
    expect(ses.allowsRequest('https://example.com/x.js', 'script')).toBe(false);
    expect(ses.allowsRequest('file:///etc/passwd', 'other')).toBe(false);
  });

  it('adds the CSP header to our page and a lockdown CSP to any other document', () => {
    const ses = hardened();
    const ours = ses.headersFor(INDEX_URL, 'mainFrame', { 'X-Other': ['kept'] });
    expect(ours['Content-Security-Policy']).toEqual([RENDERER_CSP_HEADER]);
    expect(ours['X-Other']).toEqual(['kept']);
    expect(ses.headersFor('https://evil.example/', 'subFrame')['Content-Security-Policy']).toEqual([
      FOREIGN_DOCUMENT_CSP,
    ]);
    // Subresources are left alone.
    expect(ses.headersFor(pathToFileURL(join(RENDERER_DIR, 'a.js')).href, 'script')).toEqual({});
  });

  it('leaves the dev server page to its meta CSP (Vite needs its inline preamble)', () => {
    const ses = hardened(DEV_LOCATION);
    expect(ses.headersFor('http://localhost:5173/', 'mainFrame')).toEqual({});
  });

  it('sends the same policy as the meta tag in the renderer index.html, plus frame-ancestors', () => {
    const html = readFileSync(join(import.meta.dirname, '../../src/renderer/index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(meta, 'index.html has a CSP meta tag').not.toBeNull();
    expect(RENDERER_CSP, 'keep RENDERER_CSP in src/main/window.ts equal to the meta CSP').toBe(meta![1]);
    expect(RENDERER_CSP_HEADER).toBe(`${RENDERER_CSP}; frame-ancestors 'none'`);
    const scriptSrc = RENDERER_CSP.split(';').find((d) => d.trim().startsWith('script-src'));
    expect(scriptSrc).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});

describe('buildAppMenu', () => {
  const roles = (menu: unknown) => (menu as { template: { role: string }[] }).template.map((item) => item.role);

  it('is minimal: no reload or DevTools outside development', () => {
    expect(roles(buildAppMenu({ dev: false, platform: 'linux' }))).toEqual(['fileMenu', 'editMenu', 'windowMenu']);
    expect(roles(buildAppMenu({ dev: false, platform: 'darwin' }))).toEqual(['appMenu', 'editMenu', 'windowMenu']);
    expect(roles(buildAppMenu({ dev: true, platform: 'win32' }))).toEqual([
      'fileMenu',
      'editMenu',
      'viewMenu',
      'windowMenu',
    ]);
    expect(Menu.buildFromTemplate).toHaveBeenCalledTimes(3);
  });
});
