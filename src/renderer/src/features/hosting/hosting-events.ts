/** Hosting events: the hosted server started, stopped or failed. */
import type { EventWiring } from '../../state/api-events.ts';
import { hostChanged } from './hosting-slice.ts';

export const hostingEvents: EventWiring = ({ api, store }) => [
  api.on('hostChanged', (host) => hostChanged(store, host)),
];
