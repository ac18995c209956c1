/**
 * LAN discovery as the app session sees it (SessionManager's DiscoveryController): the Nearby
 * list from a NearbyBrowser that runs all the time, the interfaces with the user's switches, and
 * the checks of the diagnostics view. It also passes the switched-off interfaces on to whatever
 * else announces on them (the hosted server), so one setting governs both directions.
 *
 * Browsing starts in the background: if port 5353 cannot be used at all (another program holds
 * it exclusively, no network), the app still works — the diagnostics view reports why.
 */
import type { DiscoveryDiagnostics } from '../../../shared/discovery/diagnostics.ts';
import type { NearbyServer } from '../../../shared/discovery/nearby-server.ts';
import type { NetworkInterfaceView } from '../../../shared/discovery/network-interface.ts';
import type { Unsubscribe } from '../../../shared/api/contract.ts';
import { silentLogger, type Logger } from '../server/logger.ts';
import { mdnsHostName } from './dns-sd.ts';
import { NearbyBrowser, type NearbyBrowserOptions } from './nearby-browser.ts';
import { listNetworkInterfaces, type ListInterfacesOptions } from './network-interfaces.ts';
import { runMulticastSelfTest } from './self-test.ts';

export interface LanDiscoveryOptions {
  /** Browser tuning (tests use short intervals). */
  browser?: Omit<NearbyBrowserOptions, 'disabledInterfaces' | 'logger'>;
  /** The OS's interface table (tests pass their own). */
  interfaceSource?: ListInterfacesOptions['source'];
  /** How long the self-test waits for its own announcement (ms). */
  selfTestTimeoutMs?: number;
  /** Told the switched-off interfaces whenever they change (the hosted server's announcements). */
  onDisabledInterfaces?: (names: readonly string[]) => void;
  logger?: Logger;
}

export class LanDiscovery {
  private readonly options: LanDiscoveryOptions;
  private readonly log: Logger;
  private readonly browser: NearbyBrowser;
  private disabled: readonly string[] = [];
  private browseError: string | null = null;
  private active = false;
  private stopped = false;
  private readonly started: Promise<void>;

  constructor(options: LanDiscoveryOptions = {}) {
    this.options = options;
    this.log = options.logger ?? silentLogger;
    this.browser = new NearbyBrowser({ ...options.browser, logger: this.log });
    this.started = this.browser.start().then(
      () => {
        this.active = !this.stopped;
      },
      (error: unknown) => {
        this.browseError = error instanceof Error ? error.message : String(error);
        this.log.warn({ err: this.browseError }, 'cannot browse for nearby servers');
      },
    );
  }

  /** Resolves once browsing runs (or failed to start; see diagnose()). */
  ready(): Promise<void> {
    return this.started;
  }

  list(): NearbyServer[] {
    return this.browser.servers;
  }

  onChanged(listener: (servers: NearbyServer[]) => void): Unsubscribe {
    this.browser.on('changed', listener);
    return () => {
      this.browser.off('changed', listener);
    };
  }

  interfaces(): NetworkInterfaceView[] {
    const source = this.options.interfaceSource;
    return listNetworkInterfaces({ disabled: this.disabled, ...(source ? { source } : {}) }).map((info) => ({
      name: info.name,
      kind: info.kind,
      virtual: info.virtual,
      enabled: info.enabled,
      addresses: info.addresses.map((a) => a.address),
    }));
  }

  setDisabledInterfaces(names: readonly string[]): void {
    this.disabled = [...names];
    this.browser.setDisabledInterfaces(this.disabled).catch((error: unknown) => {
      this.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'applying interface switches');
    });
    this.options.onDisabledInterfaces?.(this.disabled);
  }

  async diagnose(): Promise<Omit<DiscoveryDiagnostics, 'advertising' | 'nearbyCount'>> {
    await this.started;
    const selfTest = await runMulticastSelfTest({
      disabledInterfaces: this.disabled,
      ...(this.options.selfTestTimeoutMs === undefined ? {} : { timeoutMs: this.options.selfTestTimeoutMs }),
    });
    const failed = selfTest.failed.map((f) => `${f.name}: ${f.reason}`).join('; ');
    return {
      hostName: mdnsHostName(),
      interfaces: this.interfaces(),
      selfTest: {
        ok: selfTest.ok,
        elapsedMs: selfTest.elapsedMs,
        heardOn: selfTest.heardOn,
        error: selfTest.error ?? (failed === '' ? null : failed),
      },
      browsing: { active: this.active && !this.stopped, error: this.browseError },
    };
  }

  /** Stops browsing (app quit). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.active = false;
    await this.started;
    await this.browser.stop();
  }
}
