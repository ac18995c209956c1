/**
 * One server the session has a live client for (connecting, connected, reconnecting, or failed
 * until dismissed): its client, the state the server view shows, and the mapping of the client's
 * status to the view's. Reported as `serverChanged` through the hooks; the view itself is
 * composed with the remembered entry and the hosting state by server-list.ts.
 *
 * Status: 'connected' only once the client has caught up (every missed message was emitted
 * first); until then 'connecting' (first attempt) or 'reconnecting'.
 */
import type { ConversationTarget, ServerStatus } from '../../../shared/api/contract.ts';
import { ApiError } from '../../../shared/api/proxy.ts';
import type { ServerLimits, UserRef } from '../../../shared/protocol/server-frames.ts';
import {
  ParleyClient,
  ParleyError,
  type ConnectionStatus,
  type ParleyClientOptions,
  type Welcome,
} from '../client/parley-client.ts';
import { describeError } from '../describe-error.ts';
import type { Logger } from '../server/logger.ts';
import { toApiError } from './api-errors.ts';
import type { ProfileServer } from './profile.ts';
import { forwardClientEvents, type Emit } from './server-events.ts';

export interface LiveServerHooks {
  emit: Emit;
  log: Logger;
  /** Saves what the server told us (id, name, last connected, credentials) in the profile. */
  remember(patch: Partial<ProfileServer>): void;
  /** Whether the profile holds credentials for this server (we are a returning user). */
  hasCredentials(): boolean;
  /** Emits `serverChanged` with this server's whole view. */
  report(): void;
  /** Something Nearby shows about this server may have changed. */
  nearbyChanged(): void;
}

export interface LiveServerInit {
  key: string;
  host: string;
  port: number;
  name: string;
  credentials: ProfileServer['credentials'];
  clientName: string | undefined;
  clientOptions: Partial<ParleyClientOptions> | undefined;
  /** How long start() waits for the first attempt (default 5 s). */
  connectWaitMs: number;
}

export class LiveServer {
  readonly key: string;
  readonly host: string;
  readonly port: number;
  readonly client: ParleyClient;
  status: ServerStatus = 'connecting';
  retryAt: number | null = null;
  error: { code: string; message: string } | null = null;
  self: UserRef | null = null;
  limits: ServerLimits | null = null;
  /** The display name the user chose, applied after every welcome that carries another. */
  wantedName: string;
  /** Set when the session closed this client: its later events are ignored. */
  dropped = false;
  /** The unsent count last reported in a serverChanged. */
  reportedUnsent = 0;
  private readonly hooks: LiveServerHooks;
  private readonly connectWaitMs: number;
  /** A fatal error frame from the server, explaining the disconnect that follows it. */
  private serverError: { code: string; message: string } | undefined;
  /** msgIds queued and not settled yet: a second sendMessage with one of them is a no-op. */
  private readonly sending = new Set<string>();
  /** A serverChanged for a new unsent count is scheduled (one per tick, however many acks). */
  private unsentReportScheduled = false;
  /** A name_taken notice was emitted since the last time we got in. */
  private noticed = false;
  /**
   * We got in under a variant of the name ("Ada (2)"): keep it (no automatic rename back, which
   * would take the name from whoever holds it now or be refused) until the user renames.
   */
  private keepServerName = false;
  /** Settles once the first attempt is over (caught up, refusal, retry scheduled, or timeout). */
  readonly firstAttempt: Promise<void>;
  private settleFirstAttempt!: () => void;

  constructor(init: LiveServerInit, hooks: LiveServerHooks) {
    this.key = init.key;
    this.host = init.host;
    this.port = init.port;
    this.wantedName = init.name;
    this.hooks = hooks;
    this.connectWaitMs = init.connectWaitMs;
    this.firstAttempt = new Promise<void>((resolve) => (this.settleFirstAttempt = resolve));
    this.client = new ParleyClient({
      minBackoffMs: 500,
      maxBackoffMs: 15_000,
      ...init.clientOptions,
      host: init.host,
      port: init.port,
      name: init.name,
      ...(init.clientName === undefined ? {} : { clientName: init.clientName }),
      ...(init.credentials ? { credentials: { ...init.credentials } } : {}),
    });
    this.wire();
  }

  /** Connects; resolves once the first attempt settled (or after connectWaitMs). */
  async start(): Promise<void> {
    const timer = setTimeout(this.settleFirstAttempt, this.connectWaitMs);
    void this.firstAttempt.then(() => clearTimeout(timer));
    this.client.connect().then(this.settleFirstAttempt, this.settleFirstAttempt);
    await this.firstAttempt;
  }

  /** Closes the client for good. */
  drop(): void {
    this.dropped = true;
    this.settleFirstAttempt();
    this.client.close();
    this.client.removeAllListeners();
  }

  /** Runs a request on the connected client, turning its failure into an ApiError. */
  async request<T>(run: (client: ParleyClient) => Promise<T>): Promise<T> {
    if (!this.client.connected) throw new ApiError('not_connected', `Not connected to ${this.key}`);
    try {
      return await run(this.client);
    } catch (error) {
      throw toApiError(error);
    }
  }

