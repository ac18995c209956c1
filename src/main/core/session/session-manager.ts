/**
 * The session layer: implements the app contract (src/shared/api/contract.ts) on top of the
 * protocol client, in plain Node. Electron main exposes it over IPC; the browser gateway exposes
 * it over a WebSocket. It owns one ParleyClient per server the user is connected to, remembers
 * servers, names and credentials in a ProfileStore, and optionally controls a hosted room server.
 *
 * Every client event is re-emitted as a contract event tagged with the server key ("host:port").
 * Calls reject with ApiError: a protocol error code (name_taken, room_not_found, …) or one of the
 * session's own: name_required, name_invalid, not_connected, not_allowed, not_supported.
 */
import type { ServerLimits, UserRef } from '../../../shared/protocol/server-frames.ts';
import {
  serverKeyOf,
  type ApiArgs,
  type ApiEventName,
  type ApiEvents,
  type ApiResults,
  type AppInfo,
  type DiscoveryDiagnostics,
  type NearbyServer,
  type NearbyServerView,
  type NetworkInterfaceView,
  type HostView,
  type ParleyApiCalls,
  type ServerStatus,
  type ServerView,
  type Unsubscribe,
} from '../../../shared/api/contract.ts';
import { ApiError } from '../../../shared/api/proxy.ts';
import { checkDisplayName, checkRoomName } from '../../../shared/text-rules.ts';
import {
  ParleyClient,
  ParleyError,
  type ConnectionStatus,
  type ParleyClientOptions,
  type Welcome,
} from '../client/parley-client.ts';
import { firstReachable } from '../discovery/first-reachable.ts';
import { silentLogger, type Logger } from '../server/logger.ts';
import {
  MAX_DISABLED_INTERFACES,
  MAX_REMEMBERED_SERVERS,
  type Profile,
  type ProfileServer,
  type ProfileStore,
} from './profile.ts';

/** Runs a room server for "Host a room"; the desktop app injects one (see core/host). */
export interface HostController {
  /** Starts the server; resolves with the port it actually listens on. */
  start(options: { port?: number; name: string }): Promise<{ port: number }>;
  stop(): Promise<void>;
  /** Optional: the running server's id (to mark it in the Nearby list). */
  readonly serverId?: string | null;
  /** Optional: reports that the server stopped by itself (crashed). Returns an unsubscribe. */
  onExit?(listener: (error: Error) => void): Unsubscribe;
}

/**
 * LAN discovery for the session; the desktop app injects one (see core/discovery). Without it,
 * the Nearby list stays empty and the discovery calls answer not_supported.
 */
export interface DiscoveryController {
  /** The servers found right now. */
  list(): NearbyServer[];
  /** Calls the listener with the whole list whenever it changes. */
  onChanged(listener: (servers: NearbyServer[]) => void): Unsubscribe;
  interfaces(): NetworkInterfaceView[];
  /** Applies the interfaces the user switched off (browsing and the hosted server's announcements). */
  setDisabledInterfaces(names: readonly string[]): void;
  /** Runs the checks of the diagnostics view; `advertising` and `nearbyCount` are the session's. */
  diagnose(): Promise<Omit<DiscoveryDiagnostics, 'advertising' | 'nearbyCount'>>;
}

export type SessionEventListener = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

export interface SessionManagerOptions {
  app: AppInfo;
  profile: ProfileStore;
  host?: HostController;
  discovery?: DiscoveryController;
  /** When set, connectServer accepts only this address (the browser build is no open proxy). */
  allowedServer?: { host: string; port: number };
  /** Software name sent in hello, for server logs. */
  clientName?: string;
  /** Client tuning (tests pass small backoffs); address, name and credentials are the session's. */
  clientOptions?: Partial<Omit<ParleyClientOptions, 'host' | 'port' | 'name' | 'credentials'>>;
  /** How long connectServer waits for the first attempt before returning the view (default 5 s). */
  connectWaitMs?: number;
  logger?: Logger;
}

