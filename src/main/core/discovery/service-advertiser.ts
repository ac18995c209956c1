/**
 * Announces one service (a room server) with DNS-SD over mDNS, on every enabled interface, and
 * answers other machines' questions about it until stopped, when it says goodbye.
 *
 * Why not bonjour-service's publish(): in 1.4.4 it cannot change a TXT record once published
 * (no updateTxt; unpublish + publish would make every browser drop the server and add it again),
 * announces every interface's addresses on every interface (a Docker or VPN address sent to the
 * Wi-Fi), sends on one interface only, answers for the host name with addresses the system's
 * responder (avahi, Bonjour) may not publish — avahi takes that as a conflict and resets or
 * renames the machine — and its goodbye withdraws the host's address records, which other
 * services on the machine still use. This module does the same job on multicast-dns, the
 * transport bonjour-service itself is built on, one socket per interface (mdns-transport.ts).
 * @homebridge/ciao was measured against the same tests and not adopted: see README.md here.
 *
 * What it does, following RFC 6762/6763 where it matters:
 * - Probing: before announcing, asks three times (250 ms apart) whether anyone holds the
 *   instance name. If so — another server with the same name, on this machine or another — it
 *   takes "Name (2)", "Name (3)"… Two servers probing the same name at once are told apart by
 *   comparing their records; exactly one of them renames. A conflict seen later renames too.
 * - Host name: `<hostname>.local`, as the system's responder names the machine. If something
 *   else already answers for it (avahi, Bonjour, Windows, another Parley process), that one
 *   owns the address records and we publish none: our answers then hold PTR, SRV and TXT, and
 *   peers resolve the host name through the owner. If nobody does, we answer for it with the
 *   interface's own addresses (IPv4, then IPv6 global or else link-local).
 * - Announcing twice, one second apart; answering queries (multicast, at most once per second
 *   per record and interface, legacy unicast queries by unicast); known answers suppressed.
 * - updateTxt(): the new TXT (with the cache-flush bit, so caches replace the old one) is
 *   announced twice, with the PTR and SRV, which browsers that match records by PTR need.
 * - stop(): goodbye (TTL 0) for PTR, SRV and TXT — never for the host's address records.
 */
import type { RemoteInfo } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger, type Logger } from '../server/logger.ts';
import {
  dnsLower,
  instanceLabel,
  instanceName,
  mdnsHostName,
  RECORD_TTL,
  SERVICE_ENUMERATION,
  serviceDomain,
  PARLEY_SERVICE_TYPE,
} from './dns-sd.ts';
import { MDNS_PORT, MdnsTransport, MdnsTransportSet, type MdnsPacket, type MdnsRecord } from './mdns-transport.ts';
import { localAddresses, stripScope, type NetworkInterfaceInfo } from './network-interfaces.ts';

export interface ServiceAdvertiserOptions {
  /** The instance name wanted (the server's name); renamed "Name (2)"… on a conflict. */
  name: string;
  port: number;
  /** TXT strings ("key=value"), e.g. from buildTxtRecord. */
  txt: readonly string[];
  /** Default `_parley._tcp`. */
  serviceType?: string;
  /** Default `<os.hostname()>.local`. */
  hostName?: string;
  /** Interfaces switched off by name. */
  disabledInterfaces?: Iterable<string>;
  /**
   * The address the server listens on, when it is not every address: only the interface that
   * holds it is used, and only it is announced.
   */
  listenAddress?: string;
  /** Probe for name conflicts before announcing (default true; the self-test skips it). */
  probe?: boolean;
  /** Record TTL in seconds (default RECORD_TTL). */
  ttl?: number;
  /** Interface re-read interval (ms), default 5000. */
  rescanMs?: number;
  logger?: Logger;
}

export interface ServiceAdvertiserEvents {
  /** Announced (first time, and again after a rename). */
  announced: [instance: string];
}

