/** Direct conversations: the list (their messages arrive as `message` events, like rooms'). */
import type { RequestResults } from '../../../../shared/protocol/server-frames.ts';
import type { ClientContext } from './context.ts';

export function dmMethods(ctx: ClientContext) {
  return {
    dmList(): Promise<RequestResults['dm_list']> {
      return ctx.request('dm_list', {});
    },

    /**
     * Emits, as `message` events in order and once, the messages with `user` after `since` that
     * this client has not emitted: the first welcome takes every DM as seen up to its newest
     * message, which is wrong for a UI that had it only up to `since`. Resolves when done.
     */
    catchUpDm(user: string, since: number): Promise<void> {
      return ctx.catchUp.dmSince(user, since);
    },
  };
}

export type DmMethods = ReturnType<typeof dmMethods>;
