/** Members slice: who is in each open room (rooms only; a DM has no member list). */
import type { UserRef } from '../../../../shared/protocol/server-frames.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import type { AppStore } from '../../state/store.ts';

export interface MembersState {
  /** Per room conversation key, in order of joining (as the server reports them). */
  members: Record<ConversationKey, UserRef[]>;
}

export function initialMembersState(): MembersState {
  return { members: {} };
}

export function membersLoaded(store: AppStore, key: ConversationKey, list: UserRef[]): void {
  store.setState((s) => ({ members: { ...s.members, [key]: list } }));
}

export function memberJoined(store: AppStore, key: ConversationKey, user: UserRef): void {
  store.setState((s) => {
    const list = s.members[key];
    if (!list) return s;
    const index = list.findIndex((m) => m.id === user.id);
    return { members: { ...s.members, [key]: index === -1 ? [...list, user] : list.with(index, user) } };
  });
}

export function memberLeft(store: AppStore, key: ConversationKey, userId: string): void {
  store.setState((s) => {
    const list = s.members[key];
    if (!list?.some((m) => m.id === userId)) return s;
    return { members: { ...s.members, [key]: list.filter((m) => m.id !== userId) } };
  });
}

/** Renames a user in every room of `server`. Returns the room keys where they are a member. */
export function memberRenamed(store: AppStore, server: string, user: UserRef): ConversationKey[] {
  const rooms: ConversationKey[] = [];
  store.setState((s) => {
    let members = s.members;
    for (const [key, list] of Object.entries(s.members)) {
      if (s.conversations[key]?.server !== server) continue;
      const index = list.findIndex((m) => m.id === user.id);
      if (index === -1) continue;
      rooms.push(key);
      if (members === s.members) members = { ...s.members };
      members[key] = list.with(index, user);
    }
    return members === s.members ? s : { members };
  });
  return rooms;
}

export function membersRemoved(store: AppStore, keys: ConversationKey[]): void {
  store.setState((s) => {
    if (!keys.some((key) => key in s.members)) return s;
    const members = { ...s.members };
    for (const key of keys) delete members[key];
    return { members };
  });
}
