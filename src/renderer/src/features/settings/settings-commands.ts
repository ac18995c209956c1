/** Settings commands: the display name. */
import type { DisplayNameResult, ParleyApi } from '../../../../shared/api/contract.ts';
import { settingsChanged } from './settings-slice.ts';
import type { AppStore } from '../../state/store.ts';
import { autoConnect } from '../servers/servers-commands.ts';

/**
 * Sets the display name everywhere. Resolves with each connected server's answer (a server may
 * refuse it, e.g. name_taken there); rejects when the name itself is invalid.
 */
export async function setDisplayName(api: ParleyApi, store: AppStore, name: string): Promise<DisplayNameResult> {
  const result = await api.setDisplayName(name);
  settingsChanged(store, { displayName: result.displayName });
  autoConnect(api, store);
  return result;
}
