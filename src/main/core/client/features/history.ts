/** History pages of a room or a direct conversation (no events: the caller shows the page). */
import type { RequestResults } from '../../../../shared/protocol/server-frames.ts';
import type { Target } from '../target.ts';
import type { ClientContext } from './context.ts';

export function historyMethods(ctx: ClientContext) {
  return {
    history(
      target: Target,
      page: { before?: number; after?: number; limit?: number } = {},
    ): Promise<RequestResults['history']> {
      return ctx.request('history', { ...target, ...page });
    },
  };
}

export type HistoryMethods = ReturnType<typeof historyMethods>;
