/**
 * Where API events reach the store: a small registry. Each feature has an events file
 * (features/<feature>/<feature>-events.ts) exporting an EventWiring — a function that subscribes
 * that feature's handlers and returns their unsubscribes — and FEATURE_EVENTS
 * (state/feature-events.ts) lists them. Adding a feature's events is adding its file and one line
 * there; no handler of another feature changes. Several features may handle the same event
 * (members and DMs both follow `userRenamed`); they run in the order of the list.
 */
import type { ParleyApi, Unsubscribe } from '../../../shared/api/contract.ts';
import type { PageLink } from '../api/get-api.ts';
import type { AppStore } from './store.ts';

export interface EventContext {
  api: ParleyApi;
  store: AppStore;
  /** The browser build's page socket (absent in the desktop app). */
  link: PageLink | undefined;
}

/** One feature's event handlers: subscribes them, returns what unsubscribes them. */
export type EventWiring = (context: EventContext) => Unsubscribe[];

/** Subscribes every wiring; returns a function that unsubscribes everything. */
export function connectEvents(context: EventContext, wirings: readonly EventWiring[]): Unsubscribe {
  const subscriptions = wirings.flatMap((wire) => wire(context));
  return () => {
    for (const unsubscribe of subscriptions) unsubscribe();
  };
}
