/** Conversation commands: open a DM, load older history, close a DM. */
import type { ParleyApi } from '../../../../shared/api/contract.ts';
import type { UserRef } from '../../../../shared/protocol/server-frames.ts';
import type { ConversationKey } from './conversation-key.ts';
import { errorMessage } from '../../lib/describe-error.ts';
import {
  conversationClosed,
  conversationLoadFailed,
  conversationLoading,
  conversationOpened,
  latestPageLoaded,
  olderPageLoaded,
} from './conversations-slice.ts';
import { conversationShown, viewRepaired } from '../../state/ui-slice.ts';
import type { AppStore } from '../../state/store.ts';
import { firstSeq } from './timeline.ts';

/** Opens (and shows) the DM with a user, loading its latest page the first time. */
export async function openDm(api: ParleyApi, store: AppStore, server: string, user: UserRef): Promise<void> {
  const key = conversationOpened(store, { server, kind: 'dm', id: user.id, title: user.name });
  conversationShown(store, key);
  await loadLatestIfNeeded(api, store, key);
}

/** A DM listed by the server (or opened earlier) whose messages were never fetched. */
export async function loadLatestIfNeeded(api: ParleyApi, store: AppStore, key: ConversationKey): Promise<void> {
  const state = store.getState();
  const meta = state.conversations[key];
  const timeline = state.timelines[key];
  if (!meta || !timeline || timeline.loaded || timeline.loading !== 'none') return;
  const target = meta.kind === 'room' ? { room: meta.id } : { user: meta.id };
  conversationLoading(store, key, 'initial');
  try {
    latestPageLoaded(store, key, await api.loadLatest(meta.server, target));
  } catch (error) {
    conversationLoadFailed(store, key, errorMessage(error));
  }
}

/** Scrolling reached the top: fetch the page before the oldest message we have. */
export async function loadOlder(api: ParleyApi, store: AppStore, key: ConversationKey): Promise<void> {
  const state = store.getState();
  const meta = state.conversations[key];
  const timeline = state.timelines[key];
  if (!meta || !timeline || !timeline.hasMore || timeline.loading !== 'none') return;
  const before = firstSeq(timeline.items);
  if (before <= 1) return;
  const target = meta.kind === 'room' ? { room: meta.id } : { user: meta.id };
  conversationLoading(store, key, 'older');
  try {
    olderPageLoaded(store, key, await api.loadOlder(meta.server, target, before));
  } catch (error) {
    conversationLoadFailed(store, key, errorMessage(error));
  }
}

/** Hides a DM from the list (it comes back with the next message). */
export function closeDm(store: AppStore, key: ConversationKey): void {
  conversationClosed(store, key);
  viewRepaired(store);
}
