/**
 * The Parley room server: accepts connections from its listener (plain TCP by default), speaks
 * wire protocol v1 (docs/PROTOCOL.md) and composes the features (features/). It only listens,
 * accepts, sweeps timeouts and closes; requests go through the dispatcher, output through the
 * fan-out (fanout.ts: one commit, one encode per message, one write per socket per tick).
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { Uploads } from '../files/uploads.ts';
import { encodeFrame } from '../framing/frame-codec.ts';
import { FrameError } from '../framing/frame-decoder.ts';
import { HistoryStore } from '../store/history-store.ts';
import { tcpListener, type Listener, type ListenerFactory } from '../transport/listener.ts';
import { normalizeIp } from '../transport/remote-address.ts';
import { Connection } from './connection.ts';
import type { LiveRoom, ServerContext } from './context.ts';
import { Dispatcher, type Feature } from './dispatcher.ts';
import { Fanout } from './fanout.ts';
import { composeFeatures } from './features/index.ts';
import { silentLogger, type Logger } from './logger.ts';
import { Presence } from './presence.ts';
import type { ServerConfig } from './server-config.ts';
import { canReadFile } from './transfer/file-access.ts';
import { TransferServer } from './transfer/transfer-server.ts';
import type { TransferStats } from './transfer/transfer-thread.ts';

export { REPLY_HISTORY_BUDGET_BYTES } from './history-page.ts';

export interface RoomServerEvents {
  /** The number of rooms changed (LAN discovery republishes it). */
  rooms_changed: [count: number];
}

export interface RoomServerOptions {
  logger?: Logger;
  /** Where connections come from; plain TCP when absent (transport/README.md). */
  listener?: ListenerFactory;
}

const PING_FRAME = encodeFrame({ type: 'ping' });

export class RoomServer extends EventEmitter<RoomServerEvents> {
  readonly config: ServerConfig;
  readonly store: HistoryStore;
  /** Stable id of this server's data folder. */
  readonly id: string;
  private readonly log: Logger;
  private readonly listener: Listener;
  private readonly connections = new Set<Connection>();
  private readonly connectionsPerIp = new Map<string, number>();
  private readonly rooms = new Map<string, LiveRoom>();
  private readonly presence = new Presence();
  private readonly fanout: Fanout;
  private readonly features: Feature[];
  private readonly dispatcher: Dispatcher;
  private readonly transfers: TransferServer;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Addresses not held to maxConnectionsPerIp: this machine's web gateway, carrying many browsers. */
  private readonly perIpExempt = new Set<string>();

  private constructor(config: ServerConfig, store: HistoryStore, log: Logger, listener: ListenerFactory) {
    super();
    this.config = config;
    this.store = store;
    this.log = log;
    this.id = store.serverId();
    this.fanout = new Fanout(store, log, this.rooms, this.presence);
    const uploads = new Uploads(config.dataDir, store.files, config.limits);
    const context: ServerContext = {
      config,
      store,
      log,
      serverId: this.id,
      presence: this.presence,
      rooms: this.rooms,
      fanout: this.fanout,
      uploads,
      transferPort: () => this.transfers.port,
      notifyLeave: (room, connection, user, reason) => {
        for (const feature of this.features) feature.onLeave?.(room, connection, user, reason);
      },
      roomsChanged: () => this.emit('rooms_changed', this.rooms.size),
    };
    const fatal = (connection: Connection, code: Parameters<Connection['closeWithError']>[0], message: string) =>
      this.fatal(connection, code, message);
    const composed = composeFeatures(context, fatal);
    this.features = composed.features;
    this.dispatcher = new Dispatcher(context, composed.table, fatal);
    this.transfers = new TransferServer({
      limits: config.limits,
      store,
      uploads,
      log,
      canRead: (userId, file) => canReadFile(this.presence, userId, file),
    });
    this.listener = listener({
      onConnection: (socket) => this.accept(socket),
      onError: (error) => this.log.error({ err: error }, 'listener error'),
    });
  }

  /** Opens the store in config.dataDir and starts listening. */
  static async start(config: ServerConfig, options: RoomServerOptions = {}): Promise<RoomServer> {
    const log = options.logger ?? silentLogger;
    const store = HistoryStore.open(config.dataDir, {
      synchronous: config.synchronous,
      onWarning: (message, error) => log.warn({ err: error }, message),
      ...(config.maxHistoryBytes > 0 ? { maxSizeBytes: config.maxHistoryBytes } : {}),
    });
    let server: RoomServer;
    try {
      server = new RoomServer(config, store, options.logger ?? silentLogger, options.listener ?? tcpListener);
    } catch (error) {
      store.close();
      throw error;
    }
    try {
      // The transfer port first: once the chat port answers, the server is fully up.
      await server.transfers.listen(config.host, config.transferPort, config.port);
      await server.listener.listen({ host: config.host, port: config.port });
    } catch (error) {
      await server.transfers.close();
      await Promise.resolve()
        .then(() => server.listener.close())
        .catch(() => {});
      store.close();
      throw error;
    }
    const limits = config.limits;
    const shortest = Math.min(
      limits.heartbeatMs,
      limits.stallTimeoutMs,
      limits.handshakeTimeoutMs,
      limits.frameTimeoutMs,
      limits.idleTimeoutMs,
    );
    server.sweepTimer = setInterval(() => server.sweep(), Math.min(1000, Math.max(10, shortest / 4)));
    server.sweepTimer.unref();
    return server;
  }

