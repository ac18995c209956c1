/** Message commands: send, retry, discard, and hand pending messages over again after a reconnect. */
import type { ConversationTarget, ParleyApi } from '../../../../shared/api/contract.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { errorCode, errorMessage } from '../../lib/describe-error.ts';
import { newMessageId } from './msg-id.ts';
import {
  messageFailed,
  messageQueued,
  messageRetrying,
  pendingDiscarded,
} from '../conversations/conversations-slice.ts';
import type { AppStore } from '../../state/store.ts';

/**
 * Rejections after which the message stays pending: the API could not take it right now, and
 * it is handed over again once the server is connected (serverConnected → resendPending).
 */
const TRANSIENT = new Set(['not_connected', 'disconnected']);

function targetOf(store: AppStore, key: ConversationKey): { server: string; target: ConversationTarget } | null {
  const meta = store.getState().conversations[key];
  if (!meta) return null;
  return { server: meta.server, target: meta.kind === 'room' ? { room: meta.id } : { user: meta.id } };
}

function transmit(
  api: ParleyApi,
  store: AppStore,
  server: string,
  target: ConversationTarget,
  text: string,
  msgId: string,
  attachments?: string[],
) {
  // Resolves at once; the outcome arrives as a `message` or `sendFailed` event.
  const sent =
    attachments === undefined || attachments.length === 0
      ? api.sendMessage(server, target, text, msgId)
      : api.sendMessage(server, target, text, msgId, attachments);
  sent.catch((error: unknown) => {
    const code = errorCode(error) ?? 'internal';
    if (!TRANSIENT.has(code)) messageFailed(store, msgId, code, errorMessage(error));
  });
}

/** Sends already-validated text: shown at once as pending, confirmed by the `message` event. */
export function sendMessage(api: ParleyApi, store: AppStore, key: ConversationKey, text: string): void {
  const where = targetOf(store, key);
  if (!where) return;
  const msgId = newMessageId();
  messageQueued(store, key, msgId, text);
  transmit(api, store, where.server, where.target, text, msgId);
}

/**
 * Sends a failed message again with the same msgId: if the first attempt was stored after all,
 * the server answers with that message instead of storing a second copy.
 */
export function retryMessage(api: ParleyApi, store: AppStore, msgId: string): void {
  const state = store.getState();
  const key = state.pendingIndex[msgId];
  const pending = key === undefined ? undefined : state.timelines[key]?.pending[msgId];
  const where = key === undefined ? null : targetOf(store, key);
  if (!pending || !where) return;
  messageRetrying(store, msgId);
  transmit(api, store, where.server, where.target, pending.text, msgId, pending.attachments);
}

export function discardMessage(store: AppStore, msgId: string): void {
  pendingDiscarded(store, msgId);
}

/**
 * After a (re)connect, hands every still-pending message of the server to the API again, oldest
 * first. The session ignores msgIds it still holds; a fresh session sends them, and the server
 * stores each msgId once.
 */
export function resendPending(api: ParleyApi, store: AppStore, server: string): void {
  const state = store.getState();
  const waiting = Object.entries(state.pendingIndex)
    .map(([msgId, key]) => ({ msgId, key, pending: state.timelines[key]?.pending[msgId] }))
    .filter((p) => p.pending?.status === 'sending' && state.conversations[p.key]?.server === server)
    .sort((a, b) => a.pending!.createdAt - b.pending!.createdAt);
  for (const { msgId, key, pending } of waiting) {
    const where = targetOf(store, key);
    if (where) transmit(api, store, where.server, where.target, pending!.text, msgId, pending!.attachments);
  }
}
