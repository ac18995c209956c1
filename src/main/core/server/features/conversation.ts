/**
 * Resolving a `{room}` or `{user}` target to a stored conversation, for history and send. Rooms
 * must be joined; a DM peer must exist (connected or stored).
 */
import type { UserRef } from '../../../../shared/protocol/server-frames.ts';
import { dmKey } from '../../store/history-store.ts';
import type { ConnectedUser } from '../connection.ts';
import type { LiveRoom, ServerContext } from '../context.ts';
import type { Connection } from '../connection.ts';

export interface Conversation {
  /** The key its messages are stored under. */
  key: string;
  room?: LiveRoom;
  peer?: UserRef;
}

export function resolveConversation(
  context: ServerContext,
  connection: Connection,
  user: ConnectedUser,
  target: { room?: string | undefined; user?: string | undefined },
  fail: (code: 'room_not_found' | 'not_member' | 'user_not_found', message: string) => void,
): Conversation | undefined {
  if (target.room !== undefined) {
    const room = context.rooms.get(target.room);
    if (!room) fail('room_not_found', 'No such room');
    else if (!room.members.has(connection)) fail('not_member', 'Join the room first');
    else return { key: room.id, room };
    return undefined;
  }
  const peerId = target.user!;
  const peer = context.presence.connectionOf(peerId)?.user ?? context.store.getUser(peerId);
  if (!peer) {
    fail('user_not_found', 'No such user');
    return undefined;
  }
  return { key: dmKey(user.id, peerId), peer: { id: peer.id, name: peer.name } };
}
