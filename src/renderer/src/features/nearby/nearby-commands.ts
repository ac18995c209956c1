/**
 * Nearby commands: load the Nearby list, open a nearby server (connect, or select it when we are
 * on it already), the network interfaces discovery uses, and the diagnostics run.
 */
import type { NearbyServerView, ParleyApi, ServerView } from '../../../../shared/api/contract.ts';
import { errorMessage } from '../../lib/describe-error.ts';
import {
  diagnosticsFailed,
  diagnosticsFinished,
  diagnosticsStarted,
  interfacesFailed,
  interfacesLoaded,
  interfacesLoading,
  interfaceToggled,
  interfaceToggling,
  nearbyFailed,
  nearbyListed,
} from './nearby-slice.ts';
import { serverChanged } from '../servers/servers-slice.ts';
import { roomsShown, serverSelected, toastShown } from '../../state/ui-slice.ts';
import type { AppState, AppStore } from '../../state/store.ts';

/** The Nearby list at start-up. A failure is kept (the section says so), never fatal. */
export async function loadNearby(api: ParleyApi, store: AppStore): Promise<void> {
  const revision = store.getState().nearbyRevision;
  try {
    const list = await api.listNearby();
    // A nearbyChanged that arrived meanwhile is newer than this answer.
    if (store.getState().nearbyRevision === revision) nearbyListed(store, list);
  } catch (error) {
    if (store.getState().nearbyRevision === revision) nearbyFailed(store, errorMessage(error));
  }
}

/**
 * The server in the server list that a nearby entry is, when we are on it (connected, connecting
 * or reconnecting): choosing the entry then selects that server instead of connecting again.
 */
export function linkedServer(state: AppState, nearby: NearbyServerView): ServerView | null {
  if (nearby.serverKey === null) return null;
  const view = state.servers[nearby.serverKey];
  if (!view || view.status === 'idle' || view.status === 'failed') return null;
  return view;
}

/**
 * Opens a nearby server: selects it when we are on it already, else connects to it (the API
 * tries each advertised address) and shows its room browser. A failure is told in a toast.
 * Resolves with the server's key, or null when it failed.
 */
export async function openNearby(api: ParleyApi, store: AppStore, nearby: NearbyServerView): Promise<string | null> {
  const linked = linkedServer(store.getState(), nearby);
  if (linked) {
    serverSelected(store, linked.key);
    return linked.key;
  }
  try {
    const view = await api.connectNearby(nearby.id);
    serverChanged(store, view);
    roomsShown(store, view.key);
    return view.key;
  } catch (error) {
    toastShown(store, `Could not connect to ${nearby.name}: ${errorMessage(error)}`);
    return null;
  }
}

/** The interfaces for Settings (and the diagnostics view); what was loaded stays on screen meanwhile. */
export async function loadInterfaces(api: ParleyApi, store: AppStore): Promise<void> {
  interfacesLoading(store);
  try {
    interfacesLoaded(store, await api.listInterfaces());
  } catch (error) {
    interfacesFailed(store, errorMessage(error));
  }
}

/** Switches discovery on one interface on or off; shows the list the API answers with. */
export async function setInterfaceEnabled(
  api: ParleyApi,
  store: AppStore,
  name: string,
  enabled: boolean,
): Promise<void> {
  if (store.getState().interfaces.pending.includes(name)) return;
  interfaceToggling(store, name);
  try {
    interfaceToggled(store, name, await api.setInterfaceEnabled(name, enabled));
  } catch (error) {
    interfaceToggled(store, name, null);
    toastShown(store, `Could not switch ${name} ${enabled ? 'on' : 'off'}: ${errorMessage(error)}`);
  }
}

/** Runs the discovery checks (a few seconds). A newer run supersedes an older one. */
export async function runDiagnostics(api: ParleyApi, store: AppStore): Promise<void> {
  const run = diagnosticsStarted(store);
  const revision = store.getState().interfaces.revision;
  try {
    const result = await api.runDiagnostics();
    const { diagnostics, interfaces } = store.getState();
    if (diagnostics.status !== 'running' || diagnostics.run !== run) return;
    diagnosticsFinished(store, run, result);
    // The interfaces as the run saw them, unless a switch was flipped (or the list re-read) meanwhile.
    if (interfaces.revision === revision) interfacesLoaded(store, result.interfaces);
  } catch (error) {
    diagnosticsFailed(store, run, errorMessage(error));
  }
}
