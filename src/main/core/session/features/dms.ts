/** Direct conversations: the list, catching up from `since` (their messages are `message` events, like rooms'). */
import type { ParleyApiCalls } from '../../../../shared/api/contract.ts';
import type { SessionContext } from './context.ts';

export function dmCalls(ctx: SessionContext): Pick<ParleyApiCalls, 'listDms' | 'catchUpDm'> {
  return {
    listDms: (key) => ctx.request(key, async (client) => (await client.dmList()).conversations),
    /** Every message with `user` after `since` not emitted yet arrives as a `message` event first. */
    catchUpDm: (key, user, { since }) => ctx.request(key, (client) => client.catchUpDm(user, since)),
  };
}
