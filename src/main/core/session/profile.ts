/**
 * What the app remembers between runs: the display name and the servers it connected to, with
 * the credentials each one issued (so that we come back as the same user), and a few settings.
 *
 * Profiles are read from a file (desktop) or from browser storage (web build): both are
 * untrusted, so `parseProfile` accepts anything, never throws, and keeps only what is valid.
 */
import { z } from 'zod';
import { serverKeyOf } from '../../../shared/api/contract.ts';
import { checkDisplayName } from '../../../shared/text-rules.ts';

/** Servers remembered at most (most recently used first); older ones are dropped. */
export const MAX_REMEMBERED_SERVERS = 50;

const CREDENTIALS_SCHEMA = z.object({
  userId: z.string().min(1).max(64),
  token: z.string().min(1).max(128),
});

const DISPLAY_NAME_SCHEMA = z.string().refine((raw) => {
  const check = checkDisplayName(raw);
  return check.ok && check.value === raw;
}, 'not a valid display name');

export const PROFILE_SERVER_SCHEMA = z.object({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  /** The server's own name from its last welcome, or the address until then. */
  name: z.string().max(512),
  serverId: z.string().min(1).max(64).nullable(),
  credentials: CREDENTIALS_SCHEMA.nullable(),
  /** When the last welcome from it arrived (ms since the epoch). */
  lastConnected: z.number().int().nonnegative().safe().nullable(),
});

/** Interface names are short ("eth0", "vEthernet (WSL)"); a few dozen at most. */
export const MAX_DISABLED_INTERFACES = 64;
const INTERFACE_NAME_SCHEMA = z.string().min(1).max(64);

export const PROFILE_SCHEMA = z.object({
  displayName: DISPLAY_NAME_SCHEMA.nullable(),
  servers: z.array(PROFILE_SERVER_SCHEMA).max(MAX_REMEMBERED_SERVERS),
  /** Network interfaces the user switched off for discovery (by name). */
  disabledInterfaces: z.array(INTERFACE_NAME_SCHEMA).max(MAX_DISABLED_INTERFACES),
  /**
   * Desktop: ask where to save each download (a save dialog) instead of using the Downloads
   * folder. Optional: profiles written before issue 12 lack it, and mean false.
   */
  askWhereToSave: z.boolean().optional(),
});

export type ProfileServer = z.infer<typeof PROFILE_SERVER_SCHEMA>;
export type Profile = z.infer<typeof PROFILE_SCHEMA>;

/** Where the session keeps the profile. `save` is called after every change. */
export interface ProfileStore {
  load(): Profile;
  save(profile: Profile): void;
}

export function emptyProfile(): Profile {
  return { displayName: null, servers: [], disabledInterfaces: [] };
}

/**
 * A lenient reading of one server entry: optional fields an older build did not write are
 * filled in; an entry without a usable address is dropped (undefined).
 */
const LENIENT_SERVER_SCHEMA = z.object({
  host: PROFILE_SERVER_SCHEMA.shape.host,
  port: PROFILE_SERVER_SCHEMA.shape.port,
  name: PROFILE_SERVER_SCHEMA.shape.name.optional().catch(undefined),
  serverId: PROFILE_SERVER_SCHEMA.shape.serverId.optional().catch(null),
  credentials: PROFILE_SERVER_SCHEMA.shape.credentials.optional().catch(null),
  lastConnected: PROFILE_SERVER_SCHEMA.shape.lastConnected.optional().catch(null),
});

/** Scanning stops after this many entries, whatever the input holds. */
const MAX_SCANNED_ENTRIES = 1000;

/**
 * Reads a profile from anything (parsed JSON from a file or browser storage). Never throws:
 * invalid input gives the empty profile, invalid fields are reset and invalid or duplicate
 * server entries are dropped; at most MAX_REMEMBERED_SERVERS are kept, in the order given.
 */
export function parseProfile(input: unknown): Profile {
  const profile = emptyProfile();
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return profile;
  const record = input as Record<string, unknown>;
  const name = readOwn(record, 'displayName');
  if (typeof name === 'string') {
    const check = checkDisplayName(name);
    if (check.ok) profile.displayName = check.value;
  }
  const disabled = readOwn(record, 'disabledInterfaces');
  if (Array.isArray(disabled)) {
    const names = disabled.slice(0, MAX_SCANNED_ENTRIES).filter((n) => INTERFACE_NAME_SCHEMA.safeParse(n).success);
    profile.disabledInterfaces = [...new Set(names as string[])].slice(0, MAX_DISABLED_INTERFACES);
  }
  if (readOwn(record, 'askWhereToSave') === true) profile.askWhereToSave = true;
  const servers = readOwn(record, 'servers');
  if (!Array.isArray(servers)) return profile;
  const seen = new Set<string>();
  for (const raw of servers.slice(0, MAX_SCANNED_ENTRIES)) {
    if (profile.servers.length >= MAX_REMEMBERED_SERVERS) break;
    const parsed = LENIENT_SERVER_SCHEMA.safeParse(raw);
    if (!parsed.success) continue;
    const { host, port } = parsed.data;
    const key = serverKeyOf(host, port);
    if (seen.has(key)) continue;
    seen.add(key);
    profile.servers.push({
      host,
      port,
      name: parsed.data.name ?? key,
      serverId: parsed.data.serverId ?? null,
      credentials: parsed.data.credentials ?? null,
      lastConnected: parsed.data.lastConnected ?? null,
    });
  }
  return profile;
}

/** An own property only: a parsed `{"__proto__": …}` or an inherited getter is not data. */
function readOwn(record: Record<string, unknown>, key: string): unknown {
  try {
    return Object.hasOwn(record, key) ? record[key] : undefined;
  } catch {
    return undefined; // a throwing getter (proxy) from a hostile embedder
  }
}

function copy(profile: Profile): Profile {
  return structuredClone(profile);
}

/** Keeps the profile in memory only (tests; a browser session before storage is wired). */
export class InMemoryProfileStore implements ProfileStore {
  private profile: Profile;

  constructor(initial: unknown = emptyProfile()) {
    this.profile = parseProfile(initial);
  }

  load(): Profile {
    return copy(this.profile);
  }

  save(profile: Profile): void {
    this.profile = copy(profile);
  }
}
