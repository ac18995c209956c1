/** Room commands: join (open), create, leave, and join again for a new session. */
import type { ParleyApi, RoomJoinResult } from '../../../../shared/api/contract.ts';
import { roomKey, type ConversationKey } from '../conversations/conversation-key.ts';
import { errorCode, errorMessage } from '../../lib/describe-error.ts';
import {
  conversationClosed,
  conversationLoadFailed,
  conversationLoading,
  conversationOpened,
  latestPageLoaded,
} from '../conversations/conversations-slice.ts';
import { membersLoaded, membersRemoved } from '../members/members-slice.ts';
import { roomUpserted } from '../servers/servers-slice.ts';
import { conversationShown, toastShown, viewRepaired } from '../../state/ui-slice.ts';
import type { AppStore } from '../../state/store.ts';
import { lastSeq } from '../conversations/timeline.ts';
import type { RoomInfo } from '../../../../shared/protocol/server-frames.ts';

function applyJoin(store: AppStore, server: string, result: RoomJoinResult): ConversationKey {
  const { room } = result;
  roomUpserted(store, server, room);
  const key = conversationOpened(store, { server, kind: 'room', id: room.id, title: room.name, topic: room.topic });
  membersLoaded(store, key, result.members);
  latestPageLoaded(store, key, { messages: result.messages, hasMore: result.hasMore });
  return key;
}

/**
 * Joins a room (or just shows it when already open) and shows it. `known`: the room's info where
 * the caller has it (a search result need not be in the pages of the directory read so far).
 */
export async function openRoom(
  api: ParleyApi,
  store: AppStore,
  server: string,
  roomId: string,
  known?: RoomInfo,
): Promise<void> {
  const key = roomKey(server, roomId);
  const state = store.getState();
  if (state.conversations[key] && state.timelines[key]?.loaded) {
    conversationShown(store, key);
    return;
  }
  const room = known ?? state.directories[server]?.rooms.find((r) => r.id === roomId);
  conversationOpened(store, {
    server,
    kind: 'room',
    id: roomId,
    // A room we are in need not be on the directory's pages read so far: keep what we know of it.
    title: room?.name ?? state.conversations[key]?.title ?? 'Room',
    topic: room?.topic ?? state.conversations[key]?.topic ?? '',
  });
  conversationShown(store, key);
  conversationLoading(store, key, 'initial');
  try {
    applyJoin(store, server, await api.joinRoom(server, roomId));
  } catch (error) {
    conversationLoadFailed(store, key, errorMessage(error));
  }
}

/** Creates a room, then joins and shows it. Rejects with the API's error (room_exists…). */
export async function createAndOpenRoom(
  api: ParleyApi,
  store: AppStore,
  server: string,
  name: string,
  topic: string,
): Promise<void> {
  const room = await api.createRoom(server, topic === '' ? { name } : { name, topic });
  roomUpserted(store, server, room);
  await openRoom(api, store, server, room.id);
}

export async function leaveRoom(api: ParleyApi, store: AppStore, key: ConversationKey): Promise<void> {
  const meta = store.getState().conversations[key];
  if (!meta || meta.kind !== 'room') return;
  try {
    await api.leaveRoom(meta.server, meta.id);
  } catch (error) {
    // Not a member any more (e.g. a fresh session) is what we wanted anyway.
    const code = (error as { code?: string }).code;
    if (code !== 'not_member' && code !== 'room_not_found' && code !== 'not_connected') {
      toastShown(store, `Could not leave ${meta.title}: ${errorMessage(error)}`);
      return;
    }
  }
  conversationClosed(store, key);
  membersRemoved(store, [key]);
  viewRepaired(store);
}

/**
 * Joins an open room again, without showing it: one remembered from before a reload that has no
 * history yet (the desktop session still has it joined; this fetches its page and members), or
 * any open room once the session behind the page is new (the browser build after its socket
 * dropped, a server we had been disconnected from) and so no longer in it. With `since` = the
 * newest seq we have, the client library emits every message after it as a `message` event:
 * catching up is its job, the renderer only says from where.
 */
export async function reopenRoom(api: ParleyApi, store: AppStore, key: ConversationKey): Promise<void> {
  const state = store.getState();
  const meta = state.conversations[key];
  const timeline = state.timelines[key];
  if (!meta || meta.kind !== 'room' || !timeline) return;
  if (!timeline.loaded) conversationLoading(store, key, 'initial');
  let result: RoomJoinResult;
  try {
    // A room we have loaded asks from the newest seq it has — 0 when it was empty: everything
    // is news then. One never loaded asks for nothing (its latest page is all it needs), with no
    // third argument at all: over the browser build's JSON wire an `undefined` argument would
    // arrive as null, which the argument schema refuses.
    result = timeline.loaded
      ? await api.joinRoom(meta.server, meta.id, { since: lastSeq(timeline.items) })
      : await api.joinRoom(meta.server, meta.id);
  } catch (error) {
    if (errorCode(error) === 'room_not_found') {
      toastShown(store, `The room ${meta.title} no longer exists.`, 'info');
      conversationClosed(store, key);
      membersRemoved(store, [key]);
      viewRepaired(store);
    } else if (!timeline.loaded) {
      conversationLoadFailed(store, key, errorMessage(error));
    } else {
      toastShown(store, `Could not rejoin ${meta.title}: ${errorMessage(error)}`);
    }
    return;
  }
  applyJoin(store, meta.server, result);
}