/** The address of a hosted server, as the host itself connects to it. */
const HOSTED_CONNECT_HOST = '127.0.0.1';

/** A server with a live client (connecting, connected, reconnecting, or failed until dismissed). */
interface LiveServer {
  key: string;
  host: string;
  port: number;
  client: ParleyClient;
  status: ServerStatus;
  retryAt: number | null;
  error: { code: string; message: string } | null;
  self: UserRef | null;
  limits: ServerLimits | null;
  /** The display name the user chose, applied after every welcome that carries another. */
  wantedName: string;
  /** A fatal error frame from the server, explaining the disconnect that follows it. */
  serverError: { code: string; message: string } | undefined;
  /** msgIds queued and not settled yet: a second sendMessage with one of them is a no-op. */
  sending: Set<string>;
  /** The unsent count last reported in a serverChanged. */
  reportedUnsent: number;
  /** A serverChanged for a new unsent count is scheduled (one per tick, however many acks). */
  unsentReportScheduled: boolean;
  /** Settles once the first attempt is over (welcome, refusal, retry scheduled, or timeout). */
  firstAttempt: Promise<void>;
  settleFirstAttempt: () => void;
  /** Set when the session closed this client: its later events are ignored. */
  dropped: boolean;
  /** A name_taken notice was emitted since the last time we got in. */
  noticed: boolean;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A client or request error as the ApiError a call rejects with. */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ParleyError) {
    // Lost or closed connections read the same to the UI as "not connected right now".
    const code = error.code === 'disconnected' || error.code === 'closed' ? 'not_connected' : error.code;
    return new ApiError(code, error.message);
  }
  return new ApiError('internal', describe(error));
}

/** "[::1]" → "::1", "Example.LAN" → "example.lan": one spelling, one key. */
function normalizeHost(host: string): string {
  const trimmed = host.trim().toLowerCase();
  return trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
}

const STOPPED_HOST: HostView = { status: 'stopped', name: null, port: null, serverKey: null, error: null };

export class SessionManager implements ParleyApiCalls {
  private readonly options: SessionManagerOptions;
  private readonly store: ProfileStore;
  private readonly log: Logger;
  private profile: Profile;
  private readonly live = new Map<string, LiveServer>();
  private readonly listeners = new Set<SessionEventListener>();
  private hostState: HostView = { ...STOPPED_HOST };
  /** Host starts and stops run one after the other. */
  private hostQueue: Promise<unknown> = Promise.resolve();
  private readonly unsubscribeHostExit: Unsubscribe | undefined;
  private readonly unsubscribeNearby: Unsubscribe | undefined;
  /** The last Nearby list sent, to send nearbyChanged only when a view changed. */
  private lastNearby = '[]';
  private closed = false;

  constructor(options: SessionManagerOptions) {
    this.options = options;
    this.store = options.profile;
    this.log = options.logger ?? silentLogger;
    this.profile = this.store.load();
    this.unsubscribeHostExit = options.host?.onExit?.((error) => this.onHostExit(error));
    options.discovery?.setDisabledInterfaces(this.profile.disabledInterfaces);
    this.unsubscribeNearby = options.discovery?.onChanged(() => this.reportNearby());
  }

