/**
 * Which network interfaces LAN discovery uses. "I can't see the other machine" is most often an
 * interface problem: a Docker bridge, a VPN tunnel or a VM adapter that takes the multicast
 * traffic, or announces addresses nobody on the LAN can reach. So every interface is listed with
 * what it is in words, virtual ones are recognised by their usual names, and any of them can be
 * switched off by name (Settings). Virtual adapters stay ON by default: a VPN or a bridge may be
 * exactly the network the user chats on, and switching off is one click away.
 *
 * Loopback: left out of the list, except when nothing else has an IPv4 address (an offline
 * laptop, a container without network). Then discovery runs on loopback alone, so hosting and
 * joining on the same machine still find each other.
 *
 * mDNS runs over IPv4 multicast (224.0.0.251) here, so an interface needs an IPv4 address to
 * be used (`usable`); its IPv6 addresses are still advertised and used.
 */
import { BlockList, isIPv4 } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo as OsAddress } from 'node:os';

export interface InterfaceAddress {
  address: string;
  family: 'IPv4' | 'IPv6';
  /** Dotted netmask (IPv4) or IPv6 mask, as the OS reports it. */
  netmask: string;
  /** 169.254.0.0/16 or fe80::/10: valid on this link only (IPv6 needs the interface as scope). */
  linkLocal: boolean;
  internal: boolean;
}

export interface NetworkInterfaceInfo {
  /** The system's name for it: "eth0", "wlan0", "docker0", "Wi-Fi"… */
  name: string;
  /** What it is, in words: "Network", "Docker", "VPN tunnel", "Bridge", "Loopback"… */
  kind: string;
  /** A virtual adapter (containers, bridges, VMs, VPNs). */
  virtual: boolean;
  /** Only loopback addresses. */
  loopback: boolean;
  /** Not switched off by the user. */
  enabled: boolean;
  /** Discovery can run on it (it has an IPv4 address for multicast). */
  usable: boolean;
  /** IPv4 first, then IPv6; in the OS's order within a family. */
  addresses: InterfaceAddress[];
}

export interface ListInterfacesOptions {
  /** Names of the interfaces the user switched off. */
  disabled?: Iterable<string>;
  /** The OS's table (tests pass their own); default os.networkInterfaces(). */
  source?: () => NodeJS.Dict<OsAddress[]>;
}

/** Name patterns of virtual adapters, first match wins, with their kind in words. */
const VIRTUAL_KINDS: [RegExp, string][] = [
  // Before "veth": Windows' "vEthernet (…)" adapters would match it.
  [/^(vEthernet|Hyper-V)/i, 'Hyper-V / WSL'],
  [/^docker/i, 'Docker'],
  [/^br-/i, 'Docker network'],
  [/^veth/i, 'Container link'],
  [/^(cni|flannel|cali|weave|kube|podman|lxc|lxd|incusbr)/i, 'Containers'],
  [/^virbr/i, 'Virtual machines (libvirt)'],
  [/^vboxnet/i, 'VirtualBox'],
  [/^vmnet/i, 'VMware'],
  [/^(VirtualBox|VMware)/i, 'Virtual machines'],
  [/^wg/i, 'WireGuard VPN'],
  [/^tailscale/i, 'Tailscale VPN'],
  [/^zt/i, 'ZeroTier VPN'],
  [/^(tun|utun|tap|ipsec|ppp|nordlynx|proton|mullvad|gpd|cscotun)/i, 'VPN tunnel'],
  [/(vpn|wireguard|openvpn|tap-windows)/i, 'VPN tunnel'],
  [/^(br|bridge|vmbr)/i, 'Bridge'],
  [/^(awdl|llw)/i, 'Apple wireless link'],
  [/^(anpi|ap\d)/i, 'Apple internal link'],
];

