/**
 * The main window and everything that keeps its renderer contained:
 *  - where our pages come from (`AppLocation`) and which URLs are ours;
 *  - the window's webPreferences (sandboxed, isolated, no Node, web security on);
 *  - no navigation away from the app, no new windows (http(s) links go to the system browser);
 *  - the session: only our own files (or the dev server) load, no permissions except
 *    notifications, and a CSP header for our pages on top of the CSP meta in index.html.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Menu, type MenuItemConstructorOptions, type Session, type WebContents } from 'electron';
import { isSafeExternalUrl, openExternalUrl } from './external-links.ts';

/**
 * The renderer's Content-Security-Policy; the same policy as the meta tag in
 * src/renderer/index.html (a test keeps the two equal). Sent as a header too, as defense in depth
 * and because a header, unlike the meta tag, also applies `frame-ancestors`. Images and videos
 * load from `parley-media:` (media-protocol.ts: files of chat servers, read by main) and blob:
 * (previews the page makes with a canvas); navigating to either stays blocked (hardenWebContents).
 */
export const RENDERER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: parley-media:; media-src 'self' blob: parley-media:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'";
export const RENDERER_CSP_HEADER = `${RENDERER_CSP}; frame-ancestors 'none'`;
/** For any document that is not ours (none should ever load: see `hardenSession`). */
export const FOREIGN_DOCUMENT_CSP = "default-src 'none'; sandbox";

/** Where the renderer is loaded from: the built files, or electron-vite's dev server. */
export type AppLocation = { kind: 'file'; indexFile: string } | { kind: 'dev'; url: string; origin: string };

/**
 * The dev server (ELECTRON_RENDERER_URL, set by `electron-vite dev`) is used only when the app is
 * not packaged and the URL is a plain http(s) URL; otherwise the built index.html.
 */
export function resolveAppLocation(options: {
  isPackaged: boolean;
  devServerUrl: string | undefined;
  rendererIndex: string;
}): AppLocation {
  if (!options.isPackaged && options.devServerUrl) {
    try {
      const url = new URL(options.devServerUrl);
      if (url.protocol === 'http:' || url.protocol === 'https:')
        return { kind: 'dev', url: url.href, origin: url.origin };
    } catch {
      // fall through to the built files
    }
  }
  return { kind: 'file', indexFile: resolve(options.rendererIndex) };
}

const normalizeCase = (path: string): string => (process.platform === 'win32' ? path.toLowerCase() : path);

function filePathOf(url: URL): string | null {
  if (url.protocol !== 'file:') return null;
  try {
    return fileURLToPath(url);
  } catch {
    return null; // e.g. file://remote-host/share on POSIX
  }
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Whether `url` is our app's page: the renderer's index.html (any query/hash) or the dev server. */
export function isAppDocumentUrl(url: string, location: AppLocation): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (location.kind === 'dev') return parsed.origin === location.origin;
  const path = filePathOf(parsed);
  return path !== null && normalizeCase(resolve(path)) === normalizeCase(location.indexFile);
}

/**
 * Whether the renderer may load `url`: a file inside the renderer's folder, or (in dev) the dev
 * server over http and its HMR WebSocket.
 */
export function isAppResourceUrl(url: string, location: AppLocation): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (location.kind === 'dev') {
    const dev = new URL(location.url);
    if (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') return parsed.host === dev.host;
    return parsed.origin === location.origin;
  }
  const path = filePathOf(parsed);
  if (path === null) return false;
  const rel = relative(normalizeCase(dirname(location.indexFile)), normalizeCase(resolve(path)));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The only permission the renderer may have. */
export function isAllowedPermission(permission: string): boolean {
  return permission === 'notifications';
}

/**
 * Schemes through which a page could reach outside the app (network, other local files). Other
 * schemes (data:, blob:, devtools:…) stay in the page's own content and are left to the CSP.
 */
const FILTERED_PROTOCOLS = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:']);

/** Whether the renderer's session lets a request for `url` through. */
export function isAllowedRequest(url: string, location: AppLocation): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  return !FILTERED_PROTOCOLS.has(parsed.protocol) || isAppResourceUrl(url, location);
}

/**
 * Locks down the renderer's session: permissions (notifications only), device access (none),
 * network and file access (our own files / the dev server only — the renderer never talks to
 * chat servers itself, main does) and a CSP header on our pages.
 */
export function hardenSession(ses: Session, location: AppLocation): void {
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(isAllowedPermission(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => isAllowedPermission(permission));
  ses.setDevicePermissionHandler(() => false);

  ses.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const allowed = isAllowedRequest(details.url, location);
    if (!allowed) console.warn(`[parley] blocked request to ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });

  ses.webRequest.onHeadersReceived((details, callback) => {
    if (details.resourceType !== 'mainFrame' && details.resourceType !== 'subFrame') {
      callback({});
      return;
    }
    const ours = isAppDocumentUrl(details.url, location);
    // The dev server's pages need Vite's inline HMR preamble: there, index.html's meta CSP rules.
    if (ours && location.kind === 'dev') {
      callback({});
      return;
    }
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [ours ? RENDERER_CSP_HEADER : FOREIGN_DOCUMENT_CSP],
      },
    });
  });
}

const hardened = new WeakSet<WebContents>();

/**
 * No navigation away from the page (same-document navigations such as hash changes are fine; in
 * dev, Vite's full reload of the dev server page is too), no new windows — http(s) URLs a page
 * tries to open go to the system browser instead — and no <webview>. Idempotent.
 */
export function hardenWebContents(contents: WebContents, location: AppLocation): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);

  const mayNavigate = (url: string, isSameDocument: boolean): boolean =>
    isSameDocument || (location.kind === 'dev' && isAppDocumentUrl(url, location));

  contents.on('will-navigate', (event) => {
    if (!mayNavigate(event.url, event.isSameDocument)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!mayNavigate(event.url, event.isSameDocument)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppDocumentUrl(event.url, location)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) {
      openExternalUrl(url).catch((error: unknown) => console.warn('[parley] could not open link', error));
    }
    return { action: 'deny' };
  });
}

/**
 * A minimal menu: quit, the edit commands (on macOS the shortcuts for copy/paste only work through
 * the menu) and window commands. Reload and DevTools only in development.
 */
export function buildAppMenu(options: { dev: boolean; platform: NodeJS.Platform }): Menu {
  const template: MenuItemConstructorOptions[] = [
    options.platform === 'darwin' ? { role: 'appMenu' } : { role: 'fileMenu' },
    { role: 'editMenu' },
    ...(options.dev ? [{ role: 'viewMenu' } as const] : []),
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}

export interface MainWindowOptions {
  location: AppLocation;
  /** Absolute path of the bundled preload (out/preload/index.cjs). */
  preloadPath: string;
  /** The window icon (Windows, Linux: app-icon.ts); undefined keeps the platform's default. */
  icon?: string | undefined;
}

/** Creates, hardens and loads the main window; it shows itself once the first paint is ready. */
export function createMainWindow({ location, preloadPath, icon }: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...(icon ? { icon } : {}),
    width: 1000,
    height: 700,
    minWidth: 480,
    minHeight: 360,
    title: 'Parley',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  });
  hardenWebContents(win.webContents, location);
  win.once('ready-to-show', () => win.show());

  const loading = location.kind === 'dev' ? win.loadURL(location.url) : win.loadFile(location.indexFile);
  loading.catch((error: unknown) => console.error('[parley] the window failed to load', error));
  return win;
}
