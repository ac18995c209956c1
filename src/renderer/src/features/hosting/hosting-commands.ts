/** Hosting commands (desktop only): start and stop the room server this app runs. */
import type { HostView, ParleyApi } from '../../../../shared/api/contract.ts';
import { errorMessage } from '../../lib/describe-error.ts';
import { hostChanged } from './hosting-slice.ts';
import { roomsShown, toastShown } from '../../state/ui-slice.ts';
import type { AppStore } from '../../state/store.ts';

/** Starts hosting; on success shows the hosted server's rooms. Resolves with the host view. */
export async function startHosting(
  api: ParleyApi,
  store: AppStore,
  options: { name?: string; port?: number },
): Promise<HostView> {
  const view = await api.startHosting(options);
  hostChanged(store, view);
  if (view.status === 'running' && view.serverKey !== null) roomsShown(store, view.serverKey);
  return view;
}

export async function stopHosting(api: ParleyApi, store: AppStore): Promise<void> {
  try {
    hostChanged(store, await api.stopHosting());
  } catch (error) {
    toastShown(store, `Could not stop hosting: ${errorMessage(error)}`);
  }
}
