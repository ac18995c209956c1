/** Direct-message commands: open the conversation with someone, or hide it from the list. */
import type { ParleyApi } from '../../../../shared/api/contract.ts';
import type { UserRef } from '../../../../shared/protocol/server-frames.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { loadLatestIfNeeded } from '../conversations/conversations-commands.ts';
import { conversationClosed, conversationOpened } from '../conversations/conversations-slice.ts';
import { conversationShown, viewRepaired } from '../../state/ui-slice.ts';
import type { AppStore } from '../../state/store.ts';

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
