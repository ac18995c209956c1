/** Server commands: connect, disconnect, forget, and what to fetch once a server is connected. */
import type { ParleyApi, ServerView } from '../../../../shared/api/contract.ts';
import { targetKey } from '../../lib/conversation-key.ts';
import { errorMessage } from '../../lib/describe-error.ts';
import { dmsListed } from '../slices/conversations.ts';
import { roomsFailed, roomsLoaded, roomsLoading, serverChanged } from '../slices/servers.ts';
import { roomsShown, toastShown } from '../slices/ui.ts';
import type { AppStore } from '../store.ts';
import { resendPending } from './messages.ts';
import { rejoinRoom } from './rooms.ts';

/** Connects to host:port and shows the server. Rejects with the API's error. */
export async function connectTo(api: ParleyApi, store: AppStore, host: string, port: number): Promise<ServerView> {
  const view = await api.connectServer({ host, port });
  serverChanged(store, view);
  roomsShown(store, view.key);
  return view;
}

/** Connects (again) to a server from the list: a recent one, or one that failed. */
export async function reconnect(api: ParleyApi, store: AppStore, key: string): Promise<void> {
  const view = store.getState().servers[key];
  if (!view) return;
  try {
    serverChanged(store, await api.connectServer({ host: view.host, port: view.port }));
  } catch (error) {
    toastShown(store, `Could not connect to ${view.name}: ${errorMessage(error)}`);
  }
}

export async function disconnect(api: ParleyApi, store: AppStore, key: string): Promise<void> {
  try {
    await api.disconnectServer(key);
  } catch (error) {
    toastShown(store, errorMessage(error));
  }
}

export async function forget(api: ParleyApi, store: AppStore, key: string): Promise<void> {
  try {
    await api.forgetServer(key);
  } catch (error) {
    toastShown(store, errorMessage(error));
  }
}

export async function refreshRooms(api: ParleyApi, store: AppStore, server: string): Promise<void> {
  roomsLoading(store, server);
  try {
    roomsLoaded(store, server, await api.listRooms(server));
  } catch (error) {
    roomsFailed(store, server, errorMessage(error));
  }
}

async function refreshDms(api: ParleyApi, store: AppStore, server: string): Promise<void> {
  try {
    dmsListed(store, server, await api.listDms(server));
  } catch {
    // Not fatal: DMs still appear as they arrive.
  }
}

/**
 * A server just became connected (at start-up, or again after a reconnect): fetch its rooms and
 * DMs, re-read the rooms we have open (members may have changed; a fresh session — the browser
 * build after its socket dropped — must join them again), and hand pending messages over again.
 */
export async function serverConnected(api: ParleyApi, store: AppStore, server: string): Promise<void> {
  const open = Object.values(store.getState().conversations).filter((c) => c.server === server);
  await Promise.all([
    refreshRooms(api, store, server),
    refreshDms(api, store, server),
    ...open.filter((c) => c.kind === 'room').map((c) => rejoinRoom(api, store, targetKey(server, { room: c.id }))),
  ]);
  resendPending(api, store, server);
}

/**
 * The browser build can reach only the server that served it and keeps no connection of its own
 * between sessions: connect to it whenever it is idle (first load, after the page's socket was
 * re-established). Needs a display name first.
 */
export function autoConnect(api: ParleyApi, store: AppStore): void {
  const { appInfo, displayName, servers } = store.getState();
  if (!appInfo || appInfo.canConnectAnywhere || displayName === null) return;
  for (const view of Object.values(servers)) {
    if (view.status === 'idle') void reconnect(api, store, view.key);
  }
}