  /** Subscribes to every contract event; returns the unsubscribe function. */
  onEvent(listener: SessionEventListener): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Disconnects from every server and stops hosting. The session is unusable afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const entry of [...this.live.values()]) this.drop(entry);
    this.unsubscribeHostExit?.();
    this.unsubscribeNearby?.();
    const host = this.options.host;
    if (host) {
      await this.serializeHost(async () => {
        if (this.hostState.status === 'running') await host.stop().catch((error) => this.logHostStopError(error));
        this.hostState = { ...STOPPED_HOST };
      });
    }
    this.listeners.clear();
  }

  // ── app and settings ───────────────────────────────────────────────────────────────────────

  async getAppInfo(): Promise<AppInfo> {
    return { ...this.options.app };
  }

  async getSettings(): Promise<ApiResults['getSettings']> {
    return { displayName: this.profile.displayName };
  }

  async setDisplayName(...[raw]: ApiArgs<'setDisplayName'>): Promise<ApiResults['setDisplayName']> {
    this.assertOpen();
    const check = checkDisplayName(raw);
    if (!check.ok) throw new ApiError('name_invalid', check.reason);
    const name = check.value;
    this.profile.displayName = name;
    this.persist();
    this.emit('settingsChanged', { displayName: name });
    // Servers not connected right now get the name after their next welcome (see onWelcome).
    for (const entry of this.live.values()) {
      entry.wantedName = name;
      if (!entry.client.connected) entry.client.preferName(name);
    }
    const connected = [...this.live.values()].filter((entry) => entry.client.connected);
    const servers = await Promise.all(
      connected.map(async (entry): Promise<ApiResults['setDisplayName']['servers'][number]> => {
        try {
          await this.applyName(entry, name);
          return { key: entry.key, ok: true };
        } catch (error) {
          const { code, message } = toApiError(error);
          return { key: entry.key, ok: false, code, message };
        }
      }),
    );
    return { displayName: name, servers };
  }

  async openLink(..._args: ApiArgs<'openLink'>): Promise<void> {
    // The desktop app overrides this with the system browser; a browser opens links itself.
    throw new ApiError('not_supported', 'Opening links is not available here');
  }

  // ── servers ────────────────────────────────────────────────────────────────────────────────

  async listServers(): Promise<ServerView[]> {
    const keys = new Set<string>(this.profile.servers.map((s) => serverKeyOf(s.host, s.port)));
    for (const key of this.live.keys()) keys.add(key);
    const order = new Map(this.profile.servers.map((s, index) => [serverKeyOf(s.host, s.port), index]));
    const rank = (view: ServerView) => (view.hosted ? 0 : view.status !== 'idle' ? 1 : 2);
    return [...keys]
      .map((key) => this.view(key))
      .sort((a, b) => {
        const byRank = rank(a) - rank(b);
        if (byRank !== 0) return byRank;
        // Remembered servers: most recently connected first. Live ones keep the order in which
        // the user opened them, so a reconnect does not make the list jump.
        if (rank(a) === 2) {
          const byRecent = (b.lastConnected ?? -1) - (a.lastConnected ?? -1);
          if (byRecent !== 0) return byRecent;
        }
        return (order.get(a.key) ?? -1) - (order.get(b.key) ?? -1);
      });
  }

  async connectServer(...[address]: ApiArgs<'connectServer'>): Promise<ServerView> {
    this.assertOpen();
    const host = normalizeHost(address.host);
    const allowed = this.options.allowedServer;
    if (allowed && (host !== normalizeHost(allowed.host) || address.port !== allowed.port)) {
      throw new ApiError(
        'not_allowed',
        `Only ${serverKeyOf(normalizeHost(allowed.host), allowed.port)} can be joined from here`,
      );
    }
    return this.connect(host, address.port);
  }

  async disconnectServer(...[key]: ApiArgs<'disconnectServer'>): Promise<void> {
    const entry = this.live.get(key);
    if (!entry) return;
    this.drop(entry);
    if (this.saved(key)) this.emit('serverChanged', this.view(key));
  }

  async forgetServer(...[key]: ApiArgs<'forgetServer'>): Promise<void> {
    const entry = this.live.get(key);
    if (entry) this.drop(entry);
    const before = this.profile.servers.length;
    this.profile.servers = this.profile.servers.filter((s) => serverKeyOf(s.host, s.port) !== key);
    if (this.profile.servers.length !== before) this.persist();
    if (entry || this.profile.servers.length !== before) this.emit('serverRemoved', { key });
  }

  // ── rooms, history, messages ───────────────────────────────────────────────────────────────

  async listRooms(...[key]: ApiArgs<'listRooms'>): Promise<ApiResults['listRooms']> {
    return this.request(key, async (client) => (await client.listRooms()).rooms);
  }

  async createRoom(...[key, room]: ApiArgs<'createRoom'>): Promise<ApiResults['createRoom']> {
    return this.request(key, async (client) => (await client.createRoom(room.name, room.topic)).room);
  }

  async joinRoom(...[key, room, since]: ApiArgs<'joinRoom'>): Promise<ApiResults['joinRoom']> {
    return this.request(key, (client) => client.joinRoom(room, since === undefined ? {} : { since: since.since }));
  }

  async leaveRoom(...[key, room]: ApiArgs<'leaveRoom'>): Promise<void> {
    return this.request(key, (client) => client.leaveRoom(room));
  }

  async loadOlder(...[key, target, before]: ApiArgs<'loadOlder'>): Promise<ApiResults['loadOlder']> {
    return this.request(key, (client) => client.history(target, { before }));
  }

  async loadLatest(...[key, target]: ApiArgs<'loadLatest'>): Promise<ApiResults['loadLatest']> {
    return this.request(key, (client) => client.history(target));
  }

  async listDms(...[key]: ApiArgs<'listDms'>): Promise<ApiResults['listDms']> {
    return this.request(key, async (client) => (await client.dmList()).conversations);
  }

  /**
   * Queues a message and resolves at once, also while reconnecting (the client resends it with
   * the same msgId). The stored message arrives as a `message` event; a refusal as `sendFailed`.
   */
  async sendMessage(...[key, target, text, msgId]: ApiArgs<'sendMessage'>): Promise<void> {
    const entry = this.live.get(key);
    if (!entry || entry.status === 'failed') throw new ApiError('not_connected', `Not connected to ${key}`);
    if (entry.sending.has(msgId)) return; // already queued: the outcome arrives once
    entry.sending.add(msgId);
    const settled = () => {
      entry.sending.delete(msgId);
      this.reportUnsent(entry);
    };
    entry.client.sendMessage(target, text, msgId).then(settled, (error: unknown) => {
      // The server's code (text_too_long, not_member, …), or the client's: "closed" when the user
      // disconnected first, "disconnected" when the server refused to take us back.
      const code = error instanceof ParleyError ? error.code : 'internal';
      this.emit('sendFailed', { server: key, msgId, code, reason: describe(error) });
      settled();
    });
    this.reportUnsent(entry);
  }

  // ── nearby servers (LAN discovery) ─────────────────────────────────────────────────────────

  async listNearby(): Promise<NearbyServerView[]> {
    return this.nearbyViews();
  }

  /**
   * Connects to a nearby server: the one already in the list when we know it by id, else the
   * first of its advertised addresses that answers (see firstReachable).
   */
  async connectNearby(...[id]: ApiArgs<'connectNearby'>): Promise<ServerView> {
    this.assertOpen();
    const discovery = this.requireDiscovery();
    const found = discovery.list().find((s) => s.id === id);
    if (!found) throw new ApiError('not_found', 'That server is not nearby any more');
    const connected = this.liveKeyOf(id);
    const entry = connected === null ? undefined : this.live.get(connected);
    if (entry) return this.connect(entry.host, entry.port);
    const address = await firstReachable(found.addresses, found.port);
    if (address === null) {
      throw new ApiError(
        'unreachable',
        `${found.name} did not answer at ${found.addresses.join(', ')} (port ${found.port}). A firewall may block it.`,
      );
    }
    const host = normalizeHost(address);
    const key = serverKeyOf(host, found.port);
    const known = this.live.has(key) || this.saved(key) !== undefined;
    const view = await this.connect(host, found.port);
    // A shared or spoofed host name can lead to another server: the id in its welcome decides.
    if (view.serverId !== null && view.serverId !== id) {
      if (known) await this.disconnectServer(key);
      else await this.forgetServer(key);
      throw new ApiError('wrong_server', `${address} is another server (${view.name}), not ${found.name}`);
    }
    return view;
  }

  async listInterfaces(): Promise<NetworkInterfaceView[]> {
    return this.requireDiscovery().interfaces();
  }

  async setInterfaceEnabled(...[name, enabled]: ApiArgs<'setInterfaceEnabled'>): Promise<NetworkInterfaceView[]> {
    const discovery = this.requireDiscovery();
    const disabled = new Set(this.profile.disabledInterfaces);
    if (enabled) disabled.delete(name);
    else if (disabled.size >= MAX_DISABLED_INTERFACES) {
      throw new ApiError('too_many', 'Too many interfaces are switched off');
    } else disabled.add(name);
    this.profile.disabledInterfaces = [...disabled];
    this.persist();
    discovery.setDisabledInterfaces(this.profile.disabledInterfaces);
    return discovery.interfaces();
  }

  async runDiagnostics(): Promise<DiscoveryDiagnostics> {
    const discovery = this.requireDiscovery();
    const checks = await discovery.diagnose();
    const hosting = this.hostState.status === 'running' && this.hostState.port !== null;
    return {
      ...checks,
      advertising: hosting ? { name: this.hostState.name ?? '', port: this.hostState.port! } : null,
      nearbyCount: discovery.list().length,
    };
  }

  private requireDiscovery(): DiscoveryController {
    const discovery = this.options.discovery;
    if (!discovery) throw new ApiError('not_supported', 'Finding servers on the network is not available here');
    return discovery;
  }

  /** The key of the server we are connected (or connecting) to with this server id, if any. */
  private liveKeyOf(serverId: string): string | null {
    for (const entry of this.live.values()) {
      if (entry.status !== 'failed' && this.saved(entry.key)?.serverId === serverId) return entry.key;
    }
    return null;
  }

  private nearbyViews(): NearbyServerView[] {
    const hostedKey = this.hostState.status === 'running' ? this.hostState.serverKey : null;
    const hostedId =
      hostedKey === null ? null : (this.options.host?.serverId ?? this.saved(hostedKey)?.serverId ?? null);
    return (this.options.discovery?.list() ?? []).map((server) => ({
      ...server,
      hosted: server.id === hostedId,
      serverKey: this.liveKeyOf(server.id),
    }));
  }

  /** Sends nearbyChanged when the list, or how it relates to our connections, changed. */
  private reportNearby(): void {
    if (!this.options.discovery || this.closed) return;
    const views = this.nearbyViews();
    const json = JSON.stringify(views.map(({ lastSeen: _lastSeen, ...rest }) => rest));
    if (json === this.lastNearby) return;
    this.lastNearby = json;
    this.emit('nearbyChanged', views);
  }

  // ── hosting ────────────────────────────────────────────────────────────────────────────────

  async getHostStatus(): Promise<HostView> {
    return { ...this.hostState };
  }

  /**
   * Starts the hosted room server and connects to it. Resolves with the host view: `running`, or
   * `failed` with the reason (also announced by hostChanged).
   */
  async startHosting(...[request]: ApiArgs<'startHosting'>): Promise<HostView> {
    this.assertOpen();
    const host = this.requireHost();
    const displayName = this.profile.displayName;
    if (displayName === null) throw new ApiError('name_required', 'Choose a display name first');
    let name = `${displayName}'s rooms`;
    if (request.name !== undefined && request.name.trim() !== '') {
      const check = checkRoomName(request.name);
      if (!check.ok) throw new ApiError('name_invalid', check.reason);
      name = check.value;
    }
    return this.serializeHost(async () => {
      if (this.hostState.status === 'running') {
        // Still hosting: make sure we are connected to it (again, if the user disconnected).
        await this.connect(HOSTED_CONNECT_HOST, this.hostState.port!);
        return { ...this.hostState };
      }
      this.setHost({ status: 'starting', name, port: null, serverKey: null, error: null });
      let port: number;
      try {
        ({ port } = await host.start(request.port === undefined ? { name } : { port: request.port, name }));
      } catch (error) {
        this.log.warn({ err: describe(error) }, 'hosting failed to start');
        this.setHost({ status: 'failed', name, port: null, serverKey: null, error: describe(error) });
        return { ...this.hostState };
      }
      if (this.closed) {
        await host.stop().catch((error) => this.logHostStopError(error));
        return { ...this.hostState };
      }
      const key = serverKeyOf(HOSTED_CONNECT_HOST, port);
      this.setHost({ status: 'running', name, port, serverKey: key, error: null });
      await this.connect(HOSTED_CONNECT_HOST, port);
      return { ...this.hostState };
    });
  }

  /** Disconnects from the hosted server and stops it (its clients are told server_shutdown). */
  async stopHosting(): Promise<HostView> {
    const host = this.requireHost();
    return this.serializeHost(async () => {
      if (this.hostState.status === 'stopped') return { ...this.hostState };
      const key = this.hostState.serverKey;
      const entry = key === null ? undefined : this.live.get(key);
      if (entry) this.drop(entry);
      if (this.hostState.status === 'running') await host.stop().catch((error) => this.logHostStopError(error));
      this.setHost({ ...STOPPED_HOST });
      if (key !== null && this.saved(key)) this.emit('serverChanged', this.view(key));
      return { ...this.hostState };
    });
  }

  private requireHost(): HostController {
    if (!this.options.host) throw new ApiError('not_supported', 'Hosting is not available here');
    return this.options.host;
  }

  private serializeHost<T>(run: () => Promise<T>): Promise<T> {
    const next = this.hostQueue.then(run, run);
    this.hostQueue = next.catch(() => {});
    return next;
  }

  private setHost(view: HostView): void {
    this.hostState = view;
    this.emit('hostChanged', { ...view });
    this.reportNearby(); // "Yours" follows the hosted server
  }

  private onHostExit(error: Error): void {
    if (this.hostState.status !== 'running') return;
    this.log.error({ err: error.message }, 'hosted server stopped unexpectedly');
    const key = this.hostState.serverKey;
    this.setHost({ ...this.hostState, status: 'failed', error: error.message });
    if (key !== null && (this.live.has(key) || this.saved(key))) this.emit('serverChanged', this.view(key));
  }

  private logHostStopError(error: unknown): void {
    this.log.error({ err: describe(error) }, 'stopping the hosted server failed');
  }

  // ── connections ────────────────────────────────────────────────────────────────────────────

  /** Connects (or returns the existing connection) and waits for the first attempt to settle. */
  private async connect(host: string, port: number): Promise<ServerView> {
    const displayName = this.profile.displayName;
    if (displayName === null) throw new ApiError('name_required', 'Choose a display name first');
    const key = serverKeyOf(host, port);
    const existing = this.live.get(key);
    if (existing && existing.status !== 'failed') {
      await existing.firstAttempt;
      return this.view(key);
    }
    if (existing) this.drop(existing); // failed: try again with a fresh client

    const saved = this.remember(host, port);
    const client = new ParleyClient({
      minBackoffMs: 500,
      maxBackoffMs: 15_000,
      ...this.options.clientOptions,
      host,
      port,
      name: displayName,
      ...(this.options.clientName === undefined ? {} : { clientName: this.options.clientName }),
      ...(saved.credentials ? { credentials: { ...saved.credentials } } : {}),
    });
    let settleFirstAttempt = () => {};
    const firstAttempt = new Promise<void>((resolve) => (settleFirstAttempt = resolve));
    const entry: LiveServer = {
      key,
      host,
      port,
      client,
      status: 'connecting',
      retryAt: null,
      error: null,
      self: null,
      limits: null,
      wantedName: displayName,
      serverError: undefined,
      sending: new Set(),
      reportedUnsent: 0,
      unsentReportScheduled: false,
      firstAttempt,
      settleFirstAttempt,
      dropped: false,
      noticed: false,
    };
    this.live.set(key, entry);
    this.wire(entry);
    const timer = setTimeout(settleFirstAttempt, this.options.connectWaitMs ?? 5000);
    void firstAttempt.then(() => clearTimeout(timer));
    // Resolves after the welcome (and the client's DM baseline), rejects if the hello is refused.
    client.connect().then(settleFirstAttempt, settleFirstAttempt);
    await firstAttempt;
    return this.view(key);
  }

  private wire(entry: LiveServer): void {
    const { client, key } = entry;
    const live = () => !entry.dropped;
    client.on('status', (status) => live() && this.onStatus(entry, status));
    client.on('welcome', (welcome) => live() && this.onWelcome(entry, welcome));
    client.on('credentials', (credentials) => {
      if (!live()) return;
      this.remember(entry.host, entry.port, { credentials: { ...credentials } }, false);
    });
    client.on('server_error', (frame) => {
      // Only an error that ends the connection explains the status change that follows.
      if (!live() || !(frame.fatal || !client.connected)) return;
      entry.serverError = { code: frame.code, message: frame.message };
      // A returning user refused because the name is taken: the client keeps trying; say why once.
      if (frame.code === 'name_taken' && !entry.noticed && this.saved(key)?.credentials) {
        entry.noticed = true;
        this.emit('notice', {
          server: key,
          code: 'name_taken',
          message: `Someone else is using your name on this server; Parley keeps trying. ${frame.message}`,
        });
      }
    });
    client.on('message', (message) => live() && this.emit('message', { server: key, message }));
    client.on('member_joined', (e) => live() && this.emit('memberJoined', { server: key, room: e.room, user: e.user }));
    client.on(
      'member_left',
      (e) => live() && this.emit('memberLeft', { server: key, room: e.room, user: e.user, reason: e.reason }),
    );
    client.on(
      'user_renamed',
      (e) => live() && this.emit('userRenamed', { server: key, user: e.user, oldName: e.oldName }),
    );
    client.on('room_created', (e) => live() && this.emit('roomCreated', { server: key, room: e.room }));
  }

  private onStatus(entry: LiveServer, status: ConnectionStatus): void {
    switch (status.status) {
      case 'connecting':
        // Attempt 0 is the first one; later attempts are part of reconnecting (no countdown).
        entry.status = status.attempt === 0 ? 'connecting' : 'reconnecting';
        entry.retryAt = null;
        break;
      case 'connected':
        // Welcomed and caught up: every missed message was emitted before this.
        entry.status = 'connected';
        entry.retryAt = null;
        entry.error = null;
        entry.serverError = undefined;
        entry.noticed = false;
        entry.settleFirstAttempt();
        break;
      case 'reconnecting':
        entry.status = 'reconnecting';
        entry.retryAt = Date.now() + status.retryInMs;
        entry.error = entry.serverError ?? { code: 'disconnected', message: status.reason };
        entry.serverError = undefined;
        entry.settleFirstAttempt();
        break;
      case 'closed':
        entry.status = 'failed';
        entry.retryAt = null;
        entry.error = {
          code: status.code ?? entry.serverError?.code ?? 'disconnected',
          message: entry.serverError?.message ?? status.reason,
        };
        entry.serverError = undefined;
        entry.settleFirstAttempt();
        break;
    }
    this.emitServer(entry);
  }

  private onWelcome(entry: LiveServer, welcome: Welcome): void {
    // Still 'connecting'/'reconnecting' until the client has caught up (its status 'connected').
    entry.self = { ...welcome.user };
    entry.limits = { ...welcome.limits };
    this.remember(
      entry.host,
      entry.port,
      { serverId: welcome.server.id, name: welcome.server.name, lastConnected: Date.now() },
      false,
    );
    // The view is reported with status 'connected', once caught up (see onStatus).
    this.reportNearby();
    if (welcome.requestedName !== undefined && welcome.requestedName !== welcome.user.name) {
      // Someone else holds the name now: we got in under a variant. Renaming back would only be
      // refused again; the user decides (the notice says why the name changed).
      this.emit('notice', {
        server: entry.key,
        code: 'name_taken',
        message: `Someone else is using "${welcome.requestedName}" here, so you are "${welcome.user.name}" for now. Rename to choose another name.`,
      });
      return;
    }
    // The name changed while this server was unreachable: the client said hello with the old one.
    if (welcome.user.name !== entry.wantedName) {
      this.applyName(entry, entry.wantedName).catch((error: unknown) => {
        this.log.info({ server: entry.key, err: describe(error) }, 'the server refused the new display name');
      });
    }
  }

  /** Renames on one server and reports the new self. */
  private async applyName(entry: LiveServer, name: string): Promise<void> {
    const { user } = await entry.client.rename(name);
    if (entry.dropped) return;
    entry.self = { ...user };
    this.emitServer(entry);
  }

  /** Closes a live client for good; its server stays remembered (idle). */
  private drop(entry: LiveServer): void {
    entry.dropped = true;
    if (this.live.get(entry.key) === entry) this.live.delete(entry.key);
    entry.settleFirstAttempt();
    entry.client.close();
    entry.client.removeAllListeners();
    this.reportNearby();
  }

  /** Runs a request on a connected server, turning its failure into an ApiError. */
  private async request<T>(key: string, run: (client: ParleyClient) => Promise<T>): Promise<T> {
    const entry = this.live.get(key);
    if (!entry || !entry.client.connected) throw new ApiError('not_connected', `Not connected to ${key}`);
    try {
      return await run(entry.client);
    } catch (error) {
      throw toApiError(error);
    }
  }

  /** Reports a changed unsent count, coalesced: a burst of sends or acks gives one event. */
  private reportUnsent(entry: LiveServer): void {
    if (entry.dropped || entry.unsentReportScheduled) return;
    entry.unsentReportScheduled = true;
    setImmediate(() => {
      entry.unsentReportScheduled = false;
      if (entry.client.unacknowledged !== entry.reportedUnsent) this.emitServer(entry);
    });
  }

  private emitServer(entry: LiveServer): void {
    if (entry.dropped) return;
    this.emit('serverChanged', this.view(entry.key));
  }

  private view(key: string): ServerView {
    const entry = this.live.get(key);
    const saved = this.saved(key);
    const host = entry?.host ?? saved?.host ?? key;
    const port = entry?.port ?? saved?.port ?? 0;
    const hosted = this.hostState.status !== 'stopped' && this.hostState.serverKey === key;
    if (entry) entry.reportedUnsent = entry.client.unacknowledged;
    return {
      key,
      host,
      port,
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

  // ── profile ────────────────────────────────────────────────────────────────────────────────

  private saved(key: string): ProfileServer | undefined {
    return this.profile.servers.find((s) => serverKeyOf(s.host, s.port) === key);
  }

  /**
   * Finds or adds the remembered entry for an address, applies `patch` and saves. `toFront`
   * moves it to the head of the list (most recently used first); the list is capped.
   */
  private remember(host: string, port: number, patch: Partial<ProfileServer> = {}, toFront = true): ProfileServer {
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

  private persist(): void {
    try {
      this.store.save(this.profile);
    } catch (error) {
      this.log.error({ err: describe(error) }, 'saving the profile failed');
    }
  }

  // ── events ─────────────────────────────────────────────────────────────────────────────────

  private emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event, payload);
      } catch (error) {
        this.log.error({ err: describe(error), event }, 'event listener failed');
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new ApiError('closed', 'The session was closed');
  }
}
