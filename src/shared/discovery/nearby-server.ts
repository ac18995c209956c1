/**
 * What LAN discovery (mDNS / DNS-SD, service type `_parley._tcp`) reports about one nearby room
 * server, after its TXT record was validated (txt-record.ts). One entry per server id, however
 * many interfaces, address families or instance names it was seen under.
 */
export interface NearbyServer {
  /** The server's stable id (TXT `id`), the same across restarts. */
  id: string;
  /** The server's name (TXT `name`), validated like a room name: show it as text. */
  name: string;
  /** Protocol version it speaks (TXT `v`). */
  version: number;
  /** How many rooms it has (TXT `rooms`), kept current by the server. */
  rooms: number;
  /** The host name from its SRV record, e.g. "studio-pc.local". */
  host: string;
  port: number;
  /**
   * Addresses to try, in order: IPv4 first, then global IPv6, then link-local IPv6 with its
   * scope ("fe80::1%eth0"). Never empty.
   */
  addresses: string[];
  /** Names of our network interfaces it was seen on. */
  interfaces: string[];
  /** ms since the epoch when any of its records was last heard. */
  lastSeen: number;
}
