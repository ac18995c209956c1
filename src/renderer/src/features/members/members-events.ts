/**
 * Member events: who joins and leaves a room, renames — ours included — with a notice line; and
 * the whole list of a room the client library rejoined after a reconnect.
 */
import type { EventWiring } from '../../state/api-events.ts';
import { roomKey } from '../conversations/conversation-key.ts';
import { noticeAdded } from '../conversations/conversations-slice.ts';
import { roomPatched } from '../servers/servers-slice.ts';
import { memberJoined, memberLeft, memberRenamed, membersLoaded } from './members-slice.ts';

export const memberEvents: EventWiring = ({ api, store }) => [
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

  // Rejoined after a reconnect: who left or joined while we were away sent us no event; the
  // list the server reported replaces ours (rooms open here only).
  api.on('roomMembers', ({ server, room, members }) => {
    const key = roomKey(server, room);
    if (!store.getState().members[key]) return;
    membersLoaded(store, key, members);
    roomPatched(store, server, room, (r) => ({ ...r, members: members.length }));
  }),

  api.on('userRenamed', ({ server, user, oldName }) => {
    for (const key of memberRenamed(store, server, user)) noticeAdded(store, key, `${oldName} is now ${user.name}`);
  }),

  // Our own rename: no user_renamed comes back for it; the view's `self` is the name the server
  // knows, and our own entries follow it.
  api.on('serverChanged', (view) => {
    const self = view.self;
    if (self === null) return;
    const { members, conversations } = store.getState();
    const stale = Object.entries(members).some(
      ([key, list]) =>
        conversations[key]?.server === view.key && list.some((m) => m.id === self.id && m.name !== self.name),
    );
    if (stale) memberRenamed(store, view.key, self);
  }),
];
