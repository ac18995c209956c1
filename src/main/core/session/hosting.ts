/**
 * "Host a room": the room server this app runs (through the injected HostController, see
 * core/host) and the session's connection to it. Starts and stops run one after the other.
 */
import { serverKeyOf, type ApiArgs, type HostView, type Unsubscribe } from '../../../shared/api/contract.ts';
import { ApiError } from '../../../shared/api/proxy.ts';
import { checkRoomName } from '../../../shared/text-rules.ts';
import { describeError } from '../describe-error.ts';
import type { Logger } from '../server/logger.ts';
import type { Emit } from './server-events.ts';

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

/** The address of a hosted server, as the host itself connects to it. */
export const HOSTED_CONNECT_HOST = '127.0.0.1';

const STOPPED_HOST: HostView = { status: 'stopped', name: null, port: null, serverKey: null, error: null };

export interface HostingDeps {
  emit: Emit;
  log: Logger;
  displayName(): string | null;
  isClosed(): boolean;
  /** Connects the session to a server (or returns the existing connection). */
  connect(host: string, port: number): Promise<unknown>;
  /** Closes the session's client for this server, if any. */
  disconnect(key: string): void;
  /** Emits serverChanged for this server if the list shows it. */
  reportServer(key: string): void;
  /** "Yours" in the Nearby list follows the hosted server. */
  nearbyChanged(): void;
}

export class Hosting {
  private readonly controller: HostController | undefined;
  private readonly deps: HostingDeps;
  private state: HostView = { ...STOPPED_HOST };
  private queue: Promise<unknown> = Promise.resolve();
  private readonly unsubscribeExit: Unsubscribe | undefined;

  constructor(controller: HostController | undefined, deps: HostingDeps) {
    this.controller = controller;
    this.deps = deps;
    this.unsubscribeExit = controller?.onExit?.((error) => this.onExit(error));
  }

  get view(): HostView {
    return { ...this.state };
  }

  /** The server key of the hosted server while it is not stopped. */
  get hostedKey(): string | null {
    return this.state.status === 'stopped' ? null : this.state.serverKey;
  }

  /** The key and id of the hosted server while it runs (for Nearby). */
  running(): { key: string; serverId: string | null; name: string; port: number } | null {
    if (this.state.status !== 'running' || this.state.serverKey === null || this.state.port === null) return null;
    return {
      key: this.state.serverKey,
      serverId: this.controller?.serverId ?? null,
      name: this.state.name ?? '',
      port: this.state.port,
    };
  }

  /**
   * Starts the hosted room server and connects to it. Resolves with the host view: `running`, or
   * `failed` with the reason (also announced by hostChanged).
   */
  async start(...[request]: ApiArgs<'startHosting'>): Promise<HostView> {
    const host = this.require();
    const displayName = this.deps.displayName();
    if (displayName === null) throw new ApiError('name_required', 'Choose a display name first');
    let name = `${displayName}'s rooms`;
    if (request.name !== undefined && request.name.trim() !== '') {
      const check = checkRoomName(request.name);
      if (!check.ok) throw new ApiError('name_invalid', check.reason);
      name = check.value;
    }
    return this.serialize(async () => {
      if (this.state.status === 'running') {
        // Still hosting: make sure we are connected to it (again, if the user disconnected).
        await this.deps.connect(HOSTED_CONNECT_HOST, this.state.port!);
        return this.view;
      }
      this.set({ status: 'starting', name, port: null, serverKey: null, error: null });
      let port: number;
      try {
        ({ port } = await host.start(request.port === undefined ? { name } : { port: request.port, name }));
      } catch (error) {
        this.deps.log.warn({ err: describeError(error) }, 'hosting failed to start');
        this.set({ status: 'failed', name, port: null, serverKey: null, error: describeError(error) });
        return this.view;
      }
      if (this.deps.isClosed()) {
        await host.stop().catch((error) => this.logStopError(error));
        return this.view;
      }
      this.set({ status: 'running', name, port, serverKey: serverKeyOf(HOSTED_CONNECT_HOST, port), error: null });
      await this.deps.connect(HOSTED_CONNECT_HOST, port);
      return this.view;
    });
  }

  /** Disconnects from the hosted server and stops it (its clients are told server_shutdown). */
  async stop(): Promise<HostView> {
    const host = this.require();
    return this.serialize(async () => {
      if (this.state.status === 'stopped') return this.view;
      const key = this.state.serverKey;
      if (key !== null) this.deps.disconnect(key);
      if (this.state.status === 'running') await host.stop().catch((error) => this.logStopError(error));
      this.set({ ...STOPPED_HOST });
      if (key !== null) this.deps.reportServer(key);
      return this.view;
    });
  }

  /** The session closes: stop a running server, quietly. */
  async close(): Promise<void> {
    this.unsubscribeExit?.();
    const host = this.controller;
    if (!host) return;
    await this.serialize(async () => {
      if (this.state.status === 'running') await host.stop().catch((error) => this.logStopError(error));
      this.state = { ...STOPPED_HOST };
    });
  }

  private require(): HostController {
    if (!this.controller) throw new ApiError('not_supported', 'Hosting is not available here');
    return this.controller;
  }

  private serialize<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => {});
    return next;
  }

  private set(view: HostView): void {
    this.state = view;
    this.deps.emit('hostChanged', { ...view });
    this.deps.nearbyChanged();
  }

  private onExit(error: Error): void {
    if (this.state.status !== 'running') return;
    this.deps.log.error({ err: error.message }, 'hosted server stopped unexpectedly');
    const key = this.state.serverKey;
    this.set({ ...this.state, status: 'failed', error: error.message });
    if (key !== null) this.deps.reportServer(key);
  }

  private logStopError(error: unknown): void {
    this.deps.log.error({ err: describeError(error) }, 'stopping the hosted server failed');
  }
}
