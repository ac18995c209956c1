/**
 * Direct-message commands: open the conversation with someone, hide it from the list, and catch
 * it up for a new session.
 */
import type { ParleyApi } from '../../../../shared/api/contract.ts';
import type { UserRef } from '../../../../shared/protocol/server-frames.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { loadLatestIfNeeded } from '../conversations/conversations-commands.ts';
import { conversationClosed, conversationOpened } from '../conversations/conversations-slice.ts';
import { conversationShown, viewRepaired } from '../../state/ui-slice.ts';
import type { AppStore } from '../../state/store.ts';
import { lastSeq } from '../conversations/timeline.ts';

/** Opens (and shows) the DM with a user, loading its latest page the first time. */
export async function openDm(api: ParleyApi, store: AppStore, server: string, user: UserRef): Promise<void> {
  const key = conversationOpened(store, { server, kind: 'dm', id: user.id, title: user.name });
  conversationShown(store, key);
  await loadLatestIfNeeded(api, store, key);
}

/** Hides a DM from the list (it comes back with the next message). */
export function closeDm(store: AppStore, key: ConversationKey): void {
  conversationClosed(store, key);
  viewRepaired(store);
}

/**
 * A new session behind the page (see reopenRoom) takes every DM as read up to its newest message.
 * For a DM with messages here (or loaded, even empty), ask the client library for the ones after
 * the newest we have: it emits them as `message` events, which count as unread. A DM never
 * fetched needs nothing: its latest page loads when it is opened.
 */
export async function catchUpDm(api: ParleyApi, store: AppStore, key: ConversationKey): Promise<void> {
  const { conversations, timelines } = store.getState();
  const meta = conversations[key];
  const timeline = timelines[key];
  if (!meta || meta.kind !== 'dm' || !timeline) return;
  const since = lastSeq(timeline.items);
  if (!timeline.loaded && since === 0) return;
  try {
    await api.catchUpDm(meta.server, meta.id, { since });
  } catch {
    // Not fatal: new messages still arrive; the missed ones show when the DM's history is loaded.
  }
}
