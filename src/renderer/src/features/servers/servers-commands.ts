/** Server commands: connect, disconnect, forget, and what to fetch once a server is connected. */
import type { ParleyApi, ServerView } from '../../../../shared/api/contract.ts';
import { errorMessage } from '../../lib/describe-error.ts';
import { dmsListed } from '../conversations/conversations-slice.ts';
import { moreRoomsLoaded, roomsFailed, roomsLoaded, roomsLoading, serverChanged } from './servers-slice.ts';
import { roomsShown, toastShown } from '../../state/ui-slice.ts';
import type { AppStore } from '../../state/store.ts';
import { resendPending } from '../messages/messages-commands.ts';
import { reopenRoom } from '../rooms/rooms-commands.ts';
import { catchUpDm } from '../dms/dms-commands.ts';

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

/**
 * Reads a server's rooms again, from the first page: as many pages as were on screen (someone who
 * had scrolled through three pages comes back to three, with fresh member counts), at least one.
 * The browser reads more as the user asks for them (loadMoreRooms).
 */
export async function refreshRooms(api: ParleyApi, store: AppStore, server: string): Promise<void> {
  const shown = store.getState().directories[server]?.rooms.length ?? 0;
  roomsLoading(store, server);
  try {
    let page = await api.listRooms(server);
    const rooms = [...page.rooms];
    while (page.hasMore && page.next !== undefined && rooms.length < shown) {
      page = await api.listRooms(server, { after: page.next });
      rooms.push(...page.rooms);
    }
    roomsLoaded(store, server, { ...page, rooms });
  } catch (error) {
    roomsFailed(store, server, errorMessage(error));
  }
}

/** Reads the page after the ones listed ("Show more rooms"). */
export async function loadMoreRooms(api: ParleyApi, store: AppStore, server: string): Promise<void> {
  const next = store.getState().directories[server]?.next;
  if (next === null || next === undefined) return;
  roomsLoading(store, server);
  try {
    moreRoomsLoaded(store, server, await api.listRooms(server, { after: next }));
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
 * DMs, and hand pending messages over again. Missed messages are not fetched here: the client
 * library catches up on the rooms it is in and emits them as `message` events. Open rooms are
 * joined only where the session is not in them: rooms never loaded in this window (remembered
 * from before a reload), and every open room when `sessionIsNew` (see reopenRoom); DMs with
 * messages here are caught up from their newest seq when `sessionIsNew` (see catchUpDm).
 */
export async function serverConnected(
  api: ParleyApi,
  store: AppStore,
  server: string,
  sessionIsNew = false,
): Promise<void> {
  const { conversations, timelines } = store.getState();
  const reopen = Object.values(conversations)
    .filter((c) => c.server === server && c.kind === 'room')
    .filter((c) => {
      const timeline = timelines[c.key];
      return timeline !== undefined && timeline.loading !== 'initial' && (sessionIsNew || !timeline.loaded);
    });
  await Promise.all([
    refreshRooms(api, store, server),
    refreshDms(api, store, server),
    ...reopen.map((c) => reopenRoom(api, store, c.key)),
    ...(sessionIsNew
      ? Object.values(conversations)
          .filter((c) => c.server === server && c.kind === 'dm')
          .map((c) => catchUpDm(api, store, c.key))
      : []),
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
