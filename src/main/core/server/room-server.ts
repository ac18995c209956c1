/**
 * The Parley room server: accepts TCP connections, speaks wire protocol v1 (docs/PROTOCOL.md),
 * keeps rooms, presence and direct messages, and stores history through HistoryStore.
 *
 * Hot path for a message: decode → validate → numbered and queued in the current batch → at the
 * end of the event-loop tick the batch is committed in one SQLite transaction → each message is
 * encoded once and the same buffer is queued to every recipient → every connection with queued
 * frames gets one socket write. Nothing is acknowledged or delivered before it is committed.
 */
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  CLIENT_FRAME_SCHEMAS,
  isClientFrameType,
  requestId,
  type ClientFrame,
  type RequestId,
} from '../../../shared/protocol/client-frames.ts';
import {
  DEFAULT_HISTORY_PAGE,
  MAX_CATCH_UP,
  MAX_HISTORY_PAGE,
  PROTOCOL_VERSION,
} from '../../../shared/protocol/constants.ts';
import type { ChatMessage, RoomInfo, UserRef, WelcomeFrame } from '../../../shared/protocol/server-frames.ts';
import { checkDisplayName, checkMessageText, checkRoomName, checkTopic, nameKey } from '../../../shared/text-rules.ts';
import { encodeFrame, parseFrame } from '../framing/frame-codec.ts';
import { FrameError } from '../framing/frame-decoder.ts';
import { HistoryStore, dmKey } from '../store/history-store.ts';
import { Connection } from './connection.ts';
import { silentLogger, type Logger } from './logger.ts';
import type { ServerConfig } from './server-config.ts';
import { normalizeIp } from '../transport/remote-address.ts';

interface LiveRoom {
  id: string;
  name: string;
  topic: string;
  lastSeq: number;
  lastTs: number;
  members: Set<Connection>;
}

/** A message accepted in this tick, waiting for the batch commit. */
interface PendingSend {
  message: ChatMessage;
  sender: Connection;
  re: RequestId;
  /** Resends of the same msgId that arrived before the commit: answered with the same message. */
  duplicates: { connection: Connection; re: RequestId }[];
}

export interface RoomServerEvents {
  /** The number of rooms changed (LAN discovery republishes it). */
  rooms_changed: [count: number];
}

