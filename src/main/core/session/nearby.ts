/**
 * Nearby servers (LAN discovery through the injected DiscoveryController, see core/discovery):
 * the Nearby list as the app shows it, connecting to one of them, the interfaces discovery uses,
 * and the diagnostics. Without a controller the list stays empty and the calls answer
 * not_supported.
 */
import {
  serverKeyOf,
  type ApiArgs,
  type DiscoveryDiagnostics,
  type NearbyServer,
  type NearbyServerView,
  type NetworkInterfaceView,
  type ServerView,
  type Unsubscribe,
} from '../../../shared/api/contract.ts';
import { ApiError } from '../../../shared/api/proxy.ts';
import { firstReachable } from '../discovery/first-reachable.ts';
import { MAX_DISABLED_INTERFACES, type Profile } from './profile.ts';
import type { Emit } from './server-events.ts';
import { normalizeHost } from './server-list.ts';

/** LAN discovery for the session; the desktop app injects one (see core/discovery). */
export interface DiscoveryController {
  /** The servers found right now. */
  list(): NearbyServer[];
  /** Calls the listener with the whole list whenever it changes. */
  onChanged(listener: (servers: NearbyServer[]) => void): Unsubscribe;
  interfaces(): NetworkInterfaceView[];
  /** Applies the interfaces the user switched off (browsing and the hosted server's announcements). */
  setDisabledInterfaces(names: readonly string[]): void;
  /** Runs the checks of the diagnostics view; `advertising` and `nearbyCount` are the session's. */
  diagnose(): Promise<Omit<DiscoveryDiagnostics, 'advertising' | 'nearbyCount'>>;
}

export interface NearbyDeps {
  emit: Emit;
  profile: Profile;
  persist(): void;
  isClosed(): boolean;
  /** The hosted server while it runs (its id marks "Yours"). */
  hosted(): { key: string; serverId: string | null; name: string; port: number } | null;
  /** The remembered server id of a server key. */
  savedServerId(key: string): string | null;
  /** The key of the server we are connected (or connecting) to with this server id, if any. */
  liveKeyOf(serverId: string): string | null;
  /** The address of our live connection to this server id, if any. */
  liveAddressOf(serverId: string): { host: string; port: number } | null;
  /** Whether the list shows this key (live or remembered). */
  known(key: string): boolean;
  connect(host: string, port: number): Promise<ServerView>;
  disconnect(key: string): Promise<void>;
  forget(key: string): Promise<void>;
}

export class Nearby {
  private readonly discovery: DiscoveryController | undefined;
  private readonly deps: NearbyDeps;
  private readonly unsubscribe: Unsubscribe | undefined;
  /** The last Nearby list sent, to send nearbyChanged only when a view changed. */
  private last = '[]';

  constructor(discovery: DiscoveryController | undefined, deps: NearbyDeps) {
    this.discovery = discovery;
    this.deps = deps;
    discovery?.setDisabledInterfaces(deps.profile.disabledInterfaces);
    this.unsubscribe = discovery?.onChanged(() => this.report());
  }

  close(): void {
    this.unsubscribe?.();
  }

  views(): NearbyServerView[] {
    const hosted = this.deps.hosted();
    const hostedId = hosted === null ? null : (hosted.serverId ?? this.deps.savedServerId(hosted.key));
    return (this.discovery?.list() ?? []).map((server) => ({
      ...server,
      hosted: server.id === hostedId,
      serverKey: this.deps.liveKeyOf(server.id),
    }));
  }

  /** Sends nearbyChanged when the list, or how it relates to our connections, changed. */
  report(): void {
    if (!this.discovery || this.deps.isClosed()) return;
    const views = this.views();
    const json = JSON.stringify(views.map(({ lastSeen: _lastSeen, ...rest }) => rest));
    if (json === this.last) return;
    this.last = json;
    this.deps.emit('nearbyChanged', views);
  }

  /**
   * Connects to a nearby server: the one already in the list when we know it by id, else the
   * first of its advertised addresses that answers (see firstReachable).
   */
  async connect(...[id]: ApiArgs<'connectNearby'>): Promise<ServerView> {
    const discovery = this.require();
    const found = discovery.list().find((s) => s.id === id);
    if (!found) throw new ApiError('not_found', 'That server is not nearby any more');
    const live = this.deps.liveAddressOf(id);
    if (live) return this.deps.connect(live.host, live.port);
    const address = await firstReachable(found.addresses, found.port);
    if (address === null) {
      throw new ApiError(
        'unreachable',
        `${found.name} did not answer at ${found.addresses.join(', ')} (port ${found.port}). A firewall may block it.`,
      );
    }
    const host = normalizeHost(address);
    const key = serverKeyOf(host, found.port);
    const known = this.deps.known(key);
    const view = await this.deps.connect(host, found.port);
    // A shared or spoofed host name can lead to another server: the id in its welcome decides.
    if (view.serverId !== null && view.serverId !== id) {
      if (known) await this.deps.disconnect(key);
      else await this.deps.forget(key);
      throw new ApiError('wrong_server', `${address} is another server (${view.name}), not ${found.name}`);
    }
    return view;
  }

  interfaces(): NetworkInterfaceView[] {
    return this.require().interfaces();
  }

  setInterfaceEnabled(...[name, enabled]: ApiArgs<'setInterfaceEnabled'>): NetworkInterfaceView[] {
    const discovery = this.require();
    const profile = this.deps.profile;
    const disabled = new Set(profile.disabledInterfaces);
    if (enabled) disabled.delete(name);
    else if (disabled.size >= MAX_DISABLED_INTERFACES) {
      throw new ApiError('too_many', 'Too many interfaces are switched off');
    } else disabled.add(name);
    profile.disabledInterfaces = [...disabled];
    this.deps.persist();
    discovery.setDisabledInterfaces(profile.disabledInterfaces);
    return discovery.interfaces();
  }

  async diagnostics(): Promise<DiscoveryDiagnostics> {
    const discovery = this.require();
    const checks = await discovery.diagnose();
    const hosted = this.deps.hosted();
    return {
      ...checks,
      advertising: hosted === null ? null : { name: hosted.name, port: hosted.port },
      nearbyCount: discovery.list().length,
    };
  }

  private require(): DiscoveryController {
    if (!this.discovery) throw new ApiError('not_supported', 'Finding servers on the network is not available here');
    return this.discovery;
  }
}
