/** Start-up: load what the API knows, then show the first live server. */
import type { ParleyApi } from '../../../../shared/api/contract.ts';
import { errorMessage } from '../../lib/describe-error.ts';
import { serversListed, hostChanged } from '../slices/servers.ts';
import { appInfoLoaded, settingsChanged } from '../slices/settings.ts';
import { bootChanged, serverSelected } from '../slices/ui.ts';
import type { AppStore } from '../store.ts';
import { autoConnect, serverConnected } from './servers.ts';

export async function bootstrap(api: ParleyApi, store: AppStore): Promise<void> {
  bootChanged(store, { status: 'loading' });
  try {
    const [appInfo, settings, servers] = await Promise.all([api.getAppInfo(), api.getSettings(), api.listServers()]);
    appInfoLoaded(store, appInfo);
    settingsChanged(store, settings);
    serversListed(store, servers);
    if (appInfo.canHost) hostChanged(store, await api.getHostStatus());
  } catch (error) {
    bootChanged(store, { status: 'error', message: errorMessage(error) });
    return;
  }
  bootChanged(store, { status: 'ready' });

  const { servers, serverOrder } = store.getState();
  const views = serverOrder.map((key) => servers[key]!);
  const first = views.find((v) => v.status === 'connected') ?? views.find((v) => v.status !== 'idle');
  if (first) serverSelected(store, first.key);
  for (const view of views) if (view.status === 'connected') void serverConnected(api, store, view.key);
  autoConnect(api, store);
}
