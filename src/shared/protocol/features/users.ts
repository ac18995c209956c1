/** Users as others see them, and renaming oneself. */
import { z } from 'zod';
import { displayName, requestId } from '../fields.ts';

export interface UserRef {
  id: string;
  name: string;
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