function zodIssueText(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

export class RoomServer extends EventEmitter<RoomServerEvents> {
  readonly config: ServerConfig;
  readonly store: HistoryStore;
  /** Stable id of this server's data folder. */
  readonly id: string;
  private readonly log: Logger;
  private readonly tcp: Server;
  private readonly connections = new Set<Connection>();
  private readonly connectionsPerIp = new Map<string, number>();
  /** Connected users by id (one connection each) and by case-folded name. */
  private readonly online = new Map<string, Connection>();
  private readonly nameOwners = new Map<string, string>();
  private readonly rooms = new Map<string, LiveRoom>();
  /** Last sequence number handed out per conversation (rooms and DMs), loaded lazily. */
  private readonly convSeq = new Map<string, number>();
  private batch: PendingSend[] = [];
  private readonly batchByMsgId = new Map<string, PendingSend>();
  /** convSeq values before the current batch, restored if its commit fails. */
  private seqBeforeBatch = new Map<string, number>();
  private dirty: Connection[] = [];
  private flushScheduled = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Addresses not held to maxConnectionsPerIp: this machine's web gateway, carrying many browsers. */
  private readonly perIpExempt = new Set<string>();

  private constructor(config: ServerConfig, store: HistoryStore, log: Logger) {
    super();
    this.config = config;
    this.store = store;
    this.log = log;
    this.id = store.serverId();
    for (const room of store.listRooms()) {
      this.rooms.set(room.id, { ...room, members: new Set() });
      this.convSeq.set(room.id, room.lastSeq);
    }
    this.tcp = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.tcp.on('error', (error) => this.log.error({ err: error }, 'listener error'));
  }

  /** Opens the store in config.dataDir and starts listening. */
  static async start(config: ServerConfig, options: { logger?: Logger } = {}): Promise<RoomServer> {
    const store = HistoryStore.open(config.dataDir, {
      synchronous: config.synchronous,
      ...(config.maxHistoryBytes > 0 ? { maxSizeBytes: config.maxHistoryBytes } : {}),
    });
    const server = new RoomServer(config, store, options.logger ?? silentLogger);
    try {
      await server.listen();
    } catch (error) {
      store.close();
      throw error;
    }
    return server;
  }

  private listen(): Promise<void> {
    const { host, port } = this.config;
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.tcp.once('error', onError);
      // A large backlog so that a thousand clients connecting at once are queued, not refused.
      this.tcp.listen({ port, ...(host ? { host } : {}), backlog: 4096 }, () => {
        this.tcp.off('error', onError);
        const limits = this.config.limits;
        const shortest = Math.min(
          limits.heartbeatMs,
          limits.handshakeTimeoutMs,
          limits.frameTimeoutMs,
          limits.idleTimeoutMs,
        );
        this.sweepTimer = setInterval(() => this.sweep(), Math.min(1000, Math.max(10, shortest / 4)));
        this.sweepTimer.unref();
        resolve();
      });
    });
  }

  /** The address actually bound (with the real port when config.port was 0). */
  get address(): AddressInfo {
    return this.tcp.address() as AddressInfo;
  }

  /**
   * Lifts the per-address connection limit for `address` (the total limit still applies). The web
   * gateway uses it: every browser it serves reaches this server from the gateway's address.
   */
  exemptFromPerIpLimit(address: string): void {
    this.perIpExempt.add(normalizeIp(address));
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Stops accepting, commits what is pending, tells every client `server_shutdown`, waits for
   * the connections to close (at most a couple of seconds) and closes the store.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    const stopped = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    this.flushTick();
    // Everyone is marked closing before anyone leaves a room: a closing connection queues
    // nothing, so a shutdown does not send N×N "member_left" events nobody will read.
    for (const connection of this.connections)
      connection.closeWithError('server_shutdown', 'The server is shutting down');
    for (const connection of this.connections) this.detach(connection);
    await stopped;
    this.store.close();
  }

  // ── connections ────────────────────────────────────────────────────────────────────────────

  private accept(socket: Socket): void {
    socket.on('error', (error) => this.log.debug({ err: error.message }, 'socket error'));
    const ip = normalizeIp(socket.remoteAddress);
    const limits = this.config.limits;
    const fromIp = this.connectionsPerIp.get(ip) ?? 0;
    const perIpExceeded = fromIp >= limits.maxConnectionsPerIp && !this.perIpExempt.has(ip);
    if (this.closed || this.connections.size >= limits.maxConnections || perIpExceeded) {
      this.log.warn({ ip }, 'connection refused: too many connections');
      const message = this.closed ? 'The server is shutting down' : 'Too many connections';
      socket.end(
        encodeFrame({
          type: 'error',
          code: this.closed ? 'server_shutdown' : 'too_many_connections',
          message,
          fatal: true,
        }),
      );
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
        ratePerSecond: limits.ratePerSecond,
        rateBurst: limits.rateBurst,
        now: Date.now(),
      },
      {
        onDirty: (c) => this.markDirty(c),
        onOverflow: (c) => {
          this.log.warn({ ip: c.ip, user: c.user?.id, queued: c.pendingOutBytes }, 'slow consumer');
          this.fatal(c, 'slow_consumer', 'Disconnected because messages were not read fast enough', {
            dropQueued: true,
          });
        },
      },
    );
    this.connections.add(connection);
    socket.on('data', (chunk: Buffer) => this.receive(connection, chunk));
    socket.on('close', () => {
      const left = (this.connectionsPerIp.get(ip) ?? 1) - 1;
      if (left > 0) this.connectionsPerIp.set(ip, left);
      else this.connectionsPerIp.delete(ip);
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
        this.handlePayload(connection, payload, now);
      });
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.fatal(connection, 'bad_frame', error.message);
      return;
    }
    if (connection.decoder.pendingBytes === 0) connection.partialSince = 0;
    else if (completed || connection.partialSince === 0) connection.partialSince = now;
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

  /** Removes a connection from rooms and the online maps, telling the rooms it left. Idempotent. */
  private detach(connection: Connection): void {
    const user = connection.user;
    if (!user) return;
    connection.user = undefined;
    if (this.online.get(user.id) === connection) this.online.delete(user.id);
    if (this.nameOwners.get(user.nameKey) === user.id) this.nameOwners.delete(user.nameKey);
    for (const roomId of connection.rooms) {
      const room = this.rooms.get(roomId);
      if (!room) continue;
      room.members.delete(connection);
      this.broadcast(room, {
        type: 'member_left',
        room: room.id,
        user: { id: user.id, name: user.name },
        reason: 'disconnected',
      });
    }
    connection.rooms.clear();
  }

  /** Sweeps every connection for the handshake, frame and idle timeouts, and sends heartbeats. */
  private sweep(): void {
    const now = Date.now();
    const limits = this.config.limits;
    for (const connection of this.connections) {
      if (connection.closing) continue;
      if (!connection.user && now - connection.connectedAt > limits.handshakeTimeoutMs) {
        this.fatal(connection, 'handshake_timeout', `No hello within ${limits.handshakeTimeoutMs} ms`);
      } else if (connection.partialSince !== 0 && now - connection.partialSince > limits.frameTimeoutMs) {
        this.fatal(connection, 'frame_timeout', `A frame was not completed within ${limits.frameTimeoutMs} ms`);
      } else if (now - connection.lastReceivedAt > limits.idleTimeoutMs) {
        this.fatal(connection, 'idle_timeout', `Nothing received for ${limits.idleTimeoutMs} ms`);
      } else if (connection.user && now - connection.lastPingAt >= limits.heartbeatMs) {
        connection.lastPingAt = now;
        connection.enqueue(PING_FRAME);
      }
    }
  }

  // ── output: one write per connection per tick ──────────────────────────────────────────────

  private markDirty(connection: Connection): void {
    this.dirty.push(connection);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushTick);
  }

  /** Commits the pending batch, then writes every connection's queued frames. */
  private readonly flushTick = (): void => {
    this.commitBatch();
    const dirty = this.dirty;
    this.dirty = [];
    for (const connection of dirty) connection.flush();
    this.flushScheduled = false;
    if (this.dirty.length > 0 || this.batch.length > 0) this.scheduleFlush();
  };

  /** Encodes once and queues to every member of a room except `except`. */
  private broadcast(room: LiveRoom, frame: object, except?: Connection): void {
    if (room.members.size === 0) return;
    const encoded = encodeFrame(frame);
    for (const member of room.members) {
      if (member !== except) member.enqueue(encoded);
    }
  }

  // ── requests ───────────────────────────────────────────────────────────────────────────────

  private handlePayload(connection: Connection, payload: Buffer, now: number): void {
    if (connection.closing) return;
    const parsed = parseFrame(payload);
    if (!parsed.ok) {
      this.fatal(connection, 'bad_frame', parsed.reason);
      return;
    }
    const frame = parsed.frame;
    const idCheck = requestId.safeParse(frame['id']);
    const re = idCheck.success ? idCheck.data : undefined;
    const reply = (code: Parameters<Connection['replyError']>[0], message: string) => {
      connection.replyError(code, message, re);
    };
    const type = frame.type;
    // Heartbeat answers cost nothing and are never refused (nor answered).
    if (type === 'pong') return;
    if (!connection.bucket.take(now)) {
      reply('rate_limited', `More than ${this.config.limits.ratePerSecond} frames per second`);
      return;
    }
    if (!isClientFrameType(type)) {
      reply('unknown_type', `Unknown frame type "${type.slice(0, 64)}"`);
      return;
    }
    if (!connection.user && type !== 'hello') {
      reply('not_authenticated', 'Send hello first');
      return;
    }
    // The version is checked before the v1 schema: a future hello may be shaped differently.
    if (type === 'hello' && !connection.user && frame['protocol'] !== PROTOCOL_VERSION) {
      this.fatal(connection, 'protocol_unsupported', `This server speaks protocol ${PROTOCOL_VERSION} only`);
      return;
    }
    const checked = CLIENT_FRAME_SCHEMAS[type].safeParse(frame);
    if (!checked.success) {
      reply('bad_request', zodIssueText(checked.error));
      return;
    }
    // Keep one total order: messages accepted earlier in this tick are committed and delivered
    // before any other request (a leave, a rename) takes effect.
    if (type !== 'send' && this.batch.length > 0) this.commitBatch();
    try {
      this.dispatch(connection, checked.data as ClientFrame);
    } catch (error) {
      // SQLite errors here are writes refused by a full disk or the history size cap.
      if ((error as { code?: unknown }).code === 'ERR_SQLITE_ERROR') {
        this.log.error({ err: error, type }, 'storage error');
        reply('storage_failed', 'The server could not store this change (its storage is full or failing)');
      } else {
        this.log.error({ err: error, type }, 'request failed');
        reply('internal', 'The server could not carry out this request');
      }
    }
  }

  private dispatch(connection: Connection, frame: ClientFrame): void {
    switch (frame.type) {
      case 'hello':
        return this.hello(connection, frame);
      case 'pong':
        return; // handled before the rate limit
      case 'ping':
        connection.reply<'ping'>(frame.id, {});
        return;
      case 'rename':
        return this.rename(connection, frame);
      case 'room_create':
        return this.createRoom(connection, frame);
      case 'room_list':
        connection.reply<'room_list'>(frame.id, { rooms: this.roomInfos() });
        return;
      case 'room_join':
        return this.joinRoom(connection, frame);
      case 'room_leave':
        return this.leaveRoom(connection, frame);
      case 'room_members':
        return this.roomMembers(connection, frame);
      case 'history':
        return this.history(connection, frame);
      case 'send':
        return this.send(connection, frame);
      case 'dm_list':
        return this.dmList(connection, frame);
    }
  }

  private hello(connection: Connection, frame: ClientFrame<'hello'>): void {
    const re = frame.id;
    if (connection.user) {
      connection.replyError('already_authenticated', 'hello was already accepted', re);
      return;
    }
    const name = checkDisplayName(frame.name);
    if (!name.ok) {
      connection.replyError('name_invalid', name.reason, re);
      return;
    }
    const key = nameKey(name.value);
    let user = frame.resume ? this.store.authenticate(frame.resume.userId, frame.resume.token) : undefined;
    const owner = this.nameOwners.get(key);
    if (owner !== undefined && owner !== user?.id) {
      connection.replyError('name_taken', `Someone connected is already called "${name.value}"`, re);
      return;
    }
    let credentials: WelcomeFrame['credentials'];
    if (!user) {
      const created = this.store.createUser(name.value);
      credentials = { userId: created.id, token: created.token };
      user = created;
    } else if (user.name !== name.value) {
      this.store.setUserName(user.id, name.value);
    }
    const previous = this.online.get(user.id);
    if (previous) this.fatal(previous, 'replaced', 'You connected again from somewhere else');
    connection.user = { id: user.id, name: name.value, nameKey: key };
    this.online.set(user.id, connection);
    this.nameOwners.set(key, user.id);
    const limits = this.config.limits;
    const welcome: WelcomeFrame = {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      server: { id: this.id, name: this.config.name },
      user: { id: user.id, name: name.value },
      ...(credentials ? { credentials } : {}),
      rooms: this.roomInfos(),
      limits: {
        maxFrameBytes: limits.maxFrameBytes,
        maxTextChars: limits.maxTextChars,
        ratePerSecond: limits.ratePerSecond,
        rateBurst: limits.rateBurst,
        heartbeatMs: limits.heartbeatMs,
        idleTimeoutMs: limits.idleTimeoutMs,
      },
    };
    this.log.info({ ip: connection.ip, user: user.id, userName: name.value, resumed: !credentials }, 'user connected');
    connection.enqueue(encodeFrame(re === undefined ? welcome : { ...welcome, re }));
  }

  private rename(connection: Connection, frame: ClientFrame<'rename'>): void {
    const user = connection.user!;
    const name = checkDisplayName(frame.name);
    if (!name.ok) {
      connection.replyError('name_invalid', name.reason, frame.id);
      return;
    }
    const key = nameKey(name.value);
    const owner = this.nameOwners.get(key);
    if (owner !== undefined && owner !== user.id) {
      connection.replyError('name_taken', `Someone connected is already called "${name.value}"`, frame.id);
      return;
    }
    const oldName = user.name;
    if (oldName !== name.value) {
      this.store.setUserName(user.id, name.value);
      if (this.nameOwners.get(user.nameKey) === user.id) this.nameOwners.delete(user.nameKey);
      this.nameOwners.set(key, user.id);
      user.name = name.value;
      user.nameKey = key;
      // Everyone sharing at least one room hears it once.
      const audience = new Set<Connection>();
      for (const roomId of connection.rooms) {
        for (const member of this.rooms.get(roomId)?.members ?? []) audience.add(member);
      }
      audience.delete(connection);
      if (audience.size > 0) {
        const event = encodeFrame({ type: 'user_renamed', user: { id: user.id, name: user.name }, oldName });
        for (const member of audience) member.enqueue(event);
      }
    }
    connection.reply<'rename'>(frame.id, { user: { id: user.id, name: user.name } });
  }

  private createRoom(connection: Connection, frame: ClientFrame<'room_create'>): void {
    const name = checkRoomName(frame.name);
    if (!name.ok) {
      connection.replyError('room_name_invalid', name.reason, frame.id);
      return;
    }
    const topic = checkTopic(frame.topic ?? '');
    if (!topic.ok) {
      connection.replyError('topic_invalid', topic.reason, frame.id);
      return;
    }
    if (this.rooms.size >= this.config.limits.maxRooms) {
      connection.replyError('room_limit', `This server holds at most ${this.config.limits.maxRooms} rooms`, frame.id);
      return;
    }
    const stored = this.store.createRoom(name.value, nameKey(name.value), topic.value, connection.user!.id);
    if (!stored) {
      connection.replyError('room_exists', `A room called "${name.value}" already exists`, frame.id);
      return;
    }
    const room: LiveRoom = { ...stored, members: new Set() };
    this.rooms.set(room.id, room);
    this.convSeq.set(room.id, 0);
    const info = this.roomInfo(room);
    connection.reply<'room_create'>(frame.id, { room: info });
    const event = encodeFrame({ type: 'room_created', room: info });
    for (const other of this.online.values()) if (other !== connection) other.enqueue(event);
    this.log.info({ room: room.id, roomName: room.name }, 'room created');
    this.emit('rooms_changed', this.rooms.size);
  }

  private joinRoom(connection: Connection, frame: ClientFrame<'room_join'>): void {
    const room = this.rooms.get(frame.room);
    if (!room) {
      connection.replyError('room_not_found', 'No such room', frame.id);
      return;
    }
    if (!room.members.has(connection)) {
      const user = connection.user!;
      this.broadcast(room, { type: 'member_joined', room: room.id, user: { id: user.id, name: user.name } });
      room.members.add(connection);
      connection.rooms.add(room.id);
    }
    const page =
      frame.since === undefined
        ? fitPage(this.store.latest(room.id, Math.min(frame.limit ?? DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE)), 'newest')
        : fitPage(
            this.store.after(room.id, frame.since, Math.min(frame.limit ?? MAX_CATCH_UP, MAX_CATCH_UP)),
            'oldest',
          );
    connection.reply<'room_join'>(frame.id, {
      room: this.roomInfo(room),
      members: this.memberList(room),
      messages: page.messages,
      hasMore: page.hasMore,
    });
  }

  private leaveRoom(connection: Connection, frame: ClientFrame<'room_leave'>): void {
    const room = this.memberRoom(connection, frame.room, frame.id);
    if (!room) return;
    room.members.delete(connection);
    connection.rooms.delete(room.id);
    const user = connection.user!;
    this.broadcast(room, {
      type: 'member_left',
      room: room.id,
      user: { id: user.id, name: user.name },
      reason: 'left',
    });
    connection.reply<'room_leave'>(frame.id, {});
  }

  private roomMembers(connection: Connection, frame: ClientFrame<'room_members'>): void {
    const room = this.memberRoom(connection, frame.room, frame.id);
    if (room) connection.reply<'room_members'>(frame.id, { members: this.memberList(room) });
  }

  /** The room if it exists and the connection has joined it; otherwise answers the error. */
  private memberRoom(connection: Connection, roomId: string, re: RequestId): LiveRoom | undefined {
    const room = this.rooms.get(roomId);
    if (!room) connection.replyError('room_not_found', 'No such room', re);
    else if (!room.members.has(connection)) connection.replyError('not_member', 'Join the room first', re);
    else return room;
    return undefined;
  }

  /** Resolves a room-or-user target to a conversation key, answering the error if it can't. */
  private conversation(
    connection: Connection,
    target: { room?: string | undefined; user?: string | undefined },
    re: RequestId,
  ): { key: string; room?: LiveRoom; peer?: UserRef } | undefined {
    if (target.room !== undefined) {
      const room = this.memberRoom(connection, target.room, re);
      return room ? { key: room.id, room } : undefined;
    }
    const peerId = target.user!;
    const peer = this.online.get(peerId)?.user ?? this.store.getUser(peerId);
    if (!peer) {
      connection.replyError('user_not_found', 'No such user', re);
      return undefined;
    }
    return { key: dmKey(connection.user!.id, peerId), peer: { id: peer.id, name: peer.name } };
  }

  private history(connection: Connection, frame: ClientFrame<'history'>): void {
    const conv = this.conversation(connection, frame, frame.id);
    if (!conv) return;
    const limit = Math.min(frame.limit ?? DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE);
    const page =
      frame.after !== undefined
        ? fitPage(this.store.after(conv.key, frame.after, limit), 'oldest')
        : fitPage(
            frame.before !== undefined
              ? this.store.before(conv.key, frame.before, limit)
              : this.store.latest(conv.key, limit),
            'newest',
          );
    connection.reply<'history'>(frame.id, page);
  }

  private dmList(connection: Connection, frame: ClientFrame<'dm_list'>): void {
    const conversations = this.store.dmsOf(connection.user!.id).map((row) => ({
      user: { id: row.peer, name: this.online.get(row.peer)?.user?.name ?? row.peerName },
      lastSeq: row.lastSeq,
      lastActivity: row.lastTs,
    }));
    connection.reply<'dm_list'>(frame.id, { conversations });
  }

  // ── messages: accept, batch, commit, fan out ──────────────────────────────────────────────

  private send(connection: Connection, frame: ClientFrame<'send'>): void {
    const user = connection.user!;
    // A resend of a stored msgId is answered with the stored message before any other check, so
    // that a client resending after a reconnect always learns the outcome of its first attempt.
    const dedupKey = `${user.id}\n${frame.msgId}`;
    const pending = this.batchByMsgId.get(dedupKey);
    if (pending) {
      pending.duplicates.push({ connection, re: frame.id });
      return;
    }
    const stored = this.store.findByMsgId(user.id, frame.msgId);
    if (stored) {
      connection.reply<'send'>(frame.id, { message: stored, duplicate: true });
      return;
    }
    const conv = this.conversation(connection, frame, frame.id);
    if (!conv) return;
    const text = checkMessageText(frame.text, this.config.limits.maxTextChars);
    if (!text.ok) {
      connection.replyError(text.code, text.reason, frame.id);
      return;
    }
    const message: ChatMessage = {
      seq: this.nextSeq(conv.key),
      ts: Date.now(),
      from: user.id,
      fromName: user.name,
      text: text.value,
      msgId: frame.msgId,
    };
    if (conv.room) message.room = conv.room.id;
    else message.to = conv.peer!.id;
    const entry: PendingSend = { message, sender: connection, re: frame.id, duplicates: [] };
    this.batch.push(entry);
    this.batchByMsgId.set(dedupKey, entry);
    this.scheduleFlush();
  }

  private nextSeq(conv: string): number {
    let last = this.convSeq.get(conv);
    if (last === undefined) last = this.store.lastSeq(conv);
    if (!this.seqBeforeBatch.has(conv)) this.seqBeforeBatch.set(conv, last);
    this.convSeq.set(conv, last + 1);
    return last + 1;
  }

  /** Stores the batch in one transaction; only then acknowledges and delivers its messages. */
  private commitBatch(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    this.batchByMsgId.clear();
    const seqBefore = this.seqBeforeBatch;
    this.seqBeforeBatch = new Map();
    try {
      this.store.appendBatch(batch.map((entry) => entry.message));
    } catch (error) {
      this.log.error({ err: error, messages: batch.length }, 'storing messages failed');
      for (const [conv, seq] of seqBefore) this.convSeq.set(conv, seq);
      const reason = 'The message could not be stored, so it was not sent';
      for (const entry of batch) {
        entry.sender.replyError('storage_failed', reason, entry.re);
        for (const d of entry.duplicates) d.connection.replyError('storage_failed', reason, d.re);
      }
      return;
    }
    for (const entry of batch) {
      const message = entry.message;
      const event = encodeFrame({ type: 'message', message });
      if (message.room !== undefined) {
        const room = this.rooms.get(message.room)!;
        room.lastSeq = message.seq;
        room.lastTs = message.ts;
        for (const member of room.members) if (member !== entry.sender) member.enqueue(event);
      } else {
        const recipient = this.online.get(message.to!);
        if (recipient && recipient !== entry.sender) recipient.enqueue(event);
      }
      if (!entry.sender.closing) entry.sender.reply<'send'>(entry.re, { message, duplicate: false });
      for (const d of entry.duplicates) d.connection.reply<'send'>(d.re, { message, duplicate: true });
    }
  }

  // ── views ──────────────────────────────────────────────────────────────────────────────────

  private roomInfo(room: LiveRoom): RoomInfo {
    return {
      id: room.id,
      name: room.name,
      topic: room.topic,
      members: room.members.size,
      lastSeq: room.lastSeq,
      lastActivity: room.lastTs,
    };
  }

  private roomInfos(): RoomInfo[] {
    return Array.from(this.rooms.values(), (room) => this.roomInfo(room));
  }

  private memberList(room: LiveRoom): UserRef[] {
    const members: UserRef[] = [];
    for (const member of room.members) if (member.user) members.push({ id: member.user.id, name: member.user.name });
    return members;
  }
}

const PING_FRAME = encodeFrame({ type: 'ping' });

/**
 * Bytes of history one reply may carry (estimated generously: 3 bytes per UTF-16 unit). Keeps
 * every reply well below the client's frame limit and the per-client queue bound, whatever the
 * page size and text length; `hasMore` tells the client to ask for the rest.
 */
export const REPLY_HISTORY_BUDGET_BYTES = 1024 * 1024;

/** Trims a page to the reply budget, keeping the newest (paging back) or oldest (paging forward) end. */
function fitPage(page: { messages: ChatMessage[]; hasMore: boolean }, keep: 'newest' | 'oldest') {
  const { messages } = page;
  let budget = REPLY_HISTORY_BUDGET_BYTES;
  let kept = 0;
  for (; kept < messages.length; kept++) {
    const m = messages[keep === 'oldest' ? kept : messages.length - 1 - kept]!;
    budget -= 160 + 3 * (m.text.length + m.fromName.length + m.msgId.length);
    if (budget < 0 && kept > 0) break;
  }
  if (kept === messages.length) return page;
  return {
    messages: keep === 'oldest' ? messages.slice(0, kept) : messages.slice(messages.length - kept),
    hasMore: true,
  };
}
