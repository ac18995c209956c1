/**
 * Servers slice: every server in the list (live view from the API), each server's room directory
 * (for the room browser), and which servers' sessions lost our rooms.
 */
import type { ServerView } from '../../../../shared/api/contract.ts';
import type { RoomInfo, RoomPage } from '../../../../shared/protocol/server-frames.ts';
import type { AppStore } from '../../state/store.ts';

export interface RoomDirectory {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The pages read so far, in the server's order (creation order). */
  rooms: RoomInfo[];
  /** The server has rooms past these: `next` is the cursor of the page after them. */
  hasMore: boolean;
  next: string | null;
  error: string | null;
}

export interface ServersState {
  servers: Record<string, ServerView>;
  /** Keys in the order the API listed them; new servers are appended. */
  serverOrder: string[];
  directories: Record<string, RoomDirectory>;
  /**
   * Servers whose session is no longer in the rooms we have open: the client behind them went
   * away (disconnected, failed) or the whole session is new (the browser build's page socket
   * dropped, which ends its session on the web server). Their next `connected` joins them again.
   */
  sessionLost: Record<string, true>;
  /**
   * Why each server's current outage began (the error of its first `reconnecting` after being
   * connected): "the host closed the server" stays the reason while the attempts after it are
   * merely refused. Cleared once connected (or idle) again.
   */
  outageCauses: Record<string, { code: string; message: string }>;
}

export function initialServersState(): ServersState {
  return { servers: {}, serverOrder: [], directories: {}, sessionLost: {}, outageCauses: {} };
}

export const EMPTY_DIRECTORY: RoomDirectory = Object.freeze({
  status: 'idle',
  rooms: [],
  hasMore: false,
  next: null,
  error: null,
}) as RoomDirectory;

export function serversListed(store: AppStore, views: ServerView[]): void {
  store.setState({
    servers: Object.fromEntries(views.map((view) => [view.key, view])),
    serverOrder: views.map((view) => view.key),
  });
}

export function serverChanged(store: AppStore, view: ServerView): void {
  store.setState((s) => {
    const before = s.servers[view.key];
    let outageCauses = s.outageCauses;
    if (view.status === 'connected' || view.status === 'idle') {
      if (view.key in outageCauses) {
        const { [view.key]: _over, ...rest } = outageCauses;
        outageCauses = rest;
      }
    } else if (view.status === 'reconnecting' && before?.status === 'connected' && view.error !== null) {
      outageCauses = { ...outageCauses, [view.key]: view.error };
    }
    return {
      servers: { ...s.servers, [view.key]: view },
      serverOrder: s.serverOrder.includes(view.key) ? s.serverOrder : [...s.serverOrder, view.key],
      outageCauses,
    };
  });
}

export function serverRemoved(store: AppStore, key: string): void {
  store.setState((s) => {
    const { [key]: _removed, ...servers } = s.servers;
    const { [key]: _directory, ...directories } = s.directories;
    const { [key]: _lost, ...lost } = s.sessionLost;
    const { [key]: _cause, ...outageCauses } = s.outageCauses;
    return {
      servers,
      directories,
      sessionLost: lost,
      outageCauses,
      serverOrder: s.serverOrder.filter((k) => k !== key),
    };
  });
}

/** Marks servers (all of them by default) as no longer in our open rooms. */
export function sessionLost(store: AppStore, keys?: readonly string[]): void {
  store.setState((s) => {
    const lost = keys ?? s.serverOrder;
    if (lost.every((key) => s.sessionLost[key])) return s;
    return { sessionLost: { ...s.sessionLost, ...Object.fromEntries(lost.map((key) => [key, true as const])) } };
  });
}

/** Reads and clears a server's mark: true when its session had lost our rooms. */
export function takeSessionLost(store: AppStore, key: string): boolean {
  const lost = store.getState().sessionLost[key] === true;
  if (lost) {
    store.setState((s) => {
      const { [key]: _taken, ...rest } = s.sessionLost;
      return { sessionLost: rest };
    });
  }
  return lost;
}

export function roomsLoading(store: AppStore, server: string): void {
  store.setState((s) => {
    const current = s.directories[server] ?? EMPTY_DIRECTORY;
    return { directories: { ...s.directories, [server]: { ...current, status: 'loading', error: null } } };
  });
}

/** The first page of the list arrived: it replaces what we had (fresh member counts). */
export function roomsLoaded(store: AppStore, server: string, page: RoomPage): void {
  store.setState((s) => ({
    directories: {
      ...s.directories,
      [server]: { status: 'ready', rooms: page.rooms, hasMore: page.hasMore, next: page.next ?? null, error: null },
    },
  }));
}

/** A following page arrived: appended (a room already listed, e.g. by roomCreated, is updated in place). */
export function moreRoomsLoaded(store: AppStore, server: string, page: RoomPage): void {
  store.setState((s) => {
    const current = s.directories[server] ?? EMPTY_DIRECTORY;
    const fresh = new Map(page.rooms.map((r) => [r.id, r]));
    const listed = new Set(current.rooms.map((r) => r.id));
    const rooms = current.rooms.map((r) => fresh.get(r.id) ?? r);
    for (const room of page.rooms) if (!listed.has(room.id)) rooms.push(room);
    return {
      directories: {
        ...s.directories,
        [server]: { status: 'ready', rooms, hasMore: page.hasMore, next: page.next ?? null, error: null },
      },
    };
  });
}

export function roomsFailed(store: AppStore, server: string, error: string): void {
  store.setState((s) => {
    const current = s.directories[server] ?? EMPTY_DIRECTORY;
    return { directories: { ...s.directories, [server]: { ...current, status: 'error', error } } };
  });
}

/** A room was created or its info changed (join result, roomCreated event). */
export function roomUpserted(store: AppStore, server: string, room: RoomInfo): void {
  store.setState((s) => {
    const current = s.directories[server] ?? EMPTY_DIRECTORY;
    const index = current.rooms.findIndex((r) => r.id === room.id);
    const rooms = index === -1 ? [...current.rooms, room] : current.rooms.with(index, room);
    return { directories: { ...s.directories, [server]: { ...current, rooms } } };
  });
}

/** Applies a change to one room of the directory, if it is listed. */
export function roomPatched(
  store: AppStore,
  server: string,
  roomId: string,
  patch: (room: RoomInfo) => RoomInfo,
): void {
  store.setState((s) => {
    const current = s.directories[server];
    const index = current?.rooms.findIndex((r) => r.id === roomId) ?? -1;
    if (!current || index === -1) return s;
    const rooms = current.rooms.with(index, patch(current.rooms[index]!));
    return { directories: { ...s.directories, [server]: { ...current, rooms } } };
  });
}
