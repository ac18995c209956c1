/**
 * Which interfaces discovery uses (virtual ones recognised and listed, switched off by name,
 * loopback only as a last resort) and how DNS-SD names are made from server and host names.
 */
import type { NetworkInterfaceInfo as OsAddress } from 'node:os';
import { describe, expect, it } from 'vitest';
import { instanceLabel, mdnsHostName } from '../../src/main/core/discovery/dns-sd.ts';
import {
  classifyInterface,
  discoveryInterfaces,
  listNetworkInterfaces,
  ipv4LinkMatcher,
} from '../../src/main/core/discovery/network-interfaces.ts';

function v4(address: string, netmask = '255.255.255.0', internal = false): OsAddress {
  return { address, netmask, family: 'IPv4', mac: '02:00:00:00:00:01', internal, cidr: null };
}
function v6(address: string, internal = false): OsAddress {
  return {
    address,
    netmask: 'ffff:ffff:ffff:ffff::',
    family: 'IPv6',
    mac: '02:00:00:00:00:01',
    internal,
    cidr: null,
    scopeid: 0,
  };
}

const LOOPBACK = { lo: [v4('127.0.0.1', '255.0.0.0', true), v6('::1', true)] };

describe('network interfaces', () => {
  it.each([
    ['docker0', 'Docker'],
    ['br-3f2a9c', 'Docker network'],
    ['veth12ab', 'Container link'],
    ['virbr0', 'Virtual machines (libvirt)'],
    ['vboxnet0', 'VirtualBox'],
    ['vmnet8', 'VMware'],
    ['tun0', 'VPN tunnel'],
    ['tap1', 'VPN tunnel'],
    ['utun3', 'VPN tunnel'],
    ['ppp0', 'VPN tunnel'],
    ['ipsec0', 'VPN tunnel'],
    ['wg0', 'WireGuard VPN'],
    ['tailscale0', 'Tailscale VPN'],
    ['ztabcdef', 'ZeroTier VPN'],
    ['vEthernet (WSL)', 'Hyper-V / WSL'],
    ['br0', 'Bridge'],
  ])('%s is virtual: %s', (name, kind) => {
    expect(classifyInterface(name)).toEqual({ virtual: true, kind });
  });

  it.each([
    ['eth0', 'Ethernet'],
    ['enp3s0', 'Ethernet'],
    ['wlan0', 'Wi-Fi'],
    ['wlp2s0', 'Wi-Fi'],
    ['Wi-Fi', 'Wi-Fi'],
    ['en0', 'Network'],
  ])('%s is a real adapter: %s', (name, kind) => {
    expect(classifyInterface(name)).toEqual({ virtual: false, kind });
  });

  it('lists real and virtual interfaces (virtual ones enabled), IPv4 first, without loopback', () => {
    const source = () => ({
      ...LOOPBACK,
      eth0: [v6('fe80::1'), v4('192.168.1.20'), v6('2001:db8::20')],
      docker0: [v4('172.17.0.1', '255.255.0.0')],
      wg0: [v4('10.8.0.2')],
      v6only: [v6('fe80::9')],
    });
    const list = listNetworkInterfaces({ source });
    expect(list.map((i) => [i.name, i.kind, i.virtual, i.enabled, i.usable])).toEqual([
      ['eth0', 'Ethernet', false, true, true],
      ['docker0', 'Docker', true, true, true],
      ['wg0', 'WireGuard VPN', true, true, true],
      ['v6only', 'Network', false, true, false],
    ]);
    expect(list[0]!.addresses.map((a) => [a.address, a.linkLocal])).toEqual([
      ['192.168.1.20', false],
      ['fe80::1', true],
      ['2001:db8::20', false],
    ]);
    // Switched off by name; IPv6-only ones cannot carry our (IPv4) mDNS.
    expect(discoveryInterfaces({ source, disabled: ['docker0'] }).map((i) => i.name)).toEqual(['eth0', 'wg0']);
    expect(listNetworkInterfaces({ source, disabled: ['docker0'] }).find((i) => i.name === 'docker0')?.enabled).toBe(
      false,
    );
  });

  it('falls back to loopback when nothing else has an IPv4 address', () => {
    expect(
      listNetworkInterfaces({ source: () => ({ ...LOOPBACK, v6only: [v6('fe80::9')] }) }).map((i) => [i.name, i.kind]),
    ).toEqual([
      ['lo', 'Loopback'],
      ['v6only', 'Network'],
    ]);
    expect(discoveryInterfaces({ source: () => LOOPBACK }).map((i) => i.name)).toEqual(['lo']);
    expect(discoveryInterfaces({ source: () => LOOPBACK, disabled: ['lo'] })).toEqual([]);
    expect(listNetworkInterfaces({ source: () => ({}) })).toEqual([]);
  });

  it('tells whether an address is on an IPv4 subnet', () => {
    const sameIPv4Subnet = (address: string, own: string, netmask: string) =>
      ipv4LinkMatcher([{ address: own, family: 'IPv4', netmask }])(address);
    expect(sameIPv4Subnet('192.168.1.77', '192.168.1.20', '255.255.255.0')).toBe(true);
    expect(sameIPv4Subnet('192.168.2.77', '192.168.1.20', '255.255.255.0')).toBe(false);
    expect(sameIPv4Subnet('172.17.200.1', '172.17.0.1', '255.255.0.0')).toBe(true);
    expect(sameIPv4Subnet('10.0.0.1', '192.168.1.20', '0.0.0.0')).toBe(true);
    expect(sameIPv4Subnet('fe80::1', '192.168.1.20', '255.255.255.0')).toBe(false);
    expect(sameIPv4Subnet('192.168.1.256', '192.168.1.20', '255.255.255.0')).toBe(false);
    // Any of the interface's subnets; IPv6 entries are not subnets to match here.
    const link = ipv4LinkMatcher([
      { address: '192.168.1.20', family: 'IPv4', netmask: '255.255.255.0' },
      { address: '10.8.0.2', family: 'IPv4', netmask: '255.255.0.0' },
      { address: 'fe80::1', family: 'IPv6', netmask: 'ffff:ffff:ffff:ffff::' },
    ]);
    expect([link('10.8.44.1'), link('192.168.1.9'), link('192.168.3.9'), link('fe80::2')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('DNS-SD names', () => {
  it('instance labels: the server name, dots replaced, numbered from the second, at most 63 bytes', () => {
    expect(instanceLabel('Kitchen')).toBe('Kitchen');
    expect(instanceLabel('Kitchen', 2)).toBe('Kitchen (2)');
    expect(instanceLabel('v1.2 rooms')).toBe('v1-2 rooms');
    expect(instanceLabel('tab\there')).toBe('tabhere');
    expect(instanceLabel('')).toBe('Parley');
    const long = instanceLabel('🦜'.repeat(64), 12);
    expect(new TextEncoder().encode(long).length).toBeLessThanOrEqual(63);
    expect(long.endsWith(' (12)')).toBe(true);
  });

  it('host name: the system name up to its first dot, in .local', () => {
    expect(mdnsHostName('studio-pc')).toBe('studio-pc.local');
    expect(mdnsHostName('studio-pc.example.org')).toBe('studio-pc.local');
    expect(mdnsHostName('Ada-MacBook.local')).toBe('Ada-MacBook.local');
    expect(mdnsHostName('')).toBe('parley.local');
  });
});
