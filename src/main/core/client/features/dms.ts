/** Direct conversations: the list (their messages arrive as `message` events, like rooms'). */
import type { RequestResults } from '../../../../shared/protocol/server-frames.ts';
import type { ClientContext } from './context.ts';

export function dmMethods(ctx: ClientContext) {
  return {
    dmList(): Promise<RequestResults['dm_list']> {
      return ctx.request('dm_list', {});
    },
  };
}

export type DmMethods = ReturnType<typeof dmMethods>;
