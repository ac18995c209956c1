/**
 * "Host a room": runs a RoomServer in a worker thread, so that SQLite commits and fan-out never
 * stall the app's main thread (and with it the UI's IPC). The worker is hosted-server-worker.ts;
 * the messages between the threads are defined (and validated) here.
 *
 * Lifecycle: start() spawns the worker, which opens the store, listens and answers `started`
 * with the real port (or `failed`). stop() asks it to close the server cleanly — clients are told
 * `server_shutdown`, pending messages are committed, the store is closed — and waits for the
 * worker to exit (terminating it if it does not within a bound).
 *
 * The worker also announces the server on the LAN (mDNS, src/main/core/discovery) unless
 * `advertise` is false, and says goodbye before the server closes. The interfaces the user
 * switched off can change while it runs (setDisabledInterfaces).
 */
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { DEFAULT_PORT } from '../../../shared/protocol/constants.ts';
import { silentLogger, type Logger } from '../server/logger.ts';
import type { HostController } from '../session/session-manager.ts';

/** File name of the bundled worker (electron-vite entry "hosted-server-worker"), next to main. */
export const HOSTED_SERVER_WORKER_FILE = 'hosted-server-worker.js';

// ── messages between the threads ─────────────────────────────────────────────────────────────

/** What the worker is started with (workerData). */
const INTERFACE_NAMES_SCHEMA = z.array(z.string().min(1).max(64)).max(64);

export const WORKER_DATA_SCHEMA = z
  .object({
    name: z.string().min(1).max(256),
    /** Interface to listen on; '' = every interface. */
    host: z.string().max(255),
    port: z.number().int().min(0).max(65535),
    /** When `port` is taken, listen on any free port instead of failing (default port only). */
    fallbackToAnyPort: z.boolean(),
    dataDir: z.string().min(1).max(4096),
    /** Forward log records to the main thread (only when it has a logger). */
    forwardLogs: z.boolean(),
    /** Announce the server on the LAN (mDNS / DNS-SD). */
    advertise: z.boolean(),
    /** Interfaces not to announce on, by name. */
    disabledInterfaces: INTERFACE_NAMES_SCHEMA,
  })
  .strict();
export type HostedServerWorkerData = z.infer<typeof WORKER_DATA_SCHEMA>;

export const TO_WORKER_SCHEMA = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stop') }).strict(),
  z.object({ type: z.literal('disabled_interfaces'), names: INTERFACE_NAMES_SCHEMA }).strict(),
]);
export type ToWorkerMessage = z.infer<typeof TO_WORKER_SCHEMA>;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export const FROM_WORKER_SCHEMA = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('started'),
      port: z.number().int().min(1).max(65535),
      /** The hosted server's id: the Nearby list marks the entry with this id as ours. */
      serverId: z.string().min(1).max(64),
    })
    .strict(),
  z.object({ type: z.literal('failed'), message: z.string().max(4096) }).strict(),
  z.object({ type: z.literal('stopped') }).strict(),
  z
    .object({
      type: z.literal('log'),
      level: z.enum(LOG_LEVELS),
      msg: z.string().max(4096).optional(),
      data: z.record(z.string(), z.unknown()),
    })
    .strict(),
]);
export type FromWorkerMessage = z.infer<typeof FROM_WORKER_SCHEMA>;

// ── the controller ───────────────────────────────────────────────────────────────────────────

export interface HostedServerOptions {
  /** The worker module: the bundled HOSTED_SERVER_WORKER_FILE, or the .ts source under Node. */
  workerUrl: URL;
  /** Folder of the hosted server's parley.db (created if missing). */
  dataDir: string;
  logger?: Logger;
  /** Interface to listen on (default '' = every interface, so the LAN can join). */
  host?: string;
  /** Port tried when start() is given none (default DEFAULT_PORT); falls back to any free port. */
  defaultPort?: number;
  /** Bound on the worker's start (open store, listen); default 15 s. */
  startTimeoutMs?: number;
  /** Bound on a clean stop before the worker is terminated; default 10 s. */
  stopTimeoutMs?: number;
  /** Announce the hosted server on the LAN (mDNS); default true. */
  advertise?: boolean;
  /** Interfaces not to announce on, by name (see also setDisabledInterfaces). */
  disabledInterfaces?: readonly string[];
}

export class HostedServer implements HostController {
  private readonly options: HostedServerOptions;
  private readonly log: Logger;
  private worker: Worker | undefined;
  /** Set while stop() waits for the worker. */
  private stopping: Promise<void> | undefined;
  /** Workers being stopped or abandoned on purpose: their exit is no crash. */
  private readonly expectedExit = new WeakSet<Worker>();
  private readonly exitListeners = new Set<(error: Error) => void>();
  private disabledInterfaces: string[];
  private serverIdValue: string | null = null;

