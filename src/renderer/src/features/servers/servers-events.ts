/** Server events: the live view of each server, servers removed, notices, the page's own link. */
import type { EventWiring } from '../../state/api-events.ts';
import { dialogOpened, pageLinkChanged, serverSelected, toastShown, viewRepaired } from '../../state/ui-slice.ts';
import { serverConversationsRemoved } from '../conversations/conversations-slice.ts';
import { membersRemoved } from '../members/members-slice.ts';
import { autoConnect, serverConnected } from './servers-commands.ts';
import { serverChanged, serverRemoved, sessionLost, takeSessionLost } from './servers-slice.ts';

export const serverEvents: EventWiring = ({ api, store, link }) => [
  // The browser build's page socket came back: its session on the web server is a new one, in
  // none of our rooms (it reports its servers next).
  link?.onFreshSession(() => sessionLost(store)) ?? (() => {}),
  link?.onLinkChange((up) => pageLinkChanged(store, up)) ?? (() => {}),

  api.on('serverChanged', (view) => {
    const before = store.getState().servers[view.key];
    serverChanged(store, view);
    // Its client is gone: whatever connects next starts outside our rooms.
    if (view.status === 'idle' || view.status === 'failed') sessionLost(store, [view.key]);
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

  // Something to tell the user about a server (e.g. name_taken: we got in as "Ada (2)"): it
  // stays on screen until dismissed; for a name, with the way to choose another.
  api.on('notice', ({ server, code, message }) => {
    const name = store.getState().servers[server]?.name ?? server;
    const rename = { label: 'Change name', run: () => dialogOpened(store, { kind: 'settings' }) };
    toastShown(store, `${name}: ${message}`, 'info', null, code === 'name_taken' ? rename : undefined);
  }),
];
