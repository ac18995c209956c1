/** Room commands: join (open), create, leave, and re-read after a reconnect. */
import type { ParleyApi, RoomJoinResult } from '../../../../shared/api/contract.ts';
import type { ChatMessage } from '../../../../shared/protocol/server-frames.ts';
import { roomKey, type ConversationKey } from '../../lib/conversation-key.ts';
import { errorMessage } from '../../lib/describe-error.ts';
import {
  conversationClosed,
  conversationLoadFailed,
  conversationLoading,
  conversationOpened,
  latestPageLoaded,
  olderPageLoaded,
  timelineReset,
} from '../slices/conversations.ts';
import { membersLoaded, membersRemoved } from '../slices/members.ts';
import { roomUpserted } from '../slices/servers.ts';
import { conversationShown, toastShown, viewRepaired } from '../slices/ui.ts';
import type { AppStore } from '../store.ts';
import { lastSeq } from '../timeline.ts';

/** Pages fetched at most to fill what was missed during a disconnect; beyond, start afresh. */
const MAX_GAP_PAGES = 5;

function applyJoin(store: AppStore, server: string, result: RoomJoinResult): ConversationKey {
  const { room } = result;
  roomUpserted(store, server, room);
  const key = conversationOpened(store, { server, kind: 'room', id: room.id, title: room.name, topic: room.topic });
  membersLoaded(store, key, result.members);
  latestPageLoaded(store, key, { messages: result.messages, hasMore: result.hasMore });
  return key;
}

/** Joins a room (or just shows it when already open) and shows it. */
export async function openRoom(api: ParleyApi, store: AppStore, server: string, roomId: string): Promise<void> {
  const key = roomKey(server, roomId);
  const state = store.getState();
  if (state.conversations[key] && state.timelines[key]?.loaded) {
    conversationShown(store, key);
    return;
  }
  const room = state.directories[server]?.rooms.find((r) => r.id === roomId);
  conversationOpened(store, {
    server,
    kind: 'room',
    id: roomId,
    title: room?.name ?? 'Room',
    topic: room?.topic ?? '',
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
 * Re-reads an open room after a reconnect: members, topic and the latest page. If messages are
 * missing between what we had and that page, pages back to fill the gap (a few pages at most;
 * after a very long absence the timeline restarts from the latest page).
 */
export async function rejoinRoom(api: ParleyApi, store: AppStore, key: ConversationKey): Promise<void> {
  const meta = store.getState().conversations[key];
  if (!meta || meta.kind !== 'room') return;
  const hadUpTo = lastSeq(store.getState().timelines[key]?.items ?? []);
  let result: RoomJoinResult;
  try {
    result = await api.joinRoom(meta.server, meta.id);
  } catch (error) {
    if ((error as { code?: string }).code === 'room_not_found') {
      toastShown(store, `The room ${meta.title} no longer exists.`, 'info');
      conversationClosed(store, key);
      membersRemoved(store, [key]);
      viewRepaired(store);
    }
    return;
  }
  const pageFirst = result.messages[0]?.seq;
  if (hadUpTo === 0 || pageFirst === undefined || pageFirst <= hadUpTo + 1) {
    applyJoin(store, meta.server, result);
    return;
  }
  // A gap (hadUpTo, pageFirst): fetch it backwards, then apply everything at once.
  const missed: ChatMessage[] = [];
  let before = pageFirst;
  for (let page = 0; page < MAX_GAP_PAGES && before > hadUpTo + 1; page++) {
    try {
      const older = await api.loadOlder(meta.server, { room: meta.id }, before);
      if (older.messages.length === 0) break;
      missed.unshift(...older.messages);
      before = older.messages[0]!.seq;
    } catch {
      break;
    }
  }
  if (before > hadUpTo + 1) {
    roomUpserted(store, meta.server, result.room);
    membersLoaded(store, key, result.members);
    timelineReset(store, key, { messages: result.messages, hasMore: result.hasMore });
    return;
  }
  applyJoin(store, meta.server, result);
  olderPageLoaded(store, key, { messages: missed, hasMore: store.getState().timelines[key]?.hasMore ?? true });
}