  /** The address actually bound (with the real port when config.port was 0). */
  get address(): AddressInfo {
    return this.listener.address();
  }

  /**
   * Lifts the per-address connection limit for `address` (the total limit still applies). The web
   * gateway uses it: every browser it serves reaches this server from the gateway's address.
   */
  exemptFromPerIpLimit(address: string): void {
    this.perIpExempt.add(normalizeIp(address));
    this.transfers.exemptFromPerIpLimit(normalizeIp(address));
  }

  /** The port of the transfer connections (file bytes; welcome.limits.files.transferPort). */
  get transferPort(): number {
    return this.transfers.port;
  }

  /** Transfer connections open and the bytes they wait to send (for tests and logs). */
  transferStats(): Promise<TransferStats> {
    return this.transfers.stats();
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Bytes waiting to be sent to all clients (queued or in socket buffers): what slow readers cost. */
  get pendingOutBytes(): number {
    let total = 0;
    for (const connection of this.connections) total += connection.pendingOutBytes;
    return total;
  }

  /**
   * Stops accepting, commits what is pending, tells every client `server_shutdown`, waits for
   * the connections to close (at most a couple of seconds) and closes the store.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    for (const feature of this.features) feature.onClose?.();
    const stopped = this.listener.close();
    const transfersClosed = this.transfers.close();
    this.fanout.flushTick();
    // Everyone is marked closing before anyone leaves a room: a closing connection queues
    // nothing, so a shutdown does not send N×N "member_left" events nobody will read.
    for (const connection of this.connections)
      connection.closeWithError('server_shutdown', 'The server is shutting down');
    for (const connection of this.connections) this.detach(connection);
    await transfersClosed;
    await stopped;
    const closed = this.store.close();
    if (!closed.checkpointed) {
      // Nothing is lost: every acknowledged message is committed in the WAL, applied at the next start.
      this.log.warn(
        { err: closed.error, dataDir: this.config.dataDir },
        'the disk is full (or failing): the write-ahead log could not be checkpointed; it is kept and applied at the next start',
      );
    }
  }

  private accept(socket: Socket): void {
    socket.on('error', (error) => this.log.debug({ err: error.message }, 'socket error'));
    const ip = normalizeIp(socket.remoteAddress);
    const limits = this.config.limits;
    const fromIp = this.connectionsPerIp.get(ip) ?? 0;
    const perIpExceeded = fromIp >= limits.maxConnectionsPerIp && !this.perIpExempt.has(ip);
    if (this.closed || this.connections.size >= limits.maxConnections || perIpExceeded) {
      this.log.warn({ ip }, 'connection refused: too many connections');
      const code = this.closed ? 'server_shutdown' : 'too_many_connections';
      const message = this.closed ? 'The server is shutting down' : 'Too many connections';
      socket.end(encodeFrame({ type: 'error', code, message, fatal: true }));
      socket.resume(); // discard its input so the close completes as soon as the peer answers
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    this.connectionsPerIp.set(ip, fromIp + 1);
    const connection = new Connection(
      socket,
      ip,
      {
        maxFrameBytes: limits.maxFrameBytes,
        maxQueueBytes: limits.maxQueueBytes,
        outHighWaterBytes: limits.outHighWaterBytes,
        ratePerSecond: limits.ratePerSecond,
        rateBurst: limits.rateBurst,
        inBytesPerSecond: limits.inBytesPerSecond,
        inBytesBurst: limits.inBytesBurst,
        outBytesPerSecond: limits.outBytesPerSecond,
        outBytesBurst: limits.outBytesBurst,
        now: Date.now(),
      },
      {
        onDirty: (c) => this.fanout.markDirty(c),
        onOverflow: (c) => {
          this.log.warn({ ip: c.ip, user: c.user?.id, queued: c.pendingOutBytes }, 'slow consumer');
          this.fatal(c, 'slow_consumer', 'Disconnected because messages were not read fast enough', {
            dropQueued: true,
          });
        },
        onWritable: (c) => this.handleInbox(c),
        onRepliesOverBudget: (c, waitMs) => {
          if (c.gate.has('replies')) return;
          c.gate.hold('replies', Date.now());
          c.repliesTimer = setTimeout(() => {
            c.gate.release('replies', Date.now());
            this.handleInbox(c);
          }, waitMs);
        },
      },
    );
    this.connections.add(connection);
    socket.on('data', (chunk: Buffer) => this.receive(connection, chunk));
    socket.on('close', () => {
      const left = (this.connectionsPerIp.get(ip) ?? 1) - 1;
      if (left > 0) this.connectionsPerIp.set(ip, left);
      else this.connectionsPerIp.delete(ip);
      connection.dispose();
      this.detach(connection);
      this.connections.delete(connection);
    });
  }

  private receive(connection: Connection, chunk: Buffer): void {
    if (connection.closing) return;
    const now = Date.now();
    connection.lastReceivedAt = now;
    let completed = false;
    try {
      connection.decoder.push(chunk, (payload) => {
        completed = true;
        connection.inbox.push(payload);
      });
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      // Nothing more can be read; the frames before the bad bytes are still answered first.
      connection.inputError = error.message;
      connection.gate.hold('error', now);
    }
    if (connection.decoder.pendingBytes === 0) connection.partialSince = 0;
    else if (completed || connection.partialSince === 0) connection.partialSince = now;
    // The byte budget: these bytes are in, but no more are read until the budget has refilled.
    const waitMs = connection.inBudget.charge(chunk.length, now);
    if (waitMs > 0 && !connection.gate.has('budget')) {
      connection.gate.hold('budget', now);
      connection.budgetTimer = setTimeout(() => connection.gate.release('budget', Date.now()), waitMs);
    }
    this.handleInbox(connection);
  }

  /**
   * Handles the frames received so far, in order, until the out-queue goes above its high-water
   * mark (flow control: the rest wait until the client has read enough, see Connection) or the
   * replies use up the reply byte budget (the rest wait until it has refilled).
   */
  private handleInbox(connection: Connection): void {
    const inbox = connection.inbox;
    while (inbox.length > 0) {
      if (connection.closing || connection.gate.has('output') || connection.gate.has('replies')) return;
      this.dispatcher.handle(connection, inbox.shift()!, Date.now());
    }
    if (connection.inputError !== undefined && !connection.closing) {
      this.fatal(connection, 'bad_frame', connection.inputError);
    }
  }

  /** Closes a connection with a fatal error and takes it out of rooms at once. */
  private fatal(
    connection: Connection,
    code: Parameters<Connection['closeWithError']>[0],
    message: string,
    options: { dropQueued?: boolean } = {},
  ): void {
    this.log.info({ ip: connection.ip, user: connection.user?.id, code }, 'closing connection');
    this.detach(connection);
    connection.closeWithError(code, message, options);
  }

  /**
   * Takes a connection out of the server: every feature's onDisconnect hook, newest feature
   * first (rooms tell their members it left). Idempotent.
   */
  private detach(connection: Connection): void {
    const user = connection.user;
    if (!user) return;
    // Messages it sent in this tick are committed and delivered before anyone hears it left.
    this.fanout.commit();
    connection.user = undefined;
    for (let i = this.features.length - 1; i >= 0; i--) this.features[i]!.onDisconnect?.(connection, user);
  }

  /** Sweeps every connection for the handshake, frame and idle timeouts, and sends heartbeats. */
  private sweep(): void {
    const now = Date.now();
    const limits = this.config.limits;
    for (const connection of this.connections) {
      if (connection.closing) continue;
      // While the server holds a connection's input, its input clocks stand still (InputGate).
      const reading = !connection.gate.held;
      if (!connection.user && now - connection.connectedAt > limits.handshakeTimeoutMs) {
        this.fatal(connection, 'handshake_timeout', `No hello within ${limits.handshakeTimeoutMs} ms`);
      } else if (connection.stalledFor(now) > limits.stallTimeoutMs) {
        this.log.warn({ ip: connection.ip, user: connection.user?.id, queued: connection.pendingOutBytes }, 'stalled');
        this.fatal(connection, 'slow_consumer', `Nothing was read for ${limits.stallTimeoutMs} ms`, {
          dropQueued: true,
        });
      } else if (reading && connection.partialSince !== 0 && now - connection.partialSince > limits.frameTimeoutMs) {
        this.fatal(connection, 'frame_timeout', `A frame was not completed within ${limits.frameTimeoutMs} ms`);
      } else if (reading && now - connection.lastReceivedAt > limits.idleTimeoutMs) {
        this.fatal(connection, 'idle_timeout', `Nothing received for ${limits.idleTimeoutMs} ms`);
      } else if (connection.user && now - connection.lastPingAt >= limits.heartbeatMs) {
        connection.lastPingAt = now;
        connection.enqueueReply(PING_FRAME);
      }
    }
  }
}
