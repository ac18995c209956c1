/**
 * Every tunable of the room server, with its default. The headless CLI maps its flags and its
 * TOML file onto this; the desktop app passes its own values. docs/PROTOCOL.md lists the limits.
 */
import { DEFAULT_PORT } from '../../../shared/protocol/constants.ts';

export interface ServerLimitsConfig {
  /** Largest frame body accepted, in bytes. */
  maxFrameBytes: number;
  /** Longest message text, in characters (code points). */
  maxTextChars: number;
  /** Token bucket per connection: frames per second sustained, and the burst allowed. */
  ratePerSecond: number;
  rateBurst: number;
  /** Connections open at once, in total and from one IP address. */
  maxConnections: number;
  maxConnectionsPerIp: number;
  /**
   * Bytes waiting to be sent to one client (queued + socket buffer) above which a broadcast
   * (an event it did not ask for) closes it as not reading (slow_consumer). Its own replies
   * never do: they are flow-controlled by outHighWaterBytes.
   */
  maxQueueBytes: number;
  /**
   * Flow control of replies: above this many bytes waiting to be sent to a client, the server
   * stops reading and handling its requests until it has read down to half of it. Capped at
   * maxQueueBytes / 2.
   */
  outHighWaterBytes: number;
  /** A client whose out-queue has not drained to the low-water mark for this long is slow_consumer. */
  stallTimeoutMs: number;
  /**
   * Byte budget per connection: bytes per second received, sustained, and the burst. Over it,
   * the server stops reading the socket until the budget has refilled (back-pressure, no error).
   */
  inBytesPerSecond: number;
  inBytesBurst: number;
  /**
   * Reply byte budget per connection: bytes per second of replies (results and error replies),
   * sustained, and the burst. Over it, the server answers no more of its requests until the
   * budget has refilled (back-pressure, no error). Broadcasts and the welcome are not counted.
   */
  outBytesPerSecond: number;
  outBytesBurst: number;
  /** Time allowed between connecting and a successful hello. */
  handshakeTimeoutMs: number;
  /** Time allowed to complete a frame once its first byte has arrived. */
  frameTimeoutMs: number;
  /** The server pings a connection this often … */
  heartbeatMs: number;
  /** … and drops it when nothing at all arrived for this long. */
  idleTimeoutMs: number;
  /** Rooms the server will hold. */
  maxRooms: number;
  /**
   * Direct conversations whose last sequence number is kept in memory (least recently used go
   * first and are read again from the store when needed); rooms are always kept.
   */
  maxCachedDmConversations: number;
  // ── files (docs/PROTOCOL.md §18, §14) ──
  /** Largest file accepted (file_too_large). */
  maxFileBytes: number;
  /** All stored files together, each content once, plus what uploads in flight will add (storage_full). */
  maxStorageBytes: number;
  /** Free disk space that an upload must leave, counting what uploads in flight will still write (disk_full). */
  minFreeDiskBytes: number;
  /** Unfinished uploads of one user at once (too_many_uploads). */
  maxUploadsInFlightPerUser: number;
  /** Downloads (transfer connections) of one user at once (too_many_downloads). */
  maxDownloadsPerUser: number;
  /** Attachments of one message (too_many_files); at most MAX_FILES_PER_MESSAGE_CAP. */
  maxFilesPerMessage: number;
  /** An unfinished upload no byte arrived for in this long is deleted with its partial. */
  partialUploadTtlMs: number;
  /** A transfer connection on which no byte moved for this long is closed. */
  transferIdleTimeoutMs: number;
  // ── games (docs/PROTOCOL.md §19) ──
  /** An invitation not answered in this time expires. */
  gameInvitationMs: number;
  /** An accepted game whose first move is not made in this time is abandoned. */
  gameFirstMoveMs: number;
  /** A player who is away (disconnected or out of the room) forfeits after this long on their own turn. */
  gameReconnectMs: number;
  /** Open games (invitations and active games) of one room at once (game_busy beyond it). */
  maxOpenGamesPerRoom: number;
}

export interface ServerConfig {
  /** Shown to clients in welcome (and later in LAN discovery). */
  name: string;
  /** Interface to listen on; empty string means every interface (IPv6 and IPv4). */
  host: string;
  /** TCP port; 0 picks any free port. */
  port: number;
  /**
   * TCP port of the transfer connections (file bytes, transfer/); 0 picks any free port. Left
   * undefined: the port after `port` when that is fixed and free (one firewall rule for two
   * neighbouring ports), else any free port.
   */
  transferPort?: number | undefined;
  /** Folder holding parley.db. */
  dataDir: string;
  /** 'normal': survives a crashed process; 'full': also survives power loss (fsync per batch). */
  synchronous: 'normal' | 'full';
  /** Cap on the history database size in bytes; 0 means no cap. */
  maxHistoryBytes: number;
  limits: ServerLimitsConfig;
}

export const DEFAULT_LIMITS: ServerLimitsConfig = {
  maxFrameBytes: 1024 * 1024,
  maxTextChars: 4000,
  ratePerSecond: 20,
  rateBurst: 60,
  maxConnections: 4096,
  maxConnectionsPerIp: 32,
  maxQueueBytes: 8 * 1024 * 1024,
  outHighWaterBytes: 1024 * 1024,
  stallTimeoutMs: 30_000,
  inBytesPerSecond: 1024 * 1024,
  inBytesBurst: 2 * 1024 * 1024,
  outBytesPerSecond: 8 * 1024 * 1024,
  outBytesBurst: 16 * 1024 * 1024,
  handshakeTimeoutMs: 10_000,
  frameTimeoutMs: 30_000,
  heartbeatMs: 15_000,
  idleTimeoutMs: 45_000,
  maxRooms: 1000,
  maxCachedDmConversations: 10_000,
  maxFileBytes: 2 * 1024 ** 3,
  maxStorageBytes: 10 * 1024 ** 3,
  minFreeDiskBytes: 1024 ** 3,
  maxUploadsInFlightPerUser: 10,
  maxDownloadsPerUser: 16,
  maxFilesPerMessage: 10,
  partialUploadTtlMs: 24 * 60 * 60 * 1000,
  transferIdleTimeoutMs: 30_000,
  gameInvitationMs: 5 * 60_000,
  gameFirstMoveMs: 2 * 60_000,
  gameReconnectMs: 60_000,
  maxOpenGamesPerRoom: 64,
};

export const DEFAULT_SERVER_CONFIG: Omit<ServerConfig, 'dataDir'> = {
  name: 'Parley server',
  host: '',
  port: DEFAULT_PORT,
  synchronous: 'normal',
  maxHistoryBytes: 0,
  limits: DEFAULT_LIMITS,
};

/** A full config from the parts given; limits are merged field by field. */
export function resolveServerConfig(
  partial: Partial<Omit<ServerConfig, 'limits'>> & { dataDir: string; limits?: Partial<ServerLimitsConfig> },
): ServerConfig {
  return {
    ...DEFAULT_SERVER_CONFIG,
    ...partial,
    limits: { ...DEFAULT_LIMITS, ...partial.limits },
  };
}