  /** Queues a message (with the ids of its files); its outcome is a `message` or a `sendFailed` event. */
  send(target: ConversationTarget, text: string, msgId: string, attachments?: readonly string[]): void {
    if (this.sending.has(msgId)) return; // already queued: the outcome arrives once
    this.sending.add(msgId);
    const settled = () => {
      this.sending.delete(msgId);
      this.reportUnsent();
    };
    this.client.sendMessage(target, text, msgId, attachments).then(settled, (error: unknown) => {
      // The server's code (text_too_long, not_member, …), or the client's: "closed" when the user
      // disconnected first, "disconnected" when the server refused to take us back.
      const code = error instanceof ParleyError ? error.code : 'internal';
      this.hooks.emit('sendFailed', { server: this.key, msgId, code, reason: describeError(error) });
      settled();
    });
    this.reportUnsent();
  }

  /** The user chose a new display name: now if connected, else at the next hello. */
  async setName(name: string): Promise<void> {
    this.wantedName = name;
    this.keepServerName = false;
    if (!this.client.connected) {
      this.client.preferName(name);
      return;
    }
    await this.applyName(name);
  }

  /** Renames on this server and reports the new self. */
  private async applyName(name: string): Promise<void> {
    const { user } = await this.client.rename(name);
    if (this.dropped) return;
    this.self = { ...user };
    this.hooks.report();
  }

  private wire(): void {
    const { client } = this;
    const live = () => !this.dropped;
    client.on('status', (status) => live() && this.onStatus(status));
    client.on('welcome', (welcome) => live() && this.onWelcome(welcome));
    client.on('credentials', (credentials) => live() && this.hooks.remember({ credentials: { ...credentials } }));
    client.on('server_error', (frame) => {
      // Only an error that ends the connection (or refuses the hello) explains what follows.
      if (!live() || !(frame.fatal || !client.connected)) return;
      this.serverError = { code: frame.code, message: frame.message };
      // A returning user refused because the name is taken: the client keeps trying; say why once.
      if (frame.code === 'name_taken' && !this.noticed && this.hooks.hasCredentials()) {
        this.noticed = true;
        this.hooks.emit('notice', {
          server: this.key,
          code: 'name_taken',
          message: `Someone else is using your name on this server; Parley keeps trying. ${frame.message}`,
        });
      }
    });
    forwardClientEvents(client, this.key, this.hooks.emit, live);
  }

  private onStatus(status: ConnectionStatus): void {
    switch (status.status) {
      case 'connecting':
        // Attempt 0 is the first one; later attempts are part of reconnecting (no countdown).
        this.status = status.attempt === 0 ? 'connecting' : 'reconnecting';
        this.retryAt = null;
        break;
      case 'connected':
        // Welcomed and caught up: every missed message was emitted before this.
        this.status = 'connected';
        this.retryAt = null;
        this.error = null;
        this.serverError = undefined;
        this.noticed = false;
        this.settleFirstAttempt();
        break;
      case 'reconnecting':
        this.status = 'reconnecting';
        this.retryAt = Date.now() + status.retryInMs;
        this.error = this.serverError ?? { code: 'disconnected', message: status.reason };
        this.serverError = undefined;
        this.settleFirstAttempt();
        break;
      case 'closed':
        this.status = 'failed';
        this.retryAt = null;
        this.error = {
          code: status.code ?? this.serverError?.code ?? 'disconnected',
          message: this.serverError?.message ?? status.reason,
        };
        this.serverError = undefined;
        this.settleFirstAttempt();
        break;
    }
    this.hooks.report();
  }

  private onWelcome(welcome: Welcome): void {
    // Still 'connecting'/'reconnecting' until the client has caught up (its status 'connected'),
    // which reports the whole view.
    this.self = { ...welcome.user };
    this.limits = { ...welcome.limits };
    this.hooks.remember({ serverId: welcome.server.id, name: welcome.server.name, lastConnected: Date.now() });
    this.hooks.nearbyChanged();
    if (welcome.requestedName !== undefined && welcome.requestedName !== welcome.user.name) {
      // Someone else holds the name now: we got in under a variant. Renaming back would only be
      // refused again; the user decides (the notice says why the name changed).
      this.keepServerName = true;
      this.hooks.emit('notice', {
        server: this.key,
        code: 'name_taken',
        message: `Someone else is using "${welcome.requestedName}" here, so you are "${welcome.user.name}" for now. Rename to choose another name.`,
      });
      return;
    }
    // The name changed while this server was unreachable: the client said hello with the old one.
    if (welcome.user.name !== this.wantedName && !this.keepServerName) {
      this.applyName(this.wantedName).catch((error: unknown) => {
        this.hooks.log.info({ server: this.key, err: describeError(error) }, 'the server refused the new display name');
      });
    }
  }

  /** Reports a changed unsent count, coalesced: a burst of sends or acks gives one event. */
  private reportUnsent(): void {
    if (this.dropped || this.unsentReportScheduled) return;
    this.unsentReportScheduled = true;
    setImmediate(() => {
      this.unsentReportScheduled = false;
      if (!this.dropped && this.client.unacknowledged !== this.reportedUnsent) this.hooks.report();
    });
  }
}
