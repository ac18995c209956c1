/**
 * The features whose handlers receive API events (see api-events.ts), in the order they run.
 * A new feature with events adds its EventWiring here.
 */
import type { ParleyApi, Unsubscribe } from '../../../shared/api/contract.ts';
import type { PageLink } from '../api/get-api.ts';
import { dmEvents } from '../features/dms/dms-events.ts';
import { fileEvents } from '../features/files/files-events.ts';
import { gameEvents } from '../features/games/games-events.ts';
import { hostingEvents } from '../features/hosting/hosting-events.ts';
import { memberEvents } from '../features/members/members-events.ts';
import { messageEvents } from '../features/messages/messages-events.ts';
import { nearbyEvents } from '../features/nearby/nearby-events.ts';
import { roomEvents } from '../features/rooms/rooms-events.ts';
import { serverEvents } from '../features/servers/servers-events.ts';
import { settingsEvents } from '../features/settings/settings-events.ts';
import { updateEvents } from '../features/updates/updates-events.ts';
import { connectEvents, type EventWiring } from './api-events.ts';
import type { AppStore } from './store.ts';

export const FEATURE_EVENTS: readonly EventWiring[] = [
  serverEvents,
  messageEvents,
  fileEvents,
  memberEvents,
  dmEvents,
  roomEvents,
  settingsEvents,
  hostingEvents,
  nearbyEvents,
  updateEvents,
  gameEvents,
];

/** Wires the API's (and the page link's) events to the store; returns the unsubscribe. */
export function connectApi(api: ParleyApi, store: AppStore, link?: PageLink): Unsubscribe {
  return connectEvents({ api, store, link }, FEATURE_EVENTS);
}
