/**
 * The desktop's side of downloads (the session's `DesktopFiles`, core/session/media.ts) with
 * Electron: the OS Downloads folder, the save dialog of "ask where to save", opening a finished
 * download with the system's default app and showing it in its folder. The session decides
 * everything else (names, verification, progress); this file only reaches the OS.
 */
import { app, dialog, shell, type BrowserWindow } from 'electron';
import { ApiError } from '../shared/api/proxy.ts';
import type { DesktopFiles } from './core/session/media.ts';

export function electronDesktopFiles(getWindow: () => BrowserWindow | null): DesktopFiles {
  return {
    downloadsDir: () => app.getPath('downloads'),
    async chooseSavePath(suggestedPath) {
      const win = getWindow();
      const options = { defaultPath: suggestedPath };
      // Modal to our window when there is one, so it cannot end up behind it.
      const result =
        win && !win.isDestroyed() ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async openPath(path) {
      // shell.openPath resolves with an error message ("" on success) instead of rejecting.
      const error = await shell.openPath(path);
      if (error) throw new ApiError('open_failed', error);
    },
    showInFolder: (path) => shell.showItemInFolder(path),
  };
}
