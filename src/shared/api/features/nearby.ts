/** Servers found on the LAN (mDNS) and the discovery settings and checks. */
import { z } from 'zod';
import type { DiscoveryDiagnostics } from '../../discovery/diagnostics.ts';
import type { NearbyServer } from '../../discovery/nearby-server.ts';
import type { NetworkInterfaceView } from '../../discovery/network-interface.ts';
import { entityId } from './fields.ts';
import type { ServerView } from './servers.ts';

export const NEARBY_ARGS = {
  /** Servers found on the LAN right now (mDNS); empty where the app cannot discover. */
  listNearby: z.tuple([]),
  /** Connects to a nearby server (by server id), trying each address it advertised. */
  connectNearby: z.tuple([entityId]),
  /** The network interfaces discovery can use, and which are switched on. */
  listInterfaces: z.tuple([]),
  /** Switches discovery on one interface on or off (remembered); returns the new list. */
  setInterfaceEnabled: z.tuple([z.string().min(1).max(64), z.boolean()]),
  /** Runs the discovery checks for the "Can't see a server?" view (takes a few seconds). */
  runDiagnostics: z.tuple([]),
} as const;

/** A server found on the LAN, as the server list shows it. */
export interface NearbyServerView extends NearbyServer {
  /** It is the server this app hosts. */
  hosted: boolean;
  /** The key it has in the server list when we are connected (or connecting) to it, else null. */
  serverKey: string | null;
}

export interface NearbyResults {
  listNearby: NearbyServerView[];
  connectNearby: ServerView;
  listInterfaces: NetworkInterfaceView[];
  setInterfaceEnabled: NetworkInterfaceView[];
  runDiagnostics: DiscoveryDiagnostics;
}

export interface NearbyEvents {
  /** The Nearby list changed (a server appeared, went away, or changed name or room count). */
  nearbyChanged: NearbyServerView[];
}
