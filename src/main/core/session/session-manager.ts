/**
 * The session layer: implements the app contract (src/shared/api/contract.ts) on top of the
 * protocol client, in plain Node. Electron main exposes it over IPC; the browser gateway exposes
 * it over a WebSocket. This file composes the parts (see README.md): the live servers
 * (live-server.ts), the remembered server list (server-list.ts), hosting (hosting.ts), nearby
 * servers (nearby.ts), the events (server-events.ts), and the per-feature calls (features/*.ts),
 * merged into the one object the app calls.
 *
 * Every client event is re-emitted as a contract event tagged with the server key ("host:port").
 * Calls reject with ApiError: a protocol error code (name_taken, room_not_found, …) or one of the
 * session's own: name_required, name_invalid, not_connected, not_allowed, not_supported.
 */
import {
  serverKeyOf,
  type AppInfo,
  type ParleyApiCalls,
  type ServerView,
  type Unsubscribe,
} from '../../../shared/api/contract.ts';
import { ApiError } from '../../../shared/api/proxy.ts';
import type { ParleyClient, ParleyClientOptions } from '../client/parley-client.ts';
import { silentLogger, type Logger } from '../server/logger.ts';
import type { SessionContext } from './features/context.ts';
import { dmCalls } from './features/dms.ts';
import { historyCalls } from './features/history.ts';
import { hostingCalls } from './features/hosting.ts';
import { messageCalls } from './features/messages.ts';
import { nearbyCalls } from './features/nearby.ts';
import { fileCalls } from './features/files.ts';
import { gameCalls } from './features/games.ts';
import { roomCalls } from './features/rooms.ts';
import { serverCalls } from './features/servers.ts';
import { settingsCalls } from './features/settings.ts';
import { Downloads } from './downloads.ts';
import { Hosting, type HostController } from './hosting.ts';
import { LiveServer } from './live-server.ts';
import { Nearby, type DiscoveryController } from './nearby.ts';
import { openMediaStream, type MediaOptions, type MediaStream, type MediaVariant } from './media.ts';
import type { ProfileStore } from './profile.ts';
import { SessionEvents, type SessionEventListener } from './server-events.ts';
import { ServerList } from './server-list.ts';
import { UploadWriters } from './upload-writers.ts';

export type { HostController } from './hosting.ts';
export type { DiscoveryController } from './nearby.ts';
export type { SessionEventListener } from './server-events.ts';
export type { DesktopFiles, MediaOptions, MediaStream, MediaVariant } from './media.ts';

export interface SessionManagerOptions extends MediaOptions {
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

// The contract's calls are merged into each session in the constructor (from features/*.ts);
// this interface tells the compiler they are there. A call without an implementation fails to
// compile where the calls are merged (`const calls: ParleyApiCalls`).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface SessionManager extends ParleyApiCalls {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class SessionManager {
  private readonly options: SessionManagerOptions;
  private readonly log: Logger;
  private readonly events: SessionEvents;
  private readonly servers: ServerList;
  private readonly live = new Map<string, LiveServer>();
  private readonly hosting: Hosting;
  private readonly nearby: Nearby;
  private readonly uploads = new UploadWriters();
  private readonly downloads: Downloads | undefined;
  private closed = false;

  /**
   * Streams a file (or its preview) of a connected server, read with this session's user: for the
   * gateway's HTTP routes and the desktop's media protocol. Rejects with ApiError
   * (file_not_found, not_connected, …). Not an app call: its bytes are no JSON.
   */
  openMedia(
    serverKey: string,
    fileId: string,
    variant: MediaVariant,
    range?: { offset: number; length?: number },
  ): Promise<MediaStream> {
    return this.request(serverKey, (client) => openMediaStream(client, fileId, variant, range));
  }

