/** `dm_list`: the direct conversations a user takes part in, with the peers' current names. */
import type { ServerContext } from '../context.ts';
import type { FeatureRequests } from '../dispatcher.ts';

export function dmsFeature(context: ServerContext) {
  const requests = {
    dm_list: {
      access: 'user',
      handler({ user, reply }) {
        const conversations = context.store.dmsOf(user.id).map((row) => ({
          user: { id: row.peer, name: context.presence.connectionOf(row.peer)?.user?.name ?? row.peerName },
          lastSeq: row.lastSeq,
          lastActivity: row.lastTs,
        }));
        reply({ conversations });
      },
    },
  } satisfies FeatureRequests;
  return { requests };
}
