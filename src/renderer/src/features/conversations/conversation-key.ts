/**
 * Conversation keys: one string per conversation across all servers, used to index every
 * per-conversation map in the store. `${server}|room:${roomId}` or `${server}|dm:${userId}`
 * (the other participant's id; yourself for notes to self).
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

/**
 * The conversation a message belongs to. For a DM the partner is `to` when we sent it, else
 * `from`. Without knowing who we are, the message is attributed to its sender.
 */
export function messageKey(server: string, message: ChatMessage, selfId: string | null): ConversationKey | null {
  if (message.room !== undefined) return roomKey(server, message.room);
  if (message.to === undefined) return null;
  return dmKey(server, message.from === selfId ? message.to : message.from);
}
