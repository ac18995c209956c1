/**
 * Nearby slice: the servers LAN discovery finds (live from the API), the network interfaces it
 * uses (Settings and the diagnostics view), and the last diagnostics run.
 */
import type { DiscoveryDiagnostics, NearbyServerView, NetworkInterfaceView } from '../../../../shared/api/contract.ts';
import type { AppStore } from '../../state/store.ts';

export interface InterfacesState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  list: NetworkInterfaceView[];
  error: string | null;
  /** Interfaces whose switch was flipped and whose new state the API has not confirmed yet. */
  pending: string[];
  /** Counts every change of `list`, so an older answer (a diagnostics run) cannot undo a newer one. */
  revision: number;
}

export type DiagnosticsState =
  | { status: 'idle' }
  | { status: 'running'; run: number }
  | { status: 'ready'; run: number; result: DiscoveryDiagnostics }
  | { status: 'error'; run: number; error: string };

export interface NearbyState {
  /** Own hosted server first, then by name (stable: ties by server id). */
  nearby: NearbyServerView[];
  /** Why the Nearby list could not be loaded at start-up; cleared by the next nearbyChanged. */
  nearbyError: string | null;
  /** Counts nearbyChanged events, so a slower listNearby answer cannot replace a newer list. */
  nearbyRevision: number;
  interfaces: InterfacesState;
  diagnostics: DiagnosticsState;
}

export function initialNearbyState(): NearbyState {
  return {
    nearby: [],
    nearbyError: null,
    nearbyRevision: 0,
    interfaces: { status: 'idle', list: [], error: null, pending: [], revision: 0 },
    diagnostics: { status: 'idle' },
  };
}

const byName = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** The order the Nearby section shows: the server this app hosts first, then by name. */
export function sortNearby(list: readonly NearbyServerView[]): NearbyServerView[] {
  return [...list].sort(
    (a, b) =>
      Number(b.hosted) - Number(a.hosted) || byName.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The whole list, from listNearby at start-up. */
export function nearbyListed(store: AppStore, list: readonly NearbyServerView[]): void {
  store.setState({ nearby: sortNearby(list), nearbyError: null });
}

/** The nearbyChanged event: the whole list again. */
export function nearbyChanged(store: AppStore, list: readonly NearbyServerView[]): void {
  store.setState((s) => ({ nearby: sortNearby(list), nearbyError: null, nearbyRevision: s.nearbyRevision + 1 }));
}

export function nearbyFailed(store: AppStore, error: string): void {
  store.setState({ nearbyError: error });
}

// ── interfaces ───────────────────────────────────────────────────────────────────────────────

export function interfacesLoading(store: AppStore): void {
  store.setState((s) => ({ interfaces: { ...s.interfaces, status: 'loading', error: null } }));
}

export function interfacesLoaded(store: AppStore, list: NetworkInterfaceView[]): void {
  store.setState((s) => ({
    interfaces: { ...s.interfaces, status: 'ready', list, error: null, revision: s.interfaces.revision + 1 },
  }));
}

export function interfacesFailed(store: AppStore, error: string): void {
  store.setState((s) => ({ interfaces: { ...s.interfaces, status: 'error', error } }));
}

export function interfaceToggling(store: AppStore, name: string): void {
  store.setState((s) => ({
    interfaces: { ...s.interfaces, pending: [...s.interfaces.pending.filter((n) => n !== name), name] },
  }));
}

/** A switch's change was answered: with the new list, or (failed) with nothing. */
export function interfaceToggled(store: AppStore, name: string, list: NetworkInterfaceView[] | null): void {
  store.setState((s) => {
    const pending = s.interfaces.pending.filter((n) => n !== name);
    if (list === null) return { interfaces: { ...s.interfaces, pending } };
    return {
      interfaces: {
        ...s.interfaces,
        status: 'ready',
        list,
        error: null,
        pending,
        revision: s.interfaces.revision + 1,
      },
    };
  });
}

// ── diagnostics ──────────────────────────────────────────────────────────────────────────────

let diagnosticsRuns = 0;

/** A run started; returns its number (only the latest run's answer is kept). */
export function diagnosticsStarted(store: AppStore): number {
  const run = ++diagnosticsRuns;
  store.setState({ diagnostics: { status: 'running', run } });
  return run;
}

export function diagnosticsFinished(store: AppStore, run: number, result: DiscoveryDiagnostics): void {
  store.setState((s) =>
    s.diagnostics.status === 'running' && s.diagnostics.run === run
      ? { diagnostics: { status: 'ready', run, result } }
      : s,
  );
}

export function diagnosticsFailed(store: AppStore, run: number, error: string): void {
  store.setState((s) =>
    s.diagnostics.status === 'running' && s.diagnostics.run === run
      ? { diagnostics: { status: 'error', run, error } }
      : s,
  );
}