  constructor(options: SessionManagerOptions) {
    this.options = options;
    this.log = options.logger ?? silentLogger;
    this.events = new SessionEvents(this.log);
    const emit = this.events.emit;
    this.servers = new ServerList(options.profile, this.log);
    this.hosting = new Hosting(options.host, {
      emit,
      log: this.log,
      displayName: () => this.servers.profile.displayName,
      isClosed: () => this.closed,
      connect: (host, port) => this.connect(host, port),
      disconnect: (key) => {
        const entry = this.live.get(key);
        if (entry) this.drop(entry);
      },
      reportServer: (key) => {
        if (this.live.has(key) || this.servers.saved(key)) emit('serverChanged', this.view(key));
      },
      nearbyChanged: () => this.nearby?.report(),
    });
    this.nearby = new Nearby(options.discovery, {
      emit,
      profile: this.servers.profile,
      persist: () => this.servers.persist(),
      isClosed: () => this.closed,
      hosted: () => this.hosting.running(),
      savedServerId: (key) => this.servers.saved(key)?.serverId ?? null,
      liveKeyOf: (serverId) => this.liveOf(serverId)?.key ?? null,
      liveAddressOf: (serverId) => this.liveOf(serverId) ?? null,
      known: (key) => this.live.has(key) || this.servers.saved(key) !== undefined,
      connect: (host, port) => this.connect(host, port),
      disconnect: (key) => this.disconnectServer(key),
      forget: (key) => this.forgetServer(key),
    });
    if (options.desktop) {
      this.downloads = new Downloads({
        desktop: options.desktop,
        emit,
        askWhereToSave: () => this.servers.profile.askWhereToSave === true,
        connectedClient: (key) => {
          const entry = this.live.get(key);
          return entry?.status === 'connected' ? entry.client : undefined;
        },
      });
    }
    const ctx: SessionContext = {
      app: options.app,
      allowedServer: options.allowedServer,
      servers: this.servers,
      live: this.live,
      hosting: this.hosting,
      nearby: this.nearby,
      uploads: this.uploads,
      downloads: this.downloads,
      media: { mediaUrl: options.mediaUrl, desktop: options.desktop },
      emit,
      assertOpen: () => this.assertOpen(),
      connect: (host, port) => this.connect(host, port),
      drop: (entry) => this.drop(entry),
      view: (key) => this.view(key),
      request: (key, run) => this.request(key, run),
    };
    const calls: ParleyApiCalls = {
      ...settingsCalls(ctx),
      ...serverCalls(ctx),
      ...roomCalls(ctx),
      ...historyCalls(ctx),
      ...dmCalls(ctx),
      ...messageCalls(ctx),
      ...hostingCalls(ctx),
      ...nearbyCalls(ctx),
      ...fileCalls(ctx),
      ...gameCalls(ctx),
    };
    Object.assign(this, calls);
  }

  /** Subscribes to every contract event; returns the unsubscribe function. */
  onEvent(listener: SessionEventListener): Unsubscribe {
    return this.events.add(listener);
  }

  /** Disconnects from every server and stops hosting. The session is unusable afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.downloads?.close();
    this.uploads.closeAll();
    for (const entry of [...this.live.values()]) this.drop(entry);
    this.nearby.close();
    await this.hosting.close();
    this.events.clear();
  }

  // ── live servers ───────────────────────────────────────────────────────────────────────────

  /** Connects (or returns the existing connection) and waits for the first attempt to settle. */
  private async connect(host: string, port: number): Promise<ServerView> {
    const displayName = this.servers.profile.displayName;
    if (displayName === null) throw new ApiError('name_required', 'Choose a display name first');
    const key = serverKeyOf(host, port);
    const existing = this.live.get(key);
    if (existing && existing.status !== 'failed') {
      await existing.firstAttempt;
      return this.view(key);
    }
    if (existing) this.drop(existing); // failed: try again with a fresh client

    const saved = this.servers.remember(host, port);
    const emit = this.events.emit;
    const entry: LiveServer = new LiveServer(
      {
        key,
        host,
        port,
        name: displayName,
        credentials: saved.credentials,
        clientName: this.options.clientName,
        clientOptions: this.options.clientOptions,
        connectWaitMs: this.options.connectWaitMs ?? 5000,
      },
      {
        emit,
        log: this.log,
        remember: (patch) => this.servers.remember(host, port, patch, false),
        hasCredentials: () => Boolean(this.servers.saved(key)?.credentials),
        report: () => {
          if (!entry.dropped) emit('serverChanged', this.view(key));
        },
        nearbyChanged: () => this.nearby.report(),
      },
    );
    this.live.set(key, entry);
    await entry.start();
    return this.view(key);
  }

  /** Closes a live client for good; its server stays remembered (idle). */
  private drop(entry: LiveServer): void {
    if (this.live.get(entry.key) === entry) this.live.delete(entry.key);
    entry.drop();
    this.nearby.report();
  }

  /** The live server (not failed) with this server id, if any. */
  private liveOf(serverId: string): LiveServer | undefined {
    for (const entry of this.live.values()) {
      if (entry.status !== 'failed' && this.servers.saved(entry.key)?.serverId === serverId) return entry;
    }
    return undefined;
  }

  private async request<T>(key: string, run: (client: ParleyClient) => Promise<T>): Promise<T> {
    const entry = this.live.get(key);
    if (!entry) throw new ApiError('not_connected', `Not connected to ${key}`);
    return entry.request(run);
  }

  private view(key: string): ServerView {
    return this.servers.view(key, this.live.get(key), this.hosting.hostedKey === key);
  }

  private assertOpen(): void {
    if (this.closed) throw new ApiError('closed', 'The session was closed');
  }
}
