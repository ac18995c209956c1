/**
 * File events: downloads' progress (desktop), and an own message with files confirmed — its
 * uploads are history from then on (the timeline shows the stored message's attachments).
 */
import type { EventWiring } from '../../state/api-events.ts';
import { outgoingDone } from './files-commands.ts';
import { downloadChanged } from './files-slice.ts';

export const fileEvents: EventWiring = ({ api, store }) => [
  api.on('downloadChanged', (view) => downloadChanged(store, view)),
  api.on('message', ({ server, message }) => {
    const state = store.getState();
    const outgoing = state.outgoing[message.msgId];
    const selfId = state.servers[server]?.self?.id ?? null;
    if (outgoing?.server === server && (selfId === null || message.from === selfId)) outgoingDone(store, message.msgId);
  }),
];
