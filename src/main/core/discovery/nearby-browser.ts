/**
 * Browses for Parley servers (`_parley._tcp`) on every enabled interface, all the time, and
 * keeps the "Nearby" list: one NearbyServer per server id, however many interfaces, address
 * families or instance names it shows up under.
 *
 * Why its own cache instead of bonjour-service's Browser: that one (1.4.4) never expires a
 * record by itself (a crashed server stays forever), does not notice an answer that only
 * confirms what it knows (so liveness cannot be tracked), ignores a TXT update sent without its
 * PTR, and keeps one address list per instance whatever interface it came from. Here, per
 * interface, every record is kept with the time it was heard and when it expires:
 *
 * - A record expires at min(its TTL, `staleAfterMs`) after it was last heard; a goodbye (TTL 0)
 *   one second after (RFC 6762 §10.1). A running server answers our query every `requeryMs`,
 *   which refreshes its records; one that crashed stops answering and is gone `staleAfterMs`
 *   after it was last heard. (Defaults 10 s and 35 s: three missed rounds plus slack.)
 * - The cache-flush bit replaces what was held for that name and type.
 * - Records of a service whose responder sent no additionals (SRV, TXT, addresses) are asked
 *   for directly, at most once per second per name.
 * - Everything is bounded: instances, host names and addresses per interface, servers listed.
 *   Names and TXT values are untrusted: TXT goes through parseTxtRecord (invalid → ignored).
 * - Addresses: the host's A/AAAA records, plus the source address of the packet that carried
 *   the service (the one address proven to be that machine on that link, even when the host
 *   name is shared or answered by someone else). Ordered IPv4 first, then global IPv6, then
 *   link-local IPv6 with the interface as scope ("fe80::1%eth0"). Unusable ones (0.0.0.0,
 *   multicast, loopback heard on a real interface) are dropped.
 *
 * `changed` is emitted (at most every `debounceMs`) when anything but `lastSeen` changed.
 */
import type { RemoteInfo } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIPv4, isIPv6 } from 'node:net';
import type { NearbyServer } from '../../../shared/discovery/nearby-server.ts';
import { parseTxtRecord, type ParleyTxt } from '../../../shared/discovery/txt-record.ts';
import { silentLogger, type Logger } from '../server/logger.ts';
import { dnsLower, PARLEY_SERVICE_TYPE, serviceDomain } from './dns-sd.ts';
import { MDNS_PORT, MdnsTransportSet, type MdnsPacket, type MdnsTransport } from './mdns-transport.ts';

export interface NearbyBrowserOptions {
  /** Interfaces switched off by name. */
  disabledInterfaces?: Iterable<string>;
  /** How often to ask "which Parley servers are there?" (ms). Default 10 000. */
  requeryMs?: number;
  /** A record not heard for this long is dropped (ms), if its TTL does not end sooner. Default 3 × requeryMs + 5 s. */
  staleAfterMs?: number;
  /** Delay before `changed` is emitted, gathering what arrives meanwhile (ms). Default 100. */
  debounceMs?: number;
  /** Most servers listed. Default 256. */
  maxServers?: number;
  /** Most addresses per server. Default 16. */
  maxAddresses?: number;
  /** Default `_parley._tcp` (the self-test browses its own type). */
  serviceType?: string;
  /** Interface re-read interval (ms), default 5000. */
  rescanMs?: number;
  logger?: Logger;
}

export interface NearbyBrowserEvents {
  changed: [servers: NearbyServer[]];
}

interface Timed {
  /** When it was last heard (ms since the epoch). */
  heard: number;
  expires: number;
}

interface InstanceCache {
  ptr?: Timed;
  srv?: Timed & { target: string; port: number; host: string };
  txt?: Timed & { fields: ParleyTxt | null };
  /** Source addresses of packets that carried this instance's SRV or TXT. */
  sources: Map<string, Timed>;
}

interface LinkCache {
  transport: MdnsTransport;
  instances: Map<string, InstanceCache>;
  /** Addresses by host name (lower case). */
  hosts: Map<string, Map<string, Timed>>;
  /** When a direct question for a name was last sent (rate limit). */
  asked: Map<string, number>;
  detach: () => void;
}

