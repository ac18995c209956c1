/** Direct conversations: the list of the people one has exchanged DMs with. */
import { z } from 'zod';
import { requestId } from '../fields.ts';
import type { UserRef } from './users.ts';

export interface DmSummary {
  user: UserRef;
  lastSeq: number;
  lastActivity: number;
}

export const dmListFrame = z.object({ type: z.literal('dm_list'), id: requestId });

export const DM_REQUESTS = { dm_list: dmListFrame } as const;

export interface DmResults {
  dm_list: { conversations: DmSummary[] };
}
