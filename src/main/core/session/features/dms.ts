/** Direct conversations: the list (their messages are `message` events, like rooms'). */
import type { ParleyApiCalls } from '../../../../shared/api/contract.ts';
import type { SessionContext } from './context.ts';

export function dmCalls(ctx: SessionContext): Pick<ParleyApiCalls, 'listDms'> {
  return {
    listDms: (key) => ctx.request(key, async (client) => (await client.dmList()).conversations),
  };
}
