/**
 * A raw mDNS peer for the discovery tests: sends whatever records it is given (malformed TXT,
 * duplicates, floods, garbage bytes) straight through multicast-dns, the way a buggy or hostile
 * device on the LAN could. It never probes nor answers: it only announces.
 */
import { createSocket } from 'node:dgram';
import makeMdns from 'multicast-dns';
import { discoveryInterfaces, type NetworkInterfaceInfo } from '../../src/main/core/discovery/network-interfaces.ts';
import { onCleanup } from './harness.ts';

export type PeerRecord = makeMdns.ResourceRecord;

/** The interface the tests run discovery on (the first usable one), and its IPv4 address. */
export function testInterface(): { iface: NetworkInterfaceInfo; ipv4: string } {
  const iface = discoveryInterfaces()[0];
  if (!iface) throw new Error('no network interface with an IPv4 address: mDNS tests need one');
  return { iface, ipv4: iface.addresses.find((a) => a.family === 'IPv4')!.address };
}

export interface ServiceSpec {
  /** Instance label ("Bad 1"). */
  instance: string;
  port: number;
  /** TXT strings, as text or raw bytes. */
  txt: (string | Uint8Array)[];
  host: string;
  /** A/AAAA records for `host`. */
  addresses?: string[];
  ttl?: number;
  type?: string;
}

/** The PTR, SRV, TXT and address records of a service. */
export function serviceRecords(spec: ServiceSpec): PeerRecord[] {
  const ttl = spec.ttl ?? 120;
  const domain = `${spec.type ?? '_parley._tcp'}.local`;
  const fqdn = `${spec.instance}.${domain}`;
  return [
    { name: domain, type: 'PTR', ttl, data: fqdn },
    { name: fqdn, type: 'SRV', ttl, flush: true, data: { priority: 0, weight: 0, port: spec.port, target: spec.host } },
    {
      name: fqdn,
      type: 'TXT',
      ttl,
      flush: true,
      data: spec.txt.map((s) => (typeof s === 'string' ? Buffer.from(s) : Buffer.from(s))),
    },
    ...(spec.addresses ?? []).map((address) => ({
      name: spec.host,
      type: address.includes(':') ? 'AAAA' : 'A',
      ttl,
      data: address,
    })),
  ];
}

export class RawMdnsPeer {
  /** Responses heard on the test interface since the peer opened (at most the last 5000). */
  readonly responses: { at: number; packet: makeMdns.Packet }[] = [];
  private readonly mdns: makeMdns.Instance;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(mdns: makeMdns.Instance) {
    this.mdns = mdns;
    mdns.on('warning', () => {});
    mdns.on('error', () => {});
    mdns.on('response', (packet) => {
      this.responses.push({ at: Date.now(), packet });
      if (this.responses.length > 5000) this.responses.shift();
    });
  }

  /** A peer on the test interface; closed by cleanupAll. */
  static open(): Promise<RawMdnsPeer> {
    const { ipv4 } = testInterface();
    return new Promise((resolve, reject) => {
      const mdns = makeMdns({ interface: ipv4, bind: '0.0.0.0', reuseAddr: true, loopback: true });
      mdns.once('error', reject);
      mdns.once('ready', () => {
        const peer = new RawMdnsPeer(mdns);
        onCleanup(() => peer.close());
        resolve(peer);
      });
    });
  }

  /** One unsolicited response holding `answers`. */
  announce(answers: PeerRecord[], additionals: PeerRecord[] = []): Promise<void> {
    return new Promise((resolve, reject) =>
      this.mdns.send({ type: 'response', flags: 0x400, answers, additionals }, null, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }

  /** Announces now and every `everyMs` until close() (so that browsers' records stay fresh). */
  keepAnnouncing(answers: PeerRecord[], everyMs = 500): void {
    void this.announce(answers);
    const timer = setInterval(() => void this.announce(answers).catch(() => {}), everyMs);
    this.timers.add(timer);
  }

  close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    return new Promise((resolve) => this.mdns.destroy(() => resolve()));
  }
}

/** Sends raw bytes to the mDNS group from port 5353 on the test interface (garbage, truncated packets). */
export function sendRawBytes(bytes: Buffer): Promise<void> {
  const { ipv4 } = testInterface();
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    socket.once('error', reject);
    socket.bind(5353, '0.0.0.0', () => {
      socket.setMulticastInterface(ipv4);
      socket.send(bytes, 5353, '224.0.0.251', (error) => {
        socket.close();
        if (error) reject(error);
        else resolve();
      });
    });
  });
}
