/** Message events: messages (live, caught up, our own confirmed) and failed sends. */
import type { EventWiring } from '../../state/api-events.ts';
import { messageFailed, messageReceived } from '../conversations/conversations-slice.ts';

export const messageEvents: EventWiring = ({ api, store }) => [
  api.on('message', ({ server, message }) => messageReceived(store, server, message)),
  api.on('sendFailed', ({ msgId, code, reason }) => messageFailed(store, msgId, code, reason)),
];