/** How this machine's host name is answered on one interface (see the header). */
type HostMode = 'unknown' | 'ours' | 'system' | 'foreign';

interface Link {
  transport: MdnsTransport;
  hostMode: HostMode;
  /** Probed and announced on this interface: it answers queries. */
  live: boolean;
  /** When each record (by key) was last multicast here, for the once-per-second rule. */
  lastSent: Map<string, number>;
  detach: () => void;
}

const PROBE_INTERVAL_MS = 250;
const PROBES = 3;
const MAX_RENAMES = 50;
/** Most questions answered from one query packet (the rest are ignored). */
const MAX_QUESTIONS = 32;
/** Legacy unicast answers carry at most this TTL (RFC 6762 §6.7). */
const LEGACY_TTL = 10;

function srvOf(record: MdnsRecord): { port: number; target: string } | null {
  const data = record.data as { port?: unknown; target?: unknown } | undefined;
  if (!data || typeof data.port !== 'number' || typeof data.target !== 'string') return null;
  return { port: data.port, target: dnsLower(data.target) };
}

/** The `id=` value of TXT strings (bytes or text), else the whole record as text. */
function txtIdentity(data: unknown): string {
  const strings = Array.isArray(data) ? data : [data];
  const texts = strings.map((s) =>
    typeof s === 'string' ? s : s instanceof Uint8Array ? Buffer.from(s).toString() : '',
  );
  const id = texts.find((t) => t.toLowerCase().startsWith('id='));
  return id !== undefined ? id.slice(3) : texts.join('\u0000');
}

function recordKey(record: MdnsRecord): string {
  return `${dnsLower(record.name)}|${record.type}|${JSON.stringify(record.data)}`;
}

export class ServiceAdvertiser extends EventEmitter<ServiceAdvertiserEvents> {
  private readonly options: ServiceAdvertiserOptions;
  private readonly log: Logger;
  private readonly type: string;
  private readonly ttl: number;
  readonly hostName: string;
  private readonly transports: MdnsTransportSet;
  private readonly links = new Map<MdnsTransport, Link>();
  private txt: string[];
  private label = '';
  private fqdn = '';
  private attempt = 1;
  /** Set while probing: the name is being claimed and a conflict restarts the claim. */
  private probing = false;
  private conflict = false;
  private announced = false;
  private stopped = false;
  private started: Promise<string> | undefined;
  private reannounceTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private local = localAddresses();

  constructor(options: ServiceAdvertiserOptions) {
    super();
    this.options = options;
    this.log = options.logger ?? silentLogger;
    this.type = options.serviceType ?? PARLEY_SERVICE_TYPE;
    this.ttl = options.ttl ?? RECORD_TTL;
    this.hostName = options.hostName ?? mdnsHostName();
    this.txt = [...options.txt];
    const listen = options.listenAddress ? stripScope(options.listenAddress) : undefined;
    this.transports = new MdnsTransportSet({
      disabledInterfaces: options.disabledInterfaces ?? [],
      rescanMs: options.rescanMs ?? 5000,
      logger: this.log,
      ...(listen ? { filter: (iface) => iface.addresses.some((a) => a.address === listen) } : {}),
    });
    this.transports.on('added', (transport) => this.attach(transport));
    this.transports.on('removed', (transport) => this.detach(transport));
    this.setName(1);
  }

  /** The instance name in use ("Kitchen", or "Kitchen (2)" after a conflict). */
  get instanceName(): string {
    return this.label;
  }

  /** Names of the interfaces it is announced on. */
  get interfaces(): string[] {
    return [...this.links.values()].filter((l) => l.live).map((l) => l.transport.name);
  }

  /** Interfaces that could not be used, with the reason. */
  get failures(): Map<string, string> {
    return this.transports.failures;
  }

  /**
   * Opens the sockets, claims a name and announces. Resolves with the instance name; rejects if
   * mDNS cannot run at all (port 5353 unavailable) or stop() was called first.
   */
  start(): Promise<string> {
    this.started ??= this.run();
    return this.started;
  }

