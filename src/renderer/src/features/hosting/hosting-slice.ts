/** Hosting slice (desktop only): the status of the room server this app runs. */
import type { HostView } from '../../../../shared/api/contract.ts';
import type { AppStore } from '../../state/store.ts';

export interface HostingState {
  /** Null until loaded (and on builds that cannot host). */
  host: HostView | null;
}

export function initialHostingState(): HostingState {
  return { host: null };
}

export function hostChanged(store: AppStore, host: HostView): void {
  store.setState({ host });
}
