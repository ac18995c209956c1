/** Nearby events: the whole list of servers found on the LAN, each time it changes. */
import type { EventWiring } from '../../state/api-events.ts';
import { nearbyChanged } from './nearby-slice.ts';

export const nearbyEvents: EventWiring = ({ api, store }) => [
  api.on('nearbyChanged', (list) => nearbyChanged(store, list)),
];
