/**
 * mDNS sockets, one per network interface, and the set of them that follows the interfaces as
 * they come and go (Wi-Fi reconnects, a VPN comes up, the user switches one off).
 *
 * Why one socket per interface: a single multicast socket (multicast-dns's default) receives on
 * every interface but SENDS on one only (the default route's), so a machine with Wi-Fi and
 * Ethernet, or with a VPN up, would announce on one network and be invisible on the other. Each
 * socket here joins 224.0.0.251 and sends on its own interface, and answers with that interface's
 * addresses.
 *
 * Why the source-address filter: Linux delivers a multicast packet to every socket bound to port
 * 5353 that joined the group on ANY interface (IP_MULTICAST_ALL), and Node cannot tell on which
 * interface a packet arrived. A packet is taken as coming from this interface when its source
 * address is in one of the interface's IPv4 subnets (the only sources an mDNS peer on that link
 * can have, as mDNS packets are never routed). Packets from elsewhere are dropped here, so a
 * browser never lists a server "on docker0" that it heard on Wi-Fi.
 *
 * Plain IPv4 mDNS: IPv6 addresses travel as AAAA records in these packets. An interface without
 * an IPv4 address is not used (see network-interfaces.ts).
 */
import type { RemoteInfo } from 'node:dgram';
import { EventEmitter } from 'node:events';
import makeMdns from 'multicast-dns';
import { silentLogger, type Logger } from '../server/logger.ts';
import {
  discoveryInterfaces,
  ipv4LinkMatcher,
  type ListInterfacesOptions,
  type NetworkInterfaceInfo,
} from './network-interfaces.ts';

export type MdnsPacket = makeMdns.Packet;
export type MdnsRecord = makeMdns.ResourceRecord;
export type MdnsQuestion = makeMdns.Question;

export const MDNS_PORT = 5353;
export const MDNS_GROUP = '224.0.0.251';

export interface MdnsTransportEvents {
  query: [packet: MdnsPacket, rinfo: RemoteInfo];
  response: [packet: MdnsPacket, rinfo: RemoteInfo];
}

/** One mDNS socket on one interface. Packets from sources off this interface's link are dropped. */
export class MdnsTransport extends EventEmitter<MdnsTransportEvents> {
  readonly iface: NetworkInterfaceInfo;
  /** The IPv4 address multicast is joined and sent on. */
  readonly address: string;
  /** The last socket problem (membership, send), in words; null while all is well. */
  lastError: string | null = null;
  private readonly mdns: makeMdns.Instance;
  private readonly onThisLink: (source: string) => boolean;
  private closed = false;

  private constructor(iface: NetworkInterfaceInfo, address: string, mdns: makeMdns.Instance, log: Logger) {
    super();
    this.iface = iface;
    this.address = address;
    this.mdns = mdns;
    this.onThisLink = ipv4LinkMatcher(iface.addresses);
    // 'warning': a packet that does not decode, a membership that failed. Never fatal.
    mdns.on('warning', (error) => {
      this.lastError = error.message;
      log.debug({ iface: iface.name, err: error.message }, 'mdns warning');
    });
    mdns.on('error', (error) => {
      this.lastError = error.message;
      log.warn({ iface: iface.name, err: error.message }, 'mdns socket error');
    });
    mdns.on('packet', (packet, rinfo) => {
      if (this.closed || !this.fromThisLink(rinfo.address)) return;
      try {
        if (packet.type === 'query') this.emit('query', packet, rinfo);
        else if (packet.type === 'response') this.emit('response', packet, rinfo);
      } catch (error) {
        // A listener choking on a hostile packet must not take the process down.
        log.warn({ iface: iface.name, err: (error as Error).message }, 'mdns packet handler failed');
      }
    });
  }

  /** Opens the socket on `iface` (which must have an IPv4 address); rejects if it cannot bind. */
  static open(iface: NetworkInterfaceInfo, logger: Logger = silentLogger): Promise<MdnsTransport> {
    const ipv4 = iface.addresses.find((a) => a.family === 'IPv4');
    if (!ipv4) return Promise.reject(new Error(`${iface.name} has no IPv4 address`));
    return new Promise((resolve, reject) => {
      let mdns: makeMdns.Instance;
      try {
        mdns = makeMdns({
          interface: ipv4.address,
          // Bound to the wildcard: a socket bound to the interface's own address would not
          // receive packets sent to the multicast group.
          bind: '0.0.0.0',
          port: MDNS_PORT,
          reuseAddr: true,
          loopback: true,
          ttl: 255,
        });
      } catch (error) {
        reject(error as Error);
        return;
      }
      const onError = (error: Error) => {
        mdns.destroy();
        reject(error);
      };
      mdns.once('error', onError);
      mdns.once('ready', () => {
        mdns.off('error', onError);
        resolve(new MdnsTransport(iface, ipv4.address, mdns, logger));
      });
    });
  }

  get name(): string {
    return this.iface.name;
  }

  /** True when `source` (an IPv4 address) is on one of this interface's subnets. */
  fromThisLink(source: string): boolean {
    return this.onThisLink(source);
  }

