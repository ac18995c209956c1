/** The app and its settings: what the app can do here, the display name, opening links. */
import { z } from 'zod';

export const SETTINGS_ARGS = {
  getAppInfo: z.tuple([]),
  getSettings: z.tuple([]),
  /** Sets the display name and applies it to every connected server. */
  setDisplayName: z.tuple([z.string().max(512)]),
  /** Opens an http(s) link in the system browser; anything else is refused. */
  openLink: z.tuple([z.string().max(8192)]),
} as const;

export interface AppInfo {
  /** Where the UI runs: the desktop app, or a browser served by parley-server --web. */
  platform: 'electron' | 'web';
  /** Hosting a room server is a desktop feature. */
  canHost: boolean;
  /** In the browser only the serving host can be joined. */
  canConnectAnywhere: boolean;
  /** Finds servers on the LAN by itself (mDNS); browsers cannot. */
  canDiscover: boolean;
  version: string;
}

export interface Settings {
  /** null until the user chose one (first run). */
  displayName: string | null;
}

export interface DisplayNameResult {
  displayName: string;
  /** One entry per connected server: whether it accepted the new name. */
  servers: { key: string; ok: boolean; code?: string; message?: string }[];
}

export interface SettingsResults {
  getAppInfo: AppInfo;
  getSettings: Settings;
  setDisplayName: DisplayNameResult;
  openLink: void;
}

export interface SettingsEvents {
  settingsChanged: Settings;
}
