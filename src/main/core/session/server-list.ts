/**
 * The servers the user remembers (the profile's list, saved through the ProfileStore) and the
 * server view the app shows for each: the remembered entry, the live client's state if any, and
 * whether it is the hosted one.
 */
import { serverKeyOf, type ServerView } from '../../../shared/api/contract.ts';
import { describeError } from '../describe-error.ts';
import type { Logger } from '../server/logger.ts';
import type { LiveServer } from './live-server.ts';
import { MAX_REMEMBERED_SERVERS, type Profile, type ProfileServer, type ProfileStore } from './profile.ts';

/** "[::1]" → "::1", "Example.LAN" → "example.lan": one spelling, one key. */
export function normalizeHost(host: string): string {
  const trimmed = host.trim().toLowerCase();
  return trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
}

export class ServerList {
  readonly profile: Profile;
  private readonly store: ProfileStore;
  private readonly log: Logger;

  constructor(store: ProfileStore, log: Logger) {
    this.store = store;
    this.log = log;
    this.profile = store.load();
  }

  saved(key: string): ProfileServer | undefined {
    return this.profile.servers.find((s) => serverKeyOf(s.host, s.port) === key);
  }

  keys(): string[] {
    return this.profile.servers.map((s) => serverKeyOf(s.host, s.port));
  }

  /**
   * Finds or adds the remembered entry for an address, applies `patch` and saves. `toFront`
   * moves it to the head of the list (most recently used first); the list is capped.
   */
  remember(host: string, port: number, patch: Partial<ProfileServer> = {}, toFront = true): ProfileServer {
    const key = serverKeyOf(host, port);
    const servers = this.profile.servers;
    const index = servers.findIndex((s) => serverKeyOf(s.host, s.port) === key);
    const current: ProfileServer =
      index >= 0 ? servers[index]! : { host, port, name: key, serverId: null, credentials: null, lastConnected: null };
    Object.assign(current, patch);
    if (index < 0 || toFront) {
      if (index >= 0) servers.splice(index, 1);
      servers.unshift(current);
      servers.length = Math.min(servers.length, MAX_REMEMBERED_SERVERS);
    }
    this.persist();
    return current;
  }

  /** Removes a remembered server; true if it was there. */
  forget(key: string): boolean {
    const before = this.profile.servers.length;
    this.profile.servers = this.profile.servers.filter((s) => serverKeyOf(s.host, s.port) !== key);
    if (this.profile.servers.length === before) return false;
    this.persist();
    return true;
  }

  persist(): void {
    try {
      this.store.save(this.profile);
    } catch (error) {
      this.log.error({ err: describeError(error) }, 'saving the profile failed');
    }
  }

  /** The view of one server: remembered entry, live state (if any), hosted or not. */
  view(key: string, entry: LiveServer | undefined, hosted: boolean): ServerView {
    const saved = this.saved(key);
    if (entry) entry.reportedUnsent = entry.client.unacknowledged;
    return {
      key,
      host: entry?.host ?? saved?.host ?? key,
      port: entry?.port ?? saved?.port ?? 0,
      name: saved?.name ?? key,
      serverId: saved?.serverId ?? null,
      status: entry?.status ?? 'idle',
      retryAt: entry?.retryAt ?? null,
      error: entry?.error ? { ...entry.error } : null,
      self: entry?.self ? { ...entry.self } : null,
      limits: entry?.limits ? { ...entry.limits } : null,
      hosted,
      unsent: entry?.client.unacknowledged ?? 0,
      lastConnected: saved?.lastConnected ?? null,
    };
  }

  /**
   * Hosted first, then live servers in the order the user opened them (a reconnect does not make
   * the list jump), then remembered ones, most recently connected first.
   */
  sort(views: ServerView[]): ServerView[] {
    const order = new Map(this.keys().map((key, index) => [key, index]));
    const rank = (view: ServerView) => (view.hosted ? 0 : view.status !== 'idle' ? 1 : 2);
    return views.sort((a, b) => {
      const byRank = rank(a) - rank(b);
      if (byRank !== 0) return byRank;
      if (rank(a) === 2) {
        const byRecent = (b.lastConnected ?? -1) - (a.lastConnected ?? -1);
        if (byRecent !== 0) return byRecent;
      }
      return (order.get(a.key) ?? -1) - (order.get(b.key) ?? -1);
    });
  }
}
