/**
 * A server's rooms: filter, join, create; and the server's own actions (disconnect, forget).
 * The list comes a page at a time ("Show more rooms"); while not every room is read, the filter
 * asks the server (use-room-search.ts) instead of filtering only the pages on screen.
 */
import { useEffect, useMemo, useState } from 'react';
import { useNow } from '../../hooks/use-now.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { roomKey } from '../conversations/conversation-key.ts';
import { loadMoreRooms, reconnect, refreshRooms } from '../servers/servers-commands.ts';
import { selectDirectory, selectServer } from '../../state/selectors.ts';
import { dialogOpened } from '../../state/ui-slice.ts';
import { TopBar } from '../../components/app/TopBar.tsx';
import { ConnectionBanner } from '../servers/ConnectionBanner.tsx';
import { EmptyState } from '../../components/common/EmptyState.tsx';
import { Icon } from '../../components/common/Icon.tsx';
import { Spinner } from '../../components/common/Spinner.tsx';
import { serverStatusText } from '../servers/server-status-text.ts';
import { RoomRow } from './RoomRow.tsx';
import { ServerActions } from './ServerActions.tsx';
import { useRoomSearch } from './use-room-search.ts';

export function RoomBrowser({ server }: { server: string }) {
  const { api, store } = useParley();
  const view = useAppState(selectServer(server));
  const directory = useAppState(selectDirectory(server));
  const joined = useAppState((s) => s.conversations);
  const [filter, setFilter] = useState('');
  // For "active 5 minutes ago".
  const now = useNow(60_000);
  const connected = view?.status === 'connected';
  const refreshing = directory.status === 'loading';

  // Re-read the list whenever the browser is shown (and when the server comes back): member
  // counts go stale in between (a room arrives with 0 members by roomCreated; joins and leaves
  // are reported only for rooms we are in). What we have stays on screen meanwhile.
  useEffect(() => {
    if (!connected) return;
    // Already under way (serverConnected fetches the rooms of a server that just connected).
    if (store.getState().directories[server]?.status === 'loading') return;
    void refreshRooms(api, store, server);
  }, [api, store, server, connected]);

  const needle = filter.trim();
  // Every room is here once the last page is: then the filter is local and instant.
  const search = useRoomSearch(api, server, needle, directory.hasMore);
  const searching = directory.hasMore && needle !== '';
  const rooms = useMemo(() => {
    if (searching) return search.rooms;
    const lower = needle.toLocaleLowerCase();
    const matching =
      lower === '' ? directory.rooms : directory.rooms.filter((r) => r.name.toLocaleLowerCase().includes(lower));
    // While pages are still to come, the server's order, so that "Show more rooms" adds at the end.
    if (directory.hasMore) return matching;
    // Busiest first: where people are now, then where something happened lately.
    return [...matching].sort((a, b) => b.members - a.members || b.lastActivity - a.lastActivity);
  }, [directory.rooms, directory.hasMore, needle, searching, search.rooms]);
  const more = searching ? search.hasMore && search.status !== 'error' : directory.hasMore && needle === '';
  const loadingMore = searching ? search.status === 'loading' : refreshing;

  if (!view) {
    return (
      <div className="view">
        <TopBar>
          <h1 className="topbar__heading" tabIndex={-1}>
            {server}
          </h1>
        </TopBar>
        <p className="room-browser__loading" role="status">
          <Spinner /> Connecting…
        </p>
      </div>
    );
  }
  const createRoom = () => dialogOpened(store, { kind: 'createRoom', server });

  let content;
  if (directory.status === 'error' && directory.rooms.length === 0) {
    content = (
      <div className="notice notice--error" role="alert">
        <p>Could not load the rooms: {directory.error}</p>
        <button type="button" className="button button--small" onClick={() => void refreshRooms(api, store, server)}>
          Try again
        </button>
      </div>
    );
  } else if (
    directory.rooms.length === 0 &&
    (directory.status === 'loading' || (connected && directory.status === 'idle'))
  ) {
    content = (
      <p className="room-browser__loading" role="status">
        <Spinner /> Loading rooms…
      </p>
    );
  } else if (directory.rooms.length === 0 && connected) {
    content = (
      <EmptyState
        icon="hash"
        title="No rooms yet"
        actions={
          <button type="button" className="button button--primary" onClick={createRoom}>
            Create the first room
          </button>
        }
      >
        <p>Rooms are where people on this server talk. Everyone here sees a new room at once.</p>
      </EmptyState>
    );
  } else if (directory.rooms.length === 0) {
    content = (
      <EmptyState
        icon="server"
        title={view.status === 'idle' ? 'Not connected' : 'Waiting for the connection'}
        actions={
          view.status === 'idle' || view.status === 'failed' ? (
            <button type="button" className="button button--primary" onClick={() => void reconnect(api, store, server)}>
              Connect
            </button>
          ) : undefined
        }
      >
        <p>The rooms of {view.name} appear here once connected.</p>
      </EmptyState>
    );
  } else if (searching && search.status === 'error') {
    content = (
      <p className="notice notice--error" role="alert">
        Could not search the rooms: {search.error}
      </p>
    );
  } else if (searching && (search.status !== 'ready' || search.query !== needle) && rooms.length === 0) {
    content = (
      <p className="room-browser__loading" role="status">
        <Spinner /> Searching…
      </p>
    );
  } else if (rooms.length === 0) {
    content = <p className="room-browser__none">No room name contains “{needle}”.</p>;
  } else {
    content = (
      <>
        <ul className="room-list" aria-label={`Rooms on ${view.name}`} aria-busy={searching ? loadingMore : refreshing}>
          {rooms.map((room) => (
            <RoomRow key={room.id} server={server} room={room} joined={roomKey(server, room.id) in joined} now={now} />
          ))}
        </ul>
        {more && (
          <button
            type="button"
            className="button button--small room-browser__more"
            // aria-disabled, not disabled, while a page is read: keeps the keyboard focus here.
            aria-disabled={loadingMore}
            onClick={() => {
              if (loadingMore) return;
              if (searching) search.loadMore();
              else void loadMoreRooms(api, store, server);
            }}
          >
            {loadingMore ? <Spinner /> : null}
            Show more rooms
          </button>
        )}
      </>
    );
  }

  return (
    <div className="view">
      <TopBar
        actions={
          connected && (
            <button type="button" className="button button--primary button--small" onClick={createRoom}>
              <Icon name="plus" />
              New room
            </button>
          )
        }
      >
        <h1 className="topbar__heading" tabIndex={-1}>
          {view.name}
        </h1>
        {/* Any other state is the banner's to tell, with its countdown; saying it twice is noise. */}
        {connected && <span className="topbar__sub">{serverStatusText(view, now)}</span>}
      </TopBar>
      <ConnectionBanner server={server} />
      <div className="view__body">
        <div className="room-browser">
          <div className="room-browser__toolbar">
            <label className="search">
              <Icon name="search" />
              <span className="visually-hidden">Filter rooms by name</span>
              <input
                type="search"
                className="search__input"
                placeholder="Filter rooms"
                value={filter}
                onChange={(event) => setFilter(event.target.value)}
              />
            </label>
            <button
              type="button"
              className="icon-button"
              aria-label="Refresh the room list"
              // aria-disabled while refreshing, not disabled: a disabled button would drop the
              // keyboard focus of whoever just pressed it.
              disabled={!connected}
              aria-disabled={refreshing}
              onClick={() => {
                if (!refreshing) void refreshRooms(api, store, server);
              }}
            >
              <Icon name="refresh" className={refreshing ? 'icon--spinning' : undefined} />
            </button>
          </div>
          {directory.status === 'error' && directory.rooms.length > 0 && (
            // The list below is what we had before: say it may be out of date.
            <p className="notice notice--error" role="alert">
              Could not refresh the rooms: {directory.error}
            </p>
          )}
          {content}
          <ServerActions view={view} />
        </div>
      </div>
    </div>
  );
}
