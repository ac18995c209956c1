/** Update events: a downloaded version waits for a restart (packaged desktop app only). */
import type { EventWiring } from '../../state/api-events.ts';
import { toastShown } from '../../state/ui-slice.ts';

export const updateEvents: EventWiring = ({ api, store }) => [
  api.on('updateReady', ({ version }) =>
    // Stays until dismissed: it asks for something (a restart), whenever the user likes.
    toastShown(store, `Parley ${version} is ready: restart Parley to install it.`, 'info', null),
  ),
];
