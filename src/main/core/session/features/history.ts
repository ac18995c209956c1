/** History pages of a conversation: older ones (scrolling up) and the latest (opening a DM). */
import type { ParleyApiCalls } from '../../../../shared/api/contract.ts';
import type { SessionContext } from './context.ts';

export function historyCalls(ctx: SessionContext): Pick<ParleyApiCalls, 'loadOlder' | 'loadLatest'> {
  return {
    loadOlder: (key, target, before) => ctx.request(key, (client) => client.history(target, { before })),
    loadLatest: (key, target) => ctx.request(key, (client) => client.history(target)),
  };
}
