/** Settings events: the display name changed (here or in another window); connect if it was the first. */
import type { EventWiring } from '../../state/api-events.ts';
import { autoConnect } from '../servers/servers-commands.ts';
import { settingsChanged } from './settings-slice.ts';

export const settingsEvents: EventWiring = ({ api, store }) => [
  api.on('settingsChanged', (settings) => {
    settingsChanged(store, settings);
    autoConnect(api, store);
  }),
];