  constructor(options: HostedServerOptions) {
    this.options = options;
    this.log = options.logger ?? silentLogger;
    this.disabledInterfaces = [...(options.disabledInterfaces ?? [])];
  }

  /** The running server's id (null when none runs): its Nearby entry is this app's own server. */
  get serverId(): string | null {
    return this.worker ? this.serverIdValue : null;
  }

  /**
   * The interfaces not to announce on; applies to the running server at once (goodbye on those
   * switched off) and to the next start.
   */
  setDisabledInterfaces(names: readonly string[]): void {
    this.disabledInterfaces = [...new Set(names)];
    if (!this.worker || this.stopping) return;
    const message: ToWorkerMessage = { type: 'disabled_interfaces', names: this.disabledInterfaces };
    if (TO_WORKER_SCHEMA.safeParse(message).success) this.worker.postMessage(message);
  }

  /** True while a worker runs (started or starting). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  onExit(listener: (error: Error) => void): () => void {
    this.exitListeners.add(listener);
    return () => {
      this.exitListeners.delete(listener);
    };
  }

  /**
   * Starts the server. Without `port` it tries the default port and falls back to any free port when
   * that one is taken; an explicit port that is taken fails. Resolves with the port listened on.
   */
  async start(options: { port?: number; name: string }): Promise<{ port: number; serverId: string }> {
    if (this.worker) throw new Error('The hosted server is already running');
    const workerData: HostedServerWorkerData = WORKER_DATA_SCHEMA.parse({
      name: options.name,
      host: this.options.host ?? '',
      port: options.port ?? this.options.defaultPort ?? DEFAULT_PORT,
      fallbackToAnyPort: options.port === undefined,
      dataDir: this.options.dataDir,
      forwardLogs: this.options.logger !== undefined,
      advertise: this.options.advertise ?? true,
      disabledInterfaces: this.disabledInterfaces,
    });
    const worker = new Worker(this.options.workerUrl, { workerData, name: 'parley-hosted-server' });
    this.worker = worker;
    worker.on('message', (raw: unknown) => this.onMessage(raw));
    worker.on('error', (error) => this.log.error({ err: error.message }, 'hosted server worker error'));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (this.expectedExit.has(worker)) return;
      const error = new Error(`The hosted server stopped unexpectedly (exit code ${code})`);
      for (const listener of [...this.exitListeners]) listener(error);
    });

    try {
      return await new Promise<{ port: number; serverId: string }>((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error('The hosted server did not start in time')),
          this.options.startTimeoutMs ?? 15_000,
        );
        const onMessage = (raw: unknown) => {
          const parsed = FROM_WORKER_SCHEMA.safeParse(raw);
          if (!parsed.success) return;
          if (parsed.data.type === 'started') {
            this.serverIdValue = parsed.data.serverId;
            done(undefined, { port: parsed.data.port, serverId: this.serverIdValue });
          } else if (parsed.data.type === 'failed') done(new Error(parsed.data.message));
        };
        const onError = (error: Error) => done(error);
        const onExit = (code: number) => done(new Error(`The hosted server exited while starting (code ${code})`));
        const done = (error: Error | undefined, started?: { port: number; serverId: string }) => {
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          if (error) reject(error);
          else resolve(started!);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
      });
    } catch (error) {
      // A start failure is reported by this rejection, not as a crash. The worker ends by itself
      // after `failed` (its store is already closed); after a timeout it is still busy: end it.
      this.expectedExit.add(worker);
      await worker.terminate();
      if (this.worker === worker) this.worker = undefined;
      throw error;
    }
  }

  /** Stops the server cleanly (clients get server_shutdown, the store is closed). Idempotent. */
  async stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const worker = this.worker;
    if (!worker) return;
    this.expectedExit.add(worker);
    const message: ToWorkerMessage = { type: 'stop' };
    worker.postMessage(message);
    this.stopping = this.waitForExit(worker, this.options.stopTimeoutMs ?? 10_000);
    try {
      await this.stopping;
    } finally {
      this.stopping = undefined;
    }
  }

  /** Resolves once the worker has exited, terminating it after `timeoutMs`. */
  private waitForExit(worker: Worker, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn({}, 'hosted server did not stop in time; terminating it');
        void worker.terminate();
      }, timeoutMs);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    }).finally(() => {
      if (this.worker === worker) this.worker = undefined;
    });
  }

  private onMessage(raw: unknown): void {
    const parsed = FROM_WORKER_SCHEMA.safeParse(raw);
    if (!parsed.success) {
      this.log.warn({}, 'hosted server worker sent an invalid message');
      return;
    }
    if (parsed.data.type === 'log') this.log[parsed.data.level](parsed.data.data, parsed.data.msg);
  }
}
