/** `history`: paging through a room's or a DM's stored messages. */
import { DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE } from '../../../../shared/protocol/constants.ts';
import type { ServerContext } from '../context.ts';
import type { FeatureRequests } from '../dispatcher.ts';
import { fitPage } from '../history-page.ts';
import { resolveConversation } from './conversation.ts';

export function historyFeature(context: ServerContext) {
  const { store } = context;
  const requests = {
    history: {
      access: 'user',
      handler({ connection, user, frame, reply, fail }) {
        const conv = resolveConversation(context, connection, user, frame, fail);
        if (!conv) return;
        const limit = Math.min(frame.limit ?? DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE);
        const page =
          frame.after !== undefined
            ? fitPage(store.after(conv.key, frame.after, limit), 'oldest')
            : fitPage(
                frame.before !== undefined
                  ? store.before(conv.key, frame.before, limit)
                  : store.latest(conv.key, limit),
                'newest',
              );
        reply(page);
      },
    },
  } satisfies FeatureRequests;
  return { requests };
}