/** Per interface: most service instances and host names kept. */
const MAX_INSTANCES = 512;
const MAX_HOSTS = 512;
const MAX_RECORDS_PER_PACKET = 512;
const GOODBYE_GRACE_MS = 1000;

/** An address worth trying, or null. Link-local IPv6 gets the interface as its scope. */
function usableAddress(raw: unknown, link: LinkCache): string | null {
  if (typeof raw !== 'string' || raw.length > 64) return null;
  const address = raw.includes('%') ? raw.slice(0, raw.indexOf('%')) : raw;
  if (isIPv4(address)) {
    const first = Number(address.split('.')[0]);
    if (address === '0.0.0.0' || address === '255.255.255.255' || first >= 224) return null;
    if (first === 127 && !link.transport.iface.loopback) return null;
    return address;
  }
  if (isIPv6(address)) {
    const lower = address.toLowerCase();
    if (lower === '::' || lower.startsWith('ff') || lower.startsWith('::ffff:')) return null;
    if (lower === '::1' && !link.transport.iface.loopback) return null;
    if (/^fe[89ab]/.test(lower)) return `${lower}%${link.transport.name}`;
    return lower;
  }
  return null;
}

/** 0 IPv4, 1 global IPv6, 2 link-local IPv6. */
function addressRank(address: string): number {
  if (isIPv4(address)) return 0;
  return address.includes('%') ? 2 : 1;
}

export class NearbyBrowser extends EventEmitter<NearbyBrowserEvents> {
  private readonly log: Logger;
  private readonly requeryMs: number;
  private readonly staleAfterMs: number;
  private readonly debounceMs: number;
  private readonly maxServers: number;
  private readonly maxAddresses: number;
  private readonly serviceName: string;
  private readonly transports: MdnsTransportSet;
  private readonly links = new Map<MdnsTransport, LinkCache>();
  private list: NearbyServer[] = [];
  private listKey = '[]';
  private emitTimer: NodeJS.Timeout | undefined;
  private requeryTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly startupTimers = new Set<NodeJS.Timeout>();
  private started: Promise<void> | undefined;
  private stopped = false;

  constructor(options: NearbyBrowserOptions = {}) {
    super();
    this.log = options.logger ?? silentLogger;
    this.requeryMs = options.requeryMs ?? 10_000;
    this.staleAfterMs = options.staleAfterMs ?? 3 * this.requeryMs + 5000;
    this.debounceMs = options.debounceMs ?? 100;
    this.maxServers = options.maxServers ?? 256;
    this.maxAddresses = options.maxAddresses ?? 16;
    this.serviceName = dnsLower(serviceDomain(options.serviceType ?? PARLEY_SERVICE_TYPE));
    this.transports = new MdnsTransportSet({
      disabledInterfaces: options.disabledInterfaces ?? [],
      rescanMs: options.rescanMs ?? 5000,
      logger: this.log,
    });
    this.transports.on('added', (transport) => this.attach(transport));
    this.transports.on('removed', (transport) => this.detach(transport));
  }

