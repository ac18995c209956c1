/** Room events: a room created on a server appears in its room list. */
import type { EventWiring } from '../../state/api-events.ts';
import { roomUpserted } from '../servers/servers-slice.ts';

export const roomEvents: EventWiring = ({ api, store }) => [
  api.on('roomCreated', ({ server, room }) => roomUpserted(store, server, room)),
];
