/** Direct conversations: the list (their messages are `message` events, see messages.ts). */
import { z } from 'zod';
import type { DmSummary } from '../../protocol/server-frames.ts';
import { entityId, seq, serverKey } from './fields.ts';

export const DM_ARGS = {
  listDms: z.tuple([serverKey]),
  /**
   * The DM counterpart of joinRoom's `since`: the client library emits every message of the
   * conversation with that user after `since` that this session has not emitted yet, as `message`
   * events in order, once; resolves when done. A fresh session (the browser build after its page
   * socket dropped) treats the DMs it finds as already seen, so the UI says from where it has them.
   */
  catchUpDm: z.tuple([serverKey, entityId, z.object({ since: seq }).strict()]),
} as const;

export interface DmResults {
  listDms: DmSummary[];
  catchUpDm: void;
}