  /** Opens the sockets and starts asking. Rejects if mDNS cannot run at all (port 5353 unavailable). */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.transports.start();
      this.requeryTimer = setInterval(() => this.requery(), this.requeryMs);
      this.requeryTimer.unref();
      this.sweepTimer = setInterval(() => this.refresh(), Math.max(50, Math.min(1000, this.requeryMs / 4)));
      this.sweepTimer.unref();
    })();
    return this.started;
  }

  /** The servers found right now (fresh `lastSeen`). */
  get servers(): NearbyServer[] {
    this.list = this.build();
    return this.list.map((s) => ({ ...s, addresses: [...s.addresses], interfaces: [...s.interfaces] }));
  }

  /** Names of the interfaces it browses on. */
  get interfaces(): string[] {
    return this.transports.transports.map((t) => t.name);
  }

  /** Interfaces that could not be used, with the reason. */
  get failures(): Map<string, string> {
    return this.transports.failures;
  }

  setDisabledInterfaces(names: Iterable<string>): Promise<void> {
    return this.transports.setDisabledInterfaces(names);
  }

  /** Asks again now on every interface (the periodic question, early). */
  requery(): void {
    for (const link of this.links.values()) this.askServices(link);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.requeryTimer);
    clearInterval(this.sweepTimer);
    clearTimeout(this.emitTimer);
    for (const timer of this.startupTimers) clearTimeout(timer);
    await this.transports.close();
    this.links.clear();
  }

  // ── interfaces ─────────────────────────────────────────────────────────────────────────────

  private attach(transport: MdnsTransport): void {
    const link: LinkCache = { transport, instances: new Map(), hosts: new Map(), asked: new Map(), detach: () => {} };
    const onResponse = (packet: MdnsPacket, rinfo: RemoteInfo) => this.onResponse(link, packet, rinfo);
    transport.on('response', onResponse);
    link.detach = () => transport.off('response', onResponse);
    this.links.set(transport, link);
    // Ask now, and again after 1 s and 3 s in case the first question or its answers were lost.
    this.askServices(link);
    for (const delay of [1000, 3000]) {
      const timer = setTimeout(() => {
        this.startupTimers.delete(timer);
        if (this.links.get(transport) === link) this.askServices(link);
      }, delay);
      timer.unref();
      this.startupTimers.add(timer);
    }
  }

  private detach(transport: MdnsTransport): void {
    const link = this.links.get(transport);
    if (!link) return;
    link.detach();
    this.links.delete(transport);
    this.scheduleEmit();
  }

  private askServices(link: LinkCache): void {
    void link.transport.send({ type: 'query', questions: [{ name: this.serviceName, type: 'PTR' }] });
    // Records that a responder did not refresh along with its PTR answer: ask for them directly.
    const now = Date.now();
    for (const [fqdn, instance] of link.instances) {
      if (!instance.ptr || instance.ptr.expires <= now) continue;
      // Answers to the previous round arrived about requeryMs ago: older means they were left out.
      const old = now - 1.5 * this.requeryMs;
      if (!instance.srv || !instance.txt || instance.srv.heard < old || instance.txt.heard < old)
        this.askInstance(link, fqdn, instance);
    }
  }

  /** Asks for an instance's SRV and TXT, and its host's addresses (once per second per name). */
  private askInstance(link: LinkCache, fqdn: string, instance: InstanceCache): void {
    const now = Date.now();
    const questions: { name: string; type: string }[] = [];
    if ((link.asked.get(fqdn) ?? 0) < now - 1000) {
      link.asked.set(fqdn, now);
      questions.push({ name: fqdn, type: 'SRV' }, { name: fqdn, type: 'TXT' });
    }
    const host = instance.srv?.target;
    if (host && !link.hosts.has(host) && (link.asked.get(host) ?? 0) < now - 1000) {
      link.asked.set(host, now);
      questions.push({ name: host, type: 'A' }, { name: host, type: 'AAAA' });
    }
    if (link.asked.size > 4 * MAX_INSTANCES) link.asked.clear();
    if (questions.length > 0) void link.transport.send({ type: 'query', questions });
  }

  // ── incoming ───────────────────────────────────────────────────────────────────────────────

  private expiry(now: number, ttl: number): number {
    if (ttl <= 0) return now + GOODBYE_GRACE_MS;
    return now + Math.min(ttl * 1000, this.staleAfterMs);
  }

  private onResponse(link: LinkCache, packet: MdnsPacket, rinfo: RemoteInfo): void {
    // RFC 6762 §6: responses not from port 5353 are not mDNS answers (§6.7 legacy unicast).
    if (this.stopped || rinfo.port !== MDNS_PORT) return;
    if (packet.rcode && packet.rcode !== 'NOERROR') return;
    const now = Date.now();
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])]
      .slice(0, MAX_RECORDS_PER_PACKET)
      .filter((r) => typeof r?.name === 'string' && (r.class === undefined || r.class === 'IN'));
    const suffix = `.${this.serviceName}`;
    let touched = false;
    /** Instances (and host names) this packet speaks of. */
    const carried = new Set<string>();
    const targets = new Set<string>();

    // Service records first, so that address records can be matched to the hosts they name.
    for (const record of records) {
      const name = dnsLower(record.name);
      const ttl = typeof record.ttl === 'number' ? record.ttl : 0;
      if (record.type === 'PTR' && name === this.serviceName && typeof record.data === 'string') {
        const fqdn = dnsLower(record.data);
        if (!fqdn.endsWith(suffix)) continue;
        const instance = this.instance(link, fqdn, ttl > 0);
        if (!instance) continue;
        instance.ptr = { heard: now, expires: this.expiry(now, ttl) };
        touched = true;
      } else if (record.type === 'SRV' && name.endsWith(suffix)) {
        const data = record.data as { port?: unknown; target?: unknown } | undefined;
        if (!data || typeof data.port !== 'number' || typeof data.target !== 'string') continue;
        if (data.port < 1 || data.port > 65535 || data.target.length === 0 || data.target.length > 255) continue;
        const instance = this.instance(link, name, ttl > 0);
        if (!instance) continue;
        const target = dnsLower(data.target);
        instance.srv = { heard: now, expires: this.expiry(now, ttl), target, port: data.port, host: data.target };
        if (ttl > 0) {
          carried.add(name);
          targets.add(target);
        }
        touched = true;
      } else if (record.type === 'TXT' && name.endsWith(suffix)) {
        const instance = this.instance(link, name, ttl > 0);
        if (!instance) continue;
        const strings = Array.isArray(record.data) ? (record.data as unknown[]) : [];
        const fields = strings.every((s) => s instanceof Uint8Array) ? parseTxtRecord(strings as Uint8Array[]) : null;
        instance.txt = { heard: now, expires: this.expiry(now, ttl), fields };
        if (ttl > 0) carried.add(name);
        touched = true;
      }
    }

    // Address records: for host names some instance points to (or that this packet points to).
    const flushed = new Set<string>();
    for (const record of records) {
      if (record.type !== 'A' && record.type !== 'AAAA') continue;
      const host = dnsLower(record.name);
      if (!targets.has(host) && !this.isTarget(link, host)) continue;
      const address = usableAddress(record.data, link);
      if (!address) continue;
      let addresses = link.hosts.get(host);
      if (!addresses) {
        if (link.hosts.size >= MAX_HOSTS) continue;
        addresses = new Map();
        link.hosts.set(host, addresses);
      }
      const ttl = typeof record.ttl === 'number' ? record.ttl : 0;
      // Cache flush: what was held for this name and type, heard over a second ago, goes.
      const flushKey = `${host}|${record.type}`;
      if (record.flush && ttl > 0 && !flushed.has(flushKey)) {
        flushed.add(flushKey);
        for (const [held, timed] of addresses) {
          if (isIPv4(held) === (record.type === 'A') && now - timed.heard > 1000)
            timed.expires = Math.min(timed.expires, now + GOODBYE_GRACE_MS);
        }
      }
      if (!addresses.has(address) && addresses.size >= this.maxAddresses) continue;
      addresses.set(address, { heard: now, expires: this.expiry(now, ttl) });
      touched = true;
    }

    // The packet's source is that machine's address on this link.
    const source = usableAddress(rinfo.address, link);
    if (source) {
      for (const fqdn of carried) {
        const instance = link.instances.get(fqdn);
        if (!instance) continue;
        if (!instance.sources.has(source) && instance.sources.size >= this.maxAddresses) continue;
        // It lives as long as the records it came with.
        const expires = Math.max(
          instance.srv?.heard === now ? instance.srv.expires : 0,
          instance.txt?.heard === now ? instance.txt.expires : 0,
        );
        instance.sources.set(source, { heard: now, expires });
      }
    }

    if (!touched) return;
    // Ask for what this packet left out (a PTR without SRV/TXT, an SRV without addresses).
    for (const [fqdn, instance] of link.instances) {
      if (!instance.ptr || instance.ptr.heard !== now) continue;
      if (!instance.srv || !instance.txt || !link.hosts.has(instance.srv.target))
        this.askInstance(link, fqdn, instance);
    }
    this.scheduleEmit();
  }

  /** The cache entry of an instance, created if `create` and there is room. */
  private instance(link: LinkCache, fqdn: string, create: boolean): InstanceCache | undefined {
    let instance = link.instances.get(fqdn);
    if (!instance && create && link.instances.size < MAX_INSTANCES) {
      instance = { sources: new Map() };
      link.instances.set(fqdn, instance);
    }
    return instance;
  }

  private isTarget(link: LinkCache, host: string): boolean {
    for (const instance of link.instances.values()) if (instance.srv?.target === host) return true;
    return false;
  }

  // ── the list ───────────────────────────────────────────────────────────────────────────────

  /** Drops what expired and emits if the list changed. */
  private refresh(): void {
    const now = Date.now();
    let dropped = false;
    for (const link of this.links.values()) {
      for (const [fqdn, instance] of link.instances) {
        if (instance.ptr && instance.ptr.expires <= now) delete instance.ptr;
        if (instance.srv && instance.srv.expires <= now) delete instance.srv;
        if (instance.txt && instance.txt.expires <= now) delete instance.txt;
        for (const [address, timed] of instance.sources) if (timed.expires <= now) instance.sources.delete(address);
        if (!instance.ptr && !instance.srv && !instance.txt) {
          link.instances.delete(fqdn);
          dropped = true;
        }
      }
      for (const [host, addresses] of link.hosts) {
        for (const [address, timed] of addresses) if (timed.expires <= now) addresses.delete(address);
        if (addresses.size === 0 || !this.isTarget(link, host)) link.hosts.delete(host);
      }
    }
    if (dropped || this.emitTimer === undefined) this.emitIfChanged();
  }

  private scheduleEmit(): void {
    if (this.emitTimer !== undefined || this.stopped) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = undefined;
      this.emitIfChanged();
    }, this.debounceMs);
  }

  private emitIfChanged(): void {
    if (this.stopped) return;
    const list = this.build();
    this.list = list;
    const key = JSON.stringify(list.map(({ lastSeen: _lastSeen, ...rest }) => rest));
    if (key === this.listKey) return;
    this.listKey = key;
    this.emit('changed', this.servers);
  }

  /** The Nearby list from the caches: complete, valid, live instances, merged by server id. */
  private build(): NearbyServer[] {
    const now = Date.now();
    interface Candidate {
      fields: ParleyTxt;
      txtHeard: number;
      host: string;
      port: number;
      addresses: string[];
      iface: string;
      lastSeen: number;
    }
    const byId = new Map<string, Candidate[]>();
    for (const link of this.links.values()) {
      for (const instance of link.instances.values()) {
        const { ptr, srv, txt } = instance;
        if (!ptr || !srv || !txt?.fields) continue;
        if (ptr.expires <= now || srv.expires <= now || txt.expires <= now) continue;
        const addresses = [
          ...[...(link.hosts.get(srv.target) ?? new Map<string, Timed>())]
            .filter(([, t]) => t.expires > now)
            .map(([a]) => a),
          ...[...instance.sources].filter(([, t]) => t.expires > now).map(([a]) => a),
        ];
        if (addresses.length === 0) continue;
        const candidates = byId.get(txt.fields.id) ?? [];
        candidates.push({
          fields: txt.fields,
          txtHeard: txt.heard,
          host: srv.host,
          port: srv.port,
          addresses,
          iface: link.transport.name,
          lastSeen: Math.max(ptr.heard, srv.heard, txt.heard),
        });
        byId.set(txt.fields.id, candidates);
      }
    }
    const servers: NearbyServer[] = [];
    for (const [id, candidates] of byId) {
      // The freshest announcement decides host and port (a restarted server may have moved);
      // addresses come from every sighting of that same host and port.
      const primary = candidates.reduce((a, b) => (b.lastSeen > a.lastSeen ? b : a));
      const fields = candidates.reduce((a, b) => (b.txtHeard > a.txtHeard ? b : a)).fields;
      const same = candidates.filter((c) => c.port === primary.port && dnsLower(c.host) === dnsLower(primary.host));
      const addresses = [...new Set(same.flatMap((c) => c.addresses))]
        .sort((a, b) => addressRank(a) - addressRank(b))
        .slice(0, this.maxAddresses);
      servers.push({
        id,
        name: fields.name,
        version: fields.version,
        rooms: fields.rooms,
        host: primary.host,
        port: primary.port,
        addresses,
        interfaces: [...new Set(same.map((c) => c.iface))].sort(),
        lastSeen: Math.max(...candidates.map((c) => c.lastSeen)),
      });
    }
    servers.sort((a, b) => b.lastSeen - a.lastSeen);
    return servers
      .slice(0, this.maxServers)
      .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
