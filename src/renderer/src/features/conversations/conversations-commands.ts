/** Conversation commands: load a conversation's latest page, or older history (scrolling up). */
import type { ParleyApi } from '../../../../shared/api/contract.ts';
import type { ConversationKey } from './conversation-key.ts';
import { errorMessage } from '../../lib/describe-error.ts';
import {
  conversationLoadFailed,
  conversationLoading,
  latestPageLoaded,
  olderPageLoaded,
} from './conversations-slice.ts';
import type { AppStore } from '../../state/store.ts';
import { firstSeq } from './timeline.ts';

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
