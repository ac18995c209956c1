/**
 * The window icon: `resources/icon.png` (1024 px, made from resources/icon.svg; electron-builder
 * ships it inside the app, see electron-builder.yml) under the app root — `app.getAppPath()`,
 * which is the project folder in development and `…/resources/app.asar` when packaged (Electron
 * reads files inside the archive).
 *
 * Windows and Linux take the window's icon from here (taskbar, Alt-Tab, the window list; a
 * desktop environment may prefer the installed .desktop entry's icon). macOS ignores a window
 * icon: the Dock and the app switcher show the bundle's icon (build/icon.icns, set by
 * electron-builder), so nothing is set there. The app has no tray icon.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function appIconPath(appRoot: string): string {
  return join(appRoot, 'resources', 'icon.png');
}

/** The BrowserWindow `icon` for this platform, or undefined (macOS, or the file is missing). */
export function windowIconPath(
  appRoot: string,
  platform: NodeJS.Platform,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  if (platform === 'darwin') return undefined;
  const path = appIconPath(appRoot);
  // Missing only in a checkout without the generated icon: Electron's default icon then.
  return exists(path) ? path : undefined;
}
