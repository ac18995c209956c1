/**
 * Parses what a person types into "Connect to a server": `host`, `host:port`, `1.2.3.4:7275`,
 * `[fe80::1]:7275` or a bare IPv6 address. The port defaults to Parley's.
 */
import { DEFAULT_PORT } from '../../../../shared/protocol/constants.ts';

export type AddressCheck = { ok: true; host: string; port: number } | { ok: false; reason: string };

const HOSTNAME_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/iu;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/u;
const IPV6 = /^[0-9a-f:.]+(%[\w.-]+)?$/iu;

function checkPort(text: string): number | null {
  if (!/^\d{1,5}$/u.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

function isHostname(host: string): boolean {
  if (host.length > 253) return false;
  const ipv4 = IPV4.exec(host);
  if (ipv4) return ipv4.slice(1).every((part) => Number(part) <= 255);
  // All-numeric dotted names that are not valid IPv4 (e.g. 300.1.1.1) are typos, not host names.
  if (/^[\d.]+$/u.test(host)) return false;
  return host
    .replace(/\.$/u, '')
    .split('.')
    .every((label) => HOSTNAME_LABEL.test(label));
}

function isIpv6(host: string): boolean {
  return host.includes(':') && IPV6.test(host) && host.length <= 64;
}

export function parseAddress(input: string): AddressCheck {
  const text = input.trim().replace(/^parley:\/\//iu, '');
  if (text === '') return { ok: false, reason: 'Enter an address, for example 192.168.1.20:7275' };
  if (/\s/u.test(text)) return { ok: false, reason: 'An address has no spaces' };

  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/u.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
    if (!isIpv6(host)) return { ok: false, reason: `“${host}” is not an IPv6 address` };
  } else if ((text.match(/:/gu) ?? []).length > 1) {
    host = text; // a bare IPv6 address: no port possible without brackets
    if (!isIpv6(host)) return { ok: false, reason: 'Put an IPv6 address in brackets: [fe80::1]:7275' };
  } else {
    const colon = text.lastIndexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
    if (!isHostname(host)) return { ok: false, reason: `“${host}” is not a valid host name or IP address` };
  }

  if (portText === undefined) return { ok: true, host, port: DEFAULT_PORT };
  const port = checkPort(portText);
  if (port === null) return { ok: false, reason: 'The port must be a number from 1 to 65535' };
  return { ok: true, host, port };
}
