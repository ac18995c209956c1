/** A conversation on a server: a room, or the direct conversation with one user. */
export type Target = { room: string } | { user: string };

/** The key under which the client tracks a conversation ("dm:<peer id>" for a direct one). */
export function conversationKey(target: Target): string {
  return 'room' in target ? target.room : `dm:${target.user}`;
}
