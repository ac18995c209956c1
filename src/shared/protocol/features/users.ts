/** Users as others see them, and renaming oneself. */
import { z } from 'zod';
import { displayName, requestId } from '../fields.ts';

export interface UserRef {
  id: string;
  name: string;
}

/** online: connected and active; away: idle or screen locked; offline: not connected (§20). */
export type PresenceStatus = 'online' | 'away' | 'offline';

/** A member of a room (or the other person of a DM) with their presence (§20). */
export interface MemberInfo extends UserRef {
  status: PresenceStatus;
  /** Server time they were last connected (absent while online or away, and when never seen). */
  lastSeen?: number;
}

export const renameFrame = z.object({ type: z.literal('rename'), id: requestId, name: displayName });

export const USER_REQUESTS = { rename: renameFrame } as const;

export interface UserResults {
  rename: { user: UserRef };
}

export interface UserRenamedEvent {
  type: 'user_renamed';
  user: UserRef;
  oldName: string;
}
