/**
 * What the "Can't see a server?" view reports: where discovery runs, whether our own
 * announcements come back to us, and what we are announcing.
 */
import type { NetworkInterfaceView } from './network-interface.ts';

export interface MulticastSelfTest {
  /** Our own test announcement came back to us on at least one enabled interface. */
  ok: boolean;
  /** How long the test took (ms). */
  elapsedMs: number;
  /** Interfaces on which the announcement came back. */
  heardOn: string[];
  /** Why the test could not run (no usable interface, socket error…), in words. */
  error: string | null;
}

export interface DiscoveryDiagnostics {
  /** This machine's mDNS host name ("studio-pc.local"). */
  hostName: string;
  interfaces: NetworkInterfaceView[];
  selfTest: MulticastSelfTest;
  /** Whether the app is browsing for servers right now, and whether browsing failed to start. */
  browsing: { active: boolean; error: string | null };
  /** The server this app announces (hosting), if any. */
  advertising: { name: string; port: number } | null;
  /** How many servers are in the Nearby list. */
  nearbyCount: number;
}
