/**
 * What `parley-server` tells a person at a terminal once it runs: where to join it from the app
 * and from a browser, whether nearby apps see it, where its data is. The JSON log on stdout is
 * for machines (and stays as it is); this goes to stderr, and only when stderr is a terminal.
 */
import { networkInterfaces } from 'node:os';
// "host:port", IPv6 in brackets: what a person types into "Connect to a server".
import { serverKeyOf } from '../../../shared/api/contract.ts';

/**
 * The addresses at which others reach a socket bound to `address`: every external address of
 * this machine when bound to all of them (IPv6 ones only when bound to `::`, and not link-local,
 * which needs a scope), else the address itself.
 */
export function reachableAddresses(address: string): string[] {
  if (address !== '::' && address !== '0.0.0.0') return [address];
  const found: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.internal) continue;
      if (entry.family === 'IPv6' && (address === '0.0.0.0' || entry.address.startsWith('fe80:'))) continue;
      found.push(entry.address);
    }
  }
  return found.length > 0 ? found : [address === '::' ? '::1' : '127.0.0.1'];
}

/** The URLs at which browsers reach the web UI bound to `address`:`port`. */
export function webUrls(address: string, port: number): string[] {
  return reachableAddresses(address).map((host) => `http://${serverKeyOf(host, port)}/`);
}

/** How the LAN announcement went (see advertiseRoomServer). */
export type AnnouncementOutcome =
  | { kind: 'off' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'announced'; instanceName: string; interfaces: readonly string[] }
  | { kind: 'failed'; reason: string };

export interface StartupFacts {
  serverName: string;
  version: string;
  /** The room server's bound address and port. */
  address: string;
  port: number;
  /** The port file transfers use (a firewall must let it through too). */
  transferPort: number;
  /** The web UI's URLs, when --web is on. */
  webUrls?: readonly string[];
  announcement: AnnouncementOutcome;
  dataDir: string;
}

/** At most this many addresses per line; the JSON log lists them all. */
const MAX_SHOWN = 4;

function list(items: readonly string[]): string {
  const shown = items.slice(0, MAX_SHOWN).join(', ');
  return items.length > MAX_SHOWN ? `${shown} (+${items.length - MAX_SHOWN} more)` : shown;
}

function nearbyLine(outcome: AnnouncementOutcome): string {
  switch (outcome.kind) {
    case 'off':
      return 'not announced (--no-mdns): join by address';
    case 'skipped':
      return `not announced (${outcome.reason}): join by address`;
    case 'failed':
      return `could not announce (${outcome.reason}): join by address`;
    case 'announced':
      return `apps on the LAN list it as "${outcome.instanceName}" (${list(outcome.interfaces)})`;
  }
}

/** The summary, a few aligned lines ending with a newline. */
export function startupSummary(facts: StartupFacts): string {
  const rows: [string, string][] = [
    ['App', list(reachableAddresses(facts.address).map((host) => serverKeyOf(host, facts.port)))],
  ];
  if (facts.webUrls) rows.push(['Browser', list(facts.webUrls)]);
  rows.push(
    ['Files', `TCP port ${facts.transferPort} (open it next to ${facts.port} in a firewall)`],
    ['Nearby', nearbyLine(facts.announcement)],
    ['Data', facts.dataDir],
  );
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return [
    `Parley server "${facts.serverName}" is running (Parley ${facts.version}).`,
    ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)}${value}`),
    'Stop it with Ctrl-C. The JSON log goes to standard output.',
    '',
  ].join('\n');
}
