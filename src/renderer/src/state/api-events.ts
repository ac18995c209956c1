/**
 * The one place where API events reach the store: each event becomes one or more actions.
 * Returns a function that unsubscribes everything.
 */
import type { ParleyApi, Unsubscribe } from '../../../shared/api/contract.ts';
import type { PageLink } from '../api/get-api.ts';
import { roomKey } from '../features/conversations/conversation-key.ts';
import { autoConnect, serverConnected } from '../features/servers/servers-commands.ts';
import {
  dmPeerRenamed,
  messageFailed,
  messageReceived,
  noticeAdded,
  serverConversationsRemoved,
} from '../features/conversations/conversations-slice.ts';
import { memberJoined, memberLeft, memberRenamed, membersRemoved } from '../features/members/members-slice.ts';
import { nearbyChanged } from '../features/nearby/nearby-slice.ts';
import {
  hostChanged,
  roomPatched,
  roomUpserted,
  serverChanged,
  serverRemoved,
  sessionLost,
  takeSessionLost,
} from '../features/servers/servers-slice.ts';
import { settingsChanged } from '../features/settings/settings-slice.ts';
import { pageLinkChanged, serverSelected, toastShown, viewRepaired } from './ui-slice.ts';
import type { AppStore } from './store.ts';

export function connectApi(api: ParleyApi, store: AppStore, link?: PageLink): Unsubscribe {
  const subscriptions: Unsubscribe[] = [
    // The browser build's page socket came back: its session on the web server is a new one,
    // in none of our rooms (it reports its servers next).
    link?.onFreshSession(() => sessionLost(store)) ?? (() => {}),
    link?.onLinkChange((up) => pageLinkChanged(store, up)) ?? (() => {}),

    api.on('serverChanged', (view) => {
      const before = store.getState().servers[view.key];
      serverChanged(store, view);
      // Its client is gone: whatever connects next starts outside our rooms.
      if (view.status === 'idle' || view.status === 'failed') sessionLost(store, [view.key]);
      // Our own rename: no user_renamed comes back for it, the view's `self` carries it.
      if (before?.self && view.self && before.self.id === view.self.id && before.self.name !== view.self.name) {
        memberRenamed(store, view.key, view.self);
      }
      if (view.status === 'connected' && before?.status !== 'connected') {
        // A first connection (not a reconnect) while nothing is shown: show that server, rather
        // than leaving the user on Home (the browser build connects by itself at start-up).
        const { view: shown } = store.getState();
        if (before?.status !== 'reconnecting' && shown.kind === 'home') serverSelected(store, view.key);
        void serverConnected(api, store, view.key, takeSessionLost(store, view.key));
      }
      if (view.status === 'idle') autoConnect(api, store);
    }),

    api.on('serverRemoved', ({ key }) => {
      serverRemoved(store, key);
      membersRemoved(store, serverConversationsRemoved(store, key));
      viewRepaired(store);
    }),

    api.on('message', ({ server, message }) => messageReceived(store, server, message)),

    api.on('sendFailed', ({ msgId, code, reason }) => messageFailed(store, msgId, code, reason)),

    api.on('memberJoined', ({ server, room, user }) => {
      const key = roomKey(server, room);
      const known = store.getState().members[key]?.some((m) => m.id === user.id);
      memberJoined(store, key, user);
      if (!known) {
        noticeAdded(store, key, `${user.name} joined`);
        roomPatched(store, server, room, (r) => ({ ...r, members: r.members + 1 }));
      }
    }),

    api.on('memberLeft', ({ server, room, user, reason }) => {
      const key = roomKey(server, room);
      const known = store.getState().members[key]?.some((m) => m.id === user.id);
      memberLeft(store, key, user.id);
      if (known) {
        noticeAdded(store, key, reason === 'left' ? `${user.name} left` : `${user.name} went offline`);
        roomPatched(store, server, room, (r) => ({ ...r, members: Math.max(0, r.members - 1) }));
      }
    }),

    api.on('userRenamed', ({ server, user, oldName }) => {
      dmPeerRenamed(store, server, user);
      for (const key of memberRenamed(store, server, user)) noticeAdded(store, key, `${oldName} is now ${user.name}`);
    }),

    api.on('roomCreated', ({ server, room }) => roomUpserted(store, server, room)),

    api.on('settingsChanged', (settings) => {
      settingsChanged(store, settings);
      autoConnect(api, store);
    }),

    api.on('hostChanged', (host) => hostChanged(store, host)),

    api.on('nearbyChanged', (list) => nearbyChanged(store, list)),

    // Something to tell the user about a server (e.g. name_taken: we got in as "Ada (2)"): it
    // stays on screen until dismissed.
    api.on('notice', ({ server, message }) => {
      const name = store.getState().servers[server]?.name ?? server;
      toastShown(store, `${name}: ${message}`, 'info', null);
    }),
  ];
  return () => {
    for (const unsubscribe of subscriptions) unsubscribe();
  };
}
