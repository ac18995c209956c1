/** Settings slice: what the app is (AppInfo) and the user's settings (display name). */
import type { AppInfo, Settings } from '../../../../shared/api/contract.ts';
import type { AppStore } from '../../state/store.ts';

export interface SettingsState {
  /** Null until loaded at start-up. */
  appInfo: AppInfo | null;
  /** Null on first run, until the user chose a name. */
  displayName: string | null;
}

export function initialSettingsState(): SettingsState {
  return { appInfo: null, displayName: null };
}

export function appInfoLoaded(store: AppStore, appInfo: AppInfo): void {
  store.setState({ appInfo });
}

export function settingsChanged(store: AppStore, settings: Settings): void {
  store.setState({ displayName: settings.displayName });
}
