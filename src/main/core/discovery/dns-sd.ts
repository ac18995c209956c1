/**
 * DNS-SD names and constants shared by the advertiser, the browser and the self-test, so that
 * what one publishes is exactly what the other looks for. See docs/PROTOCOL.md ("Discovery").
 */
import { hostname } from 'node:os';
import { truncateUtf8 } from '../../../shared/discovery/txt-record.ts';

/** Parley room servers. */
export const PARLEY_SERVICE_TYPE = '_parley._tcp';
/** The multicast self-test's own type: its probe never shows in anyone's Nearby list. */
export const SELF_TEST_SERVICE_TYPE = '_parley-check._tcp';
/** DNS-SD service type enumeration (RFC 6763 §9). */
export const SERVICE_ENUMERATION = '_services._dns-sd._udp.local';

/**
 * TTL of every record we publish, in seconds. RFC 6762 suggests 75 minutes for PTR and TXT; we
 * use the host-record TTL (2 minutes) for all of them so that a crashed server leaves other
 * implementations' caches (avahi, Bonjour) within two minutes, not 75. The traffic this costs on
 * a LAN is a few hundred bytes per server per minute and browser.
 */
export const RECORD_TTL = 120;
/** DNS labels are at most 63 bytes. */
export const MAX_LABEL_BYTES = 63;

/** The domain of a service type: "_parley._tcp" → "_parley._tcp.local". */
export function serviceDomain(type: string): string {
  return `${type}.local`;
}

/** DNS names compare case-insensitively, ASCII letters only (RFC 1035 §2.3.3). */
export function dnsLower(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * A service instance label from a server name: dots become "-" (our DNS encoder cannot escape a
 * dot inside a label), control characters are dropped, cut to 63 bytes including the " (n)"
 * suffix that tells apart servers of the same name (attempt 2 onwards).
 */
export function instanceLabel(name: string, attempt = 1): string {
  const suffix = attempt > 1 ? ` (${attempt})` : '';
  const clean = name
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/\./g, '-')
    .trim();
  const base = truncateUtf8(clean || 'Parley', MAX_LABEL_BYTES - suffix.length).trim();
  return `${base}${suffix}`;
}

/** The instance's full name: "Kitchen._parley._tcp.local". */
export function instanceName(label: string, type: string): string {
  return `${label}.${serviceDomain(type)}`;
}

/**
 * This machine's mDNS host name, as avahi and Bonjour name it: the system host name up to its
 * first dot, plus ".local" ("studio-pc" or "studio-pc.example.org" → "studio-pc.local").
 */
export function mdnsHostName(system: string = hostname()): string {
  const first = system.split('.')[0] ?? '';
  const label = truncateUtf8(first.replace(/[\u0000-\u0020\u007f]/g, ''), MAX_LABEL_BYTES);
  return `${label || 'parley'}.local`;
}
