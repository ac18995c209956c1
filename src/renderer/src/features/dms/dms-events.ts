/** DM events: the title of a DM follows the other person's renames. */
import type { EventWiring } from '../../state/api-events.ts';
import { dmPeerRenamed } from '../conversations/conversations-slice.ts';

export const dmEvents: EventWiring = ({ api, store }) => [
  api.on('userRenamed', ({ server, user }) => dmPeerRenamed(store, server, user)),
];
