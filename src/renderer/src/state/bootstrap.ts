/** Start-up: load what the API knows, then show where the user was (or the first live server). */
import type { ParleyApi } from '../../../shared/api/contract.ts';
import { errorCode, errorMessage } from '../lib/describe-error.ts';
import { hostChanged } from '../features/hosting/hosting-slice.ts';
import { serversListed } from '../features/servers/servers-slice.ts';
import { appInfoLoaded, settingsChanged } from '../features/settings/settings-slice.ts';
import { bootChanged, serverSelected } from './ui-slice.ts';
import type { AppStore } from './store.ts';
import { loadNearby } from '../features/nearby/nearby-commands.ts';
import { autoConnect, serverConnected } from '../features/servers/servers-commands.ts';
import {
  readRememberedRooms,
  restoreRememberedRooms,
  showRememberedConversation,
  type KeyValueStorage,
} from '../features/rooms/remembered-rooms.ts';

/**
 * Loads the app's state, puts back the rooms that were open before a reload (`storage`, see
 * remembered-rooms.ts), shows the conversation that was on screen or the first live server.
 */
export async function bootstrap(
  api: ParleyApi,
  store: AppStore,
  storage: KeyValueStorage | null = null,
): Promise<void> {
  bootChanged(store, { status: 'loading' });
  try {
    const [appInfo, settings, servers] = await Promise.all([api.getAppInfo(), api.getSettings(), api.listServers()]);
    appInfoLoaded(store, appInfo);
    settingsChanged(store, settings);
    serversListed(store, servers);
    if (appInfo.canHost) hostChanged(store, await api.getHostStatus());
  } catch (error) {
    // The browser build's socket did not open (its server is down: the page came from the
    // service worker's cache): not an error to retry by hand, start-up resumes when it is back.
    if (errorCode(error) === 'disconnected') bootChanged(store, { status: 'offline' });
    else bootChanged(store, { status: 'error', message: errorMessage(error) });
    return;
  }
  // Not awaited, and not fatal: the app works without the Nearby list (loadNearby says why).
  if (store.getState().appInfo?.canDiscover) void loadNearby(api, store);
  const shown = restoreRememberedRooms(store, readRememberedRooms(storage));
  bootChanged(store, { status: 'ready' });

  const { servers, serverOrder } = store.getState();
  const views = serverOrder.map((key) => servers[key]!);
  const first = views.find((v) => v.status === 'connected') ?? views.find((v) => v.status !== 'idle');
  if (first) serverSelected(store, first.key);
  showRememberedConversation(store, shown);
  for (const view of views) if (view.status === 'connected') void serverConnected(api, store, view.key);
  autoConnect(api, store);
}