/** What an interface is, from its name alone (that is all Node tells us). */
export function classifyInterface(name: string): { virtual: boolean; kind: string } {
  for (const [pattern, kind] of VIRTUAL_KINDS) if (pattern.test(name)) return { virtual: true, kind };
  if (/^(lo\d*|Loopback)/i.test(name)) return { virtual: false, kind: 'Loopback' };
  if (/^(wl|wifi|wi-fi)/i.test(name)) return { virtual: false, kind: 'Wi-Fi' };
  if (/^(eth|em\d|eno|ens|enp|enx|Ethernet)/i.test(name)) return { virtual: false, kind: 'Ethernet' };
  return { virtual: false, kind: 'Network' };
}

function isLinkLocal(address: string, family: 'IPv4' | 'IPv6'): boolean {
  return family === 'IPv4' ? address.startsWith('169.254.') : /^fe[89ab]/i.test(address);
}

/**
 * Lists the interfaces, IPv4 addresses first. Loopback is included only when no other interface
 * has an IPv4 address (see the header). Interfaces without any address are left out.
 */
export function listNetworkInterfaces(options: ListInterfacesOptions = {}): NetworkInterfaceInfo[] {
  const disabled = new Set(options.disabled ?? []);
  const table = (options.source ?? networkInterfaces)();
  const all: NetworkInterfaceInfo[] = [];
  for (const [name, entries] of Object.entries(table)) {
    if (!entries || entries.length === 0) continue;
    const addresses: InterfaceAddress[] = entries
      .filter((e) => e.family === 'IPv4' || e.family === 'IPv6')
      .map((e) => ({
        address: e.address,
        family: e.family,
        netmask: e.netmask,
        linkLocal: isLinkLocal(e.address, e.family),
        internal: e.internal,
      }));
    addresses.sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1));
    if (addresses.length === 0) continue;
    const loopback = addresses.every((a) => a.internal);
    const classified = loopback ? { virtual: false, kind: 'Loopback' } : classifyInterface(name);
    all.push({
      name,
      kind: classified.kind,
      virtual: classified.virtual,
      loopback,
      enabled: !disabled.has(name),
      usable: addresses.some((a) => a.family === 'IPv4'),
      addresses,
    });
  }
  const external = all.filter((i) => !i.loopback);
  return external.some((i) => i.usable) ? external : all;
}

/** The interfaces discovery runs on: enabled and usable. */
export function discoveryInterfaces(options: ListInterfacesOptions = {}): NetworkInterfaceInfo[] {
  return listNetworkInterfaces(options).filter((i) => i.enabled && i.usable);
}

/** Every address of this machine (any interface, loopback included). */
export function localAddresses(source: () => NodeJS.Dict<OsAddress[]> = networkInterfaces): Set<string> {
  const set = new Set<string>();
  for (const entries of Object.values(source())) for (const e of entries ?? []) set.add(stripScope(e.address));
  return set;
}

export function stripScope(address: string): string {
  const percent = address.indexOf('%');
  return percent === -1 ? address : address.slice(0, percent);
}

/** "255.255.240.0" → 20: the number of set bits of a (contiguous) IPv4 netmask. */
function prefixLength(netmask: string): number {
  return netmask.split('.').reduce((bits, part) => bits + (Number(part).toString(2).match(/1/g)?.length ?? 0), 0);
}

/**
 * Tells whether an address is on the same link as `addresses` (in one of their IPv4 subnets).
 * Built once per interface (node:net's BlockList does the matching); called for every packet.
 */
export function ipv4LinkMatcher(
  addresses: readonly Pick<InterfaceAddress, 'address' | 'family' | 'netmask'>[],
): (source: string) => boolean {
  const subnets = new BlockList();
  for (const a of addresses) {
    if (a.family === 'IPv4' && isIPv4(a.address) && isIPv4(a.netmask)) {
      subnets.addSubnet(a.address, prefixLength(a.netmask), 'ipv4');
    }
  }
  return (source) => isIPv4(source) && subnets.check(source, 'ipv4');
}
