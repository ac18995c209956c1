/**
 * Conversation keys: one string per conversation across all servers, used to index every
 * per-conversation map in the store. `${server}|room:${roomId}` or `${server}|dm:${userId}`
 * (the other participant's id; yourself for notes to self).
 *
 * A key is only ever made from its parts, never taken apart again: the parts travel as a
 * ConversationRef (and each open conversation's ConversationMeta keeps them), so code that needs
 * the server or the id of a key looks them up instead of slicing strings.
 */
import type { ConversationTarget } from '../../../../shared/api/contract.ts';
import type { ChatMessage } from '../../../../shared/protocol/server-frames.ts';

export type ConversationKey = string;
export type ConversationKind = 'room' | 'dm';

export function roomKey(server: string, roomId: string): ConversationKey {
  return `${server}|room:${roomId}`;
}

export function dmKey(server: string, userId: string): ConversationKey {
  return `${server}|dm:${userId}`;
}

export function targetKey(server: string, target: ConversationTarget): ConversationKey {
  return 'room' in target ? roomKey(server, target.room) : dmKey(server, target.user);
}

/** The parts of a conversation key. */
export interface ConversationRef {
  server: string;
  kind: ConversationKind;
  /** The room id, or the other participant's user id. */
  id: string;
}

export function keyOf(ref: ConversationRef): ConversationKey {
  return ref.kind === 'room' ? roomKey(ref.server, ref.id) : dmKey(ref.server, ref.id);
}

/**
 * The conversation a message belongs to. For a DM the partner is `to` when we sent it, else
 * `from`. Without knowing who we are, the message is attributed to its sender.
 */
export function conversationOfMessage(
  server: string,
  message: ChatMessage,
  selfId: string | null,
): ConversationRef | null {
  if (message.room !== undefined) return { server, kind: 'room', id: message.room };
  if (message.to === undefined) return null;
  return { server, kind: 'dm', id: message.from === selfId ? message.to : message.from };
}
