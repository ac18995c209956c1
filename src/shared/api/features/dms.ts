/** Direct conversations: the list (their messages are `message` events, see messages.ts). */
import { z } from 'zod';
import type { DmSummary } from '../../protocol/server-frames.ts';
import { serverKey } from './fields.ts';

export const DM_ARGS = {
  listDms: z.tuple([serverKey]),
} as const;

export interface DmResults {
  listDms: DmSummary[];
}