  /** Sends a packet to the group (or to `target`). Resolves with the error, if any; never rejects. */
  send(packet: MdnsPacket, target?: { address: string; port: number }): Promise<Error | null> {
    if (this.closed) return Promise.resolve(new Error('closed'));
    return new Promise((resolve) => {
      try {
        this.mdns.send(packet, target ?? null, (error) => {
          if (error) this.lastError = error.message;
          resolve(error ?? null);
        });
      } catch (error) {
        // dns-packet throws on records it cannot encode: a bug here, never a crash.
        this.lastError = (error as Error).message;
        resolve(error as Error);
      }
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.mdns.destroy(() => resolve()));
  }
}

export interface MdnsTransportSetEvents {
  added: [transport: MdnsTransport];
  removed: [transport: MdnsTransport];
}

export interface MdnsTransportSetOptions {
  /** Interfaces switched off by name. */
  disabledInterfaces?: Iterable<string>;
  /** How often interfaces are re-read (ms); default 5000. */
  rescanMs?: number;
  /** Only interfaces this accepts are used (e.g. the one holding a server's listen address). */
  filter?: (iface: NetworkInterfaceInfo) => boolean;
  /** The OS's interface table (tests); default os.networkInterfaces(). */
  source?: ListInterfacesOptions['source'];
  logger?: Logger;
}

/** What identifies an interface's configuration: a change of address reopens its socket. */
function signature(iface: NetworkInterfaceInfo): string {
  return `${iface.name}|${iface.addresses.map((a) => `${a.address}/${a.netmask}`).join(',')}`;
}

/**
 * One MdnsTransport per enabled, usable interface, kept in step with the system: re-read every
 * `rescanMs` and whenever setDisabledInterfaces() changes the list. Emits `added` / `removed`.
 */
export class MdnsTransportSet extends EventEmitter<MdnsTransportSetEvents> {
  private readonly options: MdnsTransportSetOptions;
  private readonly log: Logger;
  private disabled: Set<string>;
  private readonly open = new Map<string, { signature: string; transport: MdnsTransport }>();
  /** Interfaces whose socket could not be opened, with the reason (retried on each rescan). */
  readonly failures = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(options: MdnsTransportSetOptions = {}) {
    super();
    this.options = options;
    this.log = options.logger ?? silentLogger;
    this.disabled = new Set(options.disabledInterfaces ?? []);
  }

  get transports(): MdnsTransport[] {
    return [...this.open.values()].map((o) => o.transport);
  }

  get disabledInterfaces(): string[] {
    return [...this.disabled];
  }

  /**
   * Opens a socket on each interface. Rejects only when there were interfaces to use and not one
   * socket could be opened (port 5353 unavailable): discovery cannot work at all then.
   */
  async start(): Promise<void> {
    await this.rescan();
    if (this.closed) return;
    if (this.open.size === 0 && this.failures.size > 0) {
      const reason = [...this.failures.values()][0]!;
      await this.close();
      throw new Error(`mDNS is unavailable: ${reason}`);
    }
    this.timer = setInterval(() => void this.rescan(), this.options.rescanMs ?? 5000);
    this.timer.unref();
  }

  setDisabledInterfaces(names: Iterable<string>): Promise<void> {
    this.disabled = new Set(names);
    return this.rescan();
  }

  /** Re-reads the interfaces: opens sockets on new ones, closes those gone or switched off. */
  rescan(): Promise<void> {
    const run = async () => {
      if (this.closed) return;
      const wanted = new Map<string, NetworkInterfaceInfo>();
      for (const iface of discoveryInterfaces({ disabled: this.disabled, source: this.options.source })) {
        if (!this.options.filter || this.options.filter(iface)) wanted.set(iface.name, iface);
      }
      for (const [name, entry] of [...this.open]) {
        const now = wanted.get(name);
        if (now && signature(now) === entry.signature) continue;
        this.open.delete(name);
        this.emit('removed', entry.transport);
        await entry.transport.close();
      }
      for (const name of [...this.failures.keys()]) if (!wanted.has(name)) this.failures.delete(name);
      for (const [name, iface] of wanted) {
        if (this.open.has(name) || this.closed) continue;
        try {
          const transport = await MdnsTransport.open(iface, this.log);
          if (this.closed) {
            await transport.close();
            return;
          }
          this.open.set(name, { signature: signature(iface), transport });
          this.failures.delete(name);
          this.emit('added', transport);
        } catch (error) {
          const reason = (error as Error).message;
          if (this.failures.get(name) !== reason)
            this.log.warn({ iface: name, err: reason }, 'mdns: cannot use interface');
          this.failures.set(name, reason);
        }
      }
    };
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  async close(): Promise<void> {
    if (this.closed) return this.queue;
    this.closed = true;
    clearInterval(this.timer);
    await this.queue.catch(() => {});
    const entries = [...this.open.values()];
    this.open.clear();
    for (const entry of entries) this.emit('removed', entry.transport);
    await Promise.all(entries.map((e) => e.transport.close()));
  }
}