  private async run(): Promise<string> {
    await this.transports.start();
    if (this.stopped) throw new Error('advertiser stopped');
    await this.claimName();
    if (this.stopped) throw new Error('advertiser stopped');
    return this.label;
  }

  /** Replaces the TXT record and announces the change. */
  updateTxt(txt: readonly string[]): void {
    this.txt = [...txt];
    if (!this.announced || this.probing || this.stopped) return;
    this.announceAll();
  }

  setDisabledInterfaces(names: Iterable<string>): Promise<void> {
    // Interfaces switched off get a goodbye first: browsers there forget the server at once.
    const off = new Set(names);
    const leaving = [...this.links.values()].filter((l) => off.has(l.transport.name) && l.live);
    return Promise.all(leaving.map((l) => this.goodbye(l))).then(() => this.transports.setDisabledInterfaces(off));
  }

  /** Says goodbye on every interface (if announced) and closes the sockets. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.reannounceTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const live = [...this.links.values()].filter((l) => l.live);
    await Promise.all(live.map((l) => this.goodbye(l)));
    await this.transports.close();
  }

  // ── name claiming ──────────────────────────────────────────────────────────────────────────

  private setName(attempt: number): void {
    this.attempt = attempt;
    this.label = instanceLabel(this.options.name, attempt);
    this.fqdn = instanceName(this.label, this.type);
  }

  /** Probes until a name is free (or probing is off), then announces on every interface. */
  private async claimName(): Promise<void> {
    this.announced = false;
    for (const link of this.links.values()) link.live = false;
    this.local = localAddresses();
    for (;;) {
      if (this.stopped) return;
      if (this.options.probe === false) {
        // Still ask who answers for the host name, briefly.
        this.probing = true;
        for (const link of this.links.values()) void link.transport.send(this.hostQuestion());
        await this.wait(PROBE_INTERVAL_MS);
        break;
      }
      this.probing = true;
      this.conflict = false;
      await this.wait(Math.random() * PROBE_INTERVAL_MS);
      for (let i = 0; i < PROBES && !this.conflict && !this.stopped; i++) {
        await Promise.all([...this.links.values()].map((l) => l.transport.send(this.probePacket(i === 0))));
        await this.wait(PROBE_INTERVAL_MS);
      }
      if (!this.conflict) break;
      if (this.attempt >= MAX_RENAMES) throw new Error(`no free instance name for ${this.options.name}`);
      this.setName(this.attempt + 1);
      this.log.info({ instance: this.label }, 'mdns: name taken, renamed');
    }
    this.probing = false;
    if (this.stopped) return;
    for (const link of this.links.values()) {
      if (link.hostMode === 'unknown') link.hostMode = 'ours';
      link.live = true;
    }
    this.announced = true;
    this.announceAll();
    this.emit('announced', this.label);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** Someone else holds our name: rename and claim again (no goodbye: the PTR is theirs too). */
  private onConflict(reason: string): void {
    if (this.probing) {
      this.conflict = true;
      return;
    }
    if (!this.announced || this.stopped) return;
    this.log.warn({ instance: this.label, reason }, 'mdns: name conflict, renaming');
    this.setName(this.attempt + 1);
    clearTimeout(this.reannounceTimer);
    this.claimName().catch((error: unknown) =>
      this.log.error({ err: (error as Error).message }, 'mdns: rename failed'),
    );
  }

  // ── records ────────────────────────────────────────────────────────────────────────────────

  private srvRecord(ttl: number): MdnsRecord {
    return {
      name: this.fqdn,
      type: 'SRV',
      ttl,
      flush: true,
      data: { priority: 0, weight: 0, port: this.options.port, target: this.hostName },
    };
  }

  private txtRecord(ttl: number): MdnsRecord {
    const data = this.txt.length > 0 ? this.txt.map((s) => Buffer.from(s)) : [Buffer.alloc(0)];
    return { name: this.fqdn, type: 'TXT', ttl, flush: true, data };
  }

  private ptrRecord(ttl: number): MdnsRecord {
    return { name: serviceDomain(this.type), type: 'PTR', ttl, data: this.fqdn };
  }

  private enumerationRecord(ttl: number): MdnsRecord {
    return { name: SERVICE_ENUMERATION, type: 'PTR', ttl, data: serviceDomain(this.type) };
  }

  /**
   * This interface's address records for the host name, if we own it there. Like avahi:
   * link-local addresses only when the interface has no other of that family.
   */
  private addressRecords(link: Link, ttl: number, family?: 'A' | 'AAAA'): MdnsRecord[] {
    if (link.hostMode !== 'ours') return [];
    const iface: NetworkInterfaceInfo = link.transport.iface;
    const listen = this.options.listenAddress ? stripScope(this.options.listenAddress) : undefined;
    const records: MdnsRecord[] = [];
    for (const fam of ['IPv4', 'IPv6'] as const) {
      const type = fam === 'IPv4' ? 'A' : 'AAAA';
      if (family && family !== type) continue;
      const all = iface.addresses.filter((a) => a.family === fam && (!listen || a.address === listen));
      const wide = all.filter((a) => !a.linkLocal);
      for (const a of wide.length > 0 ? wide : all) {
        records.push({ name: this.hostName, type, ttl, data: stripScope(a.address) });
      }
    }
    return records;
  }

  private hostQuestion(): MdnsPacket {
    return {
      type: 'query',
      questions: [
        { name: this.hostName, type: 'A' },
        { name: this.hostName, type: 'AAAA' },
      ],
    };
  }

  /** A probe: "who has this name?", with our proposed records as authority (RFC 6762 §8.1). */
  private probePacket(withHost: boolean): MdnsPacket {
    const questions = [{ name: this.fqdn, type: 'ANY' }];
    if (withHost) questions.push({ name: this.hostName, type: 'A' }, { name: this.hostName, type: 'AAAA' });
    return { type: 'query', questions, authorities: [this.srvRecord(this.ttl), this.txtRecord(this.ttl)] };
  }

  private announcement(link: Link, ttl: number): MdnsRecord[] {
    return [
      this.ptrRecord(ttl),
      this.srvRecord(ttl),
      this.txtRecord(ttl),
      this.enumerationRecord(ttl),
      ...this.addressRecords(link, ttl),
    ];
  }

  /** Announces on every live interface now and once more a second later (RFC 6762 §8.3). */
  private announceAll(): void {
    clearTimeout(this.reannounceTimer);
    const send = () => {
      for (const link of this.links.values()) if (link.live) this.announceOn(link);
    };
    send();
    this.reannounceTimer = setTimeout(send, 1000);
    this.reannounceTimer.unref();
  }

  private announceOn(link: Link): void {
    const answers = this.announcement(link, this.ttl);
    const now = Date.now();
    for (const record of answers) link.lastSent.set(recordKey(record), now);
    void link.transport.send({ type: 'response', flags: 0x400, answers });
  }

  private async goodbye(link: Link): Promise<void> {
    link.live = false;
    const answers = [this.ptrRecord(0), this.srvRecord(0), this.txtRecord(0)];
    await link.transport.send({ type: 'response', flags: 0x400, answers });
    // Multicast is easily lost on Wi-Fi: say it twice.
    await sleep(50);
    await link.transport.send({ type: 'response', flags: 0x400, answers });
  }

  // ── interfaces ─────────────────────────────────────────────────────────────────────────────

  private attach(transport: MdnsTransport): void {
    const link: Link = { transport, hostMode: 'unknown', live: false, lastSent: new Map(), detach: () => {} };
    const onQuery = (packet: MdnsPacket, rinfo: RemoteInfo) => this.onQuery(link, packet, rinfo);
    const onResponse = (packet: MdnsPacket, rinfo: RemoteInfo) => this.onResponse(link, packet, rinfo);
    transport.on('query', onQuery);
    transport.on('response', onResponse);
    link.detach = () => {
      transport.off('query', onQuery);
      transport.off('response', onResponse);
    };
    this.links.set(transport, link);
    // An interface that appears after the name was claimed: check the host name and the
    // instance name there, then announce.
    if (this.announced && !this.probing) void this.joinLate(link);
  }

  private async joinLate(link: Link): Promise<void> {
    this.local = localAddresses();
    for (let i = 0; i < PROBES && !this.stopped; i++) {
      if (this.probing || !this.links.has(link.transport)) return; // a rename covers this link
      await link.transport.send(this.probePacket(i === 0));
      await this.wait(PROBE_INTERVAL_MS);
    }
    if (this.stopped || this.probing || !this.links.has(link.transport)) return;
    if (link.hostMode === 'unknown') link.hostMode = 'ours';
    link.live = true;
    this.announceOn(link);
  }

  private detach(transport: MdnsTransport): void {
    const link = this.links.get(transport);
    if (!link) return;
    link.detach();
    this.links.delete(transport);
  }

  // ── incoming ───────────────────────────────────────────────────────────────────────────────

  private onResponse(link: Link, packet: MdnsPacket, rinfo: RemoteInfo): void {
    if (this.stopped || rinfo.port !== MDNS_PORT) return;
    const fqdn = dnsLower(this.fqdn);
    const host = dnsLower(this.hostName);
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
    for (const record of records.slice(0, 256)) {
      if (typeof record?.name !== 'string' || (record.ttl ?? 0) === 0) continue;
      const name = dnsLower(record.name);
      if (name === host && (record.type === 'A' || record.type === 'AAAA') && link.hostMode === 'unknown') {
        // Someone answers for our host name before we claimed it.
        link.hostMode = this.local.has(rinfo.address) ? 'system' : 'foreign';
        if (link.hostMode === 'foreign')
          this.log.warn(
            { host: this.hostName, from: rinfo.address, iface: link.transport.name },
            'mdns: another machine answers for this host name',
          );
      } else if (name === fqdn && this.differsFromOurs(record)) {
        this.onConflict(`${record.type} from ${rinfo.address}`);
      }
    }
  }

  /** True for an SRV or TXT of our instance name that is not ours. */
  private differsFromOurs(record: MdnsRecord): boolean {
    if (record.type === 'SRV') {
      const srv = srvOf(record);
      return srv !== null && (srv.port !== this.options.port || srv.target !== dnsLower(this.hostName));
    }
    if (record.type === 'TXT') return txtIdentity(record.data) !== txtIdentity(this.txt);
    return false;
  }

  /**
   * Simultaneous probes for one name: the one whose records sort later wins (both sides
   * compute the same order); ours lose when theirs sort after ours.
   */
  private loseTiebreak(theirs: MdnsRecord[]): boolean {
    const srv = theirs.find((r) => r.type === 'SRV');
    const txt = theirs.find((r) => r.type === 'TXT');
    const mine = [String(this.options.port).padStart(5, '0'), dnsLower(this.hostName), txtIdentity(this.txt)];
    const other = [
      String(srv ? (srvOf(srv)?.port ?? 0) : 0).padStart(5, '0'),
      srv ? (srvOf(srv)?.target ?? '') : '',
      txt ? txtIdentity(txt.data) : '',
    ];
    for (let i = 0; i < mine.length; i++) {
      if (mine[i]! < other[i]!) return true;
      if (mine[i]! > other[i]!) return false;
    }
    return false; // identical: our own probe, heard back
  }

  private onQuery(link: Link, packet: MdnsPacket, rinfo: RemoteInfo): void {
    if (this.stopped) return;
    const fqdn = dnsLower(this.fqdn);
    const questions = (packet.questions ?? []).slice(0, MAX_QUESTIONS);
    const authorities = (packet.authorities ?? []).filter(
      (r) => typeof r?.name === 'string' && dnsLower(r.name) === fqdn,
    );
    const isProbe = authorities.length > 0;
    if (isProbe && this.probing && authorities.some((r) => this.differsFromOurs(r)) && this.loseTiebreak(authorities)) {
      this.conflict = true;
    }
    if (!link.live || this.probing) return;

    const legacy = rinfo.port !== MDNS_PORT;
    const service = dnsLower(serviceDomain(this.type));
    const host = dnsLower(this.hostName);
    const answers: MdnsRecord[] = [];
    for (const q of questions) {
      if (typeof q?.name !== 'string') continue;
      const name = dnsLower(q.name);
      const any = q.type === 'ANY';
      if (name === service && (any || q.type === 'PTR')) answers.push(this.ptrRecord(this.ttl));
      else if (name === SERVICE_ENUMERATION && (any || q.type === 'PTR'))
        answers.push(this.enumerationRecord(this.ttl));
      else if (name === fqdn) {
        if (any || q.type === 'SRV') answers.push(this.srvRecord(this.ttl));
        if (any || q.type === 'TXT') answers.push(this.txtRecord(this.ttl));
      } else if (name === host && (any || q.type === 'A' || q.type === 'AAAA')) {
        answers.push(...this.addressRecords(link, this.ttl, any ? undefined : (q.type as 'A' | 'AAAA')));
      }
    }
    // Known-answer suppression (RFC 6762 §7.1): skip what the asker already holds for long enough.
    const known = new Set(
      (packet.answers ?? [])
        .filter((r) => typeof r?.name === 'string' && (r.ttl ?? 0) >= this.ttl / 2)
        .map((r) => recordKey(r)),
    );
    let unique = dedupe(answers).filter((r) => !known.has(recordKey(r)));
    if (unique.length === 0) return;

    const additionals: MdnsRecord[] = [];
    if (unique.some((r) => r.type === 'PTR' && r.data === this.fqdn)) {
      additionals.push(this.srvRecord(this.ttl), this.txtRecord(this.ttl));
    }
    if (unique.some((r) => r.type === 'SRV') || additionals.length > 0)
      additionals.push(...this.addressRecords(link, this.ttl));
    const extra = dedupe(additionals).filter((r) => !unique.some((u) => recordKey(u) === recordKey(r)));

    if (legacy) {
      // A plain DNS resolver asking port 5353 directly: answer it alone, like a DNS server.
      const cap = (r: MdnsRecord): MdnsRecord => ({ ...r, flush: false, ttl: Math.min(r.ttl ?? 0, LEGACY_TTL) });
      void link.transport.send(
        {
          id: packet.id ?? 0,
          type: 'response',
          flags: 0x400,
          questions: packet.questions ?? [],
          answers: unique.map(cap),
          additionals: extra.map(cap),
        },
        { address: rinfo.address, port: rinfo.port },
      );
      return;
    }

    // At most once per second per record and interface; a probe may be answered after 250 ms.
    const now = Date.now();
    const minGap = isProbe ? PROBE_INTERVAL_MS : 1000;
    unique = unique.filter((r) => now - (link.lastSent.get(recordKey(r)) ?? 0) >= minGap);
    if (unique.length === 0) return;
    const send = () => {
      if (this.stopped || !link.live) return;
      const at = Date.now();
      for (const r of [...unique, ...extra]) link.lastSent.set(recordKey(r), at);
      void link.transport.send({ type: 'response', flags: 0x400, answers: unique, additionals: extra });
    };
    // Shared records (PTR) are answered after 20–120 ms, so that many responders do not collide.
    if (unique.some((r) => r.type === 'PTR')) {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          send();
        },
        20 + Math.random() * 100,
      );
      this.timers.add(timer);
    } else {
      send();
    }
  }
}

function dedupe(records: MdnsRecord[]): MdnsRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = recordKey(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
