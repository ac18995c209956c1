/**
 * A small in-memory ParleyApi for renderer tests. It stands in for the API boundary (the
 * session manager behind IPC or the WebSocket), not for the room server: the real server is
 * covered by the end-to-end tests. Calls resolve from in-memory state; tests drive events with
 * `emit` and settle sent messages with `confirm` / `fail`.
 */
import type {
  ApiEventName,
  BeginUploadResult,
  DownloadView,
  FileSettings,
  UploadRequest,
  ApiEvents,
  AppInfo,
  ConversationTarget,
  DiscoveryDiagnostics,
  DisplayNameResult,
  HistoryPage,
  HostView,
  NearbyServerView,
  NetworkInterfaceView,
  ParleyApi,
  RoomJoinResult,
  RoomPage,
  ServerView,
  Settings,
  Unsubscribe,
  UpdateStatus,
} from '../../src/shared/api/contract.ts';
import { ApiError } from '../../src/shared/api/proxy.ts';
import { serverKeyOf } from '../../src/shared/api/contract.ts';
import { FILE_ARGS } from '../../src/shared/api/features/files.ts';
import { GAME_ARGS, type GameInfo, type GamePage, type ScoreRow } from '../../src/shared/api/features/games.ts';
import { isOpenGame, type GameResultOf } from '../../src/shared/games/game-machine.ts';
import { scoreboard } from '../../src/shared/games/results.ts';
import { tttMachine } from '../../src/shared/games/tic-tac-toe.ts';
import type {
  ChatMessage,
  DmSummary,
  FileInfo,
  FileLimits,
  RoomInfo,
  UserRef,
} from '../../src/shared/protocol/server-frames.ts';
import { checkDisplayName } from '../../src/shared/text-rules.ts';

export const SERVER = '192.168.1.20:7275';
export const ME: UserRef = { id: 'u_me', name: 'Ada' };
export const BOB: UserRef = { id: 'u_bob', name: 'Bob' };

export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxFileBytes: 2 * 1024 ** 3,
  maxFilesPerMessage: 10,
  maxUploadsInFlight: 4,
  maxDownloadsInFlight: 4,
  transferPort: 0,
};

/** An upload as the fake holds it: what a server would keep of a partial file. */
export interface FakeUpload {
  id: string;
  key: string;
  server: string;
  target: ConversationTarget;
  request: UploadRequest;
  chunks: Uint8Array[];
  received: number;
}

/** A stored file and its bytes. */
export interface FakeFile {
  info: FileInfo;
  bytes: Uint8Array;
}

const IMAGE_EXTENSIONS: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** A file as the server would describe it (the fake decides the type by the name's extension). */
export function fileInfo(patch: Partial<FileInfo> & { id: string; name: string }): FileInfo {
  return { size: 1000, sha256: '0'.repeat(64), type: 'application/octet-stream', kind: 'file', ...patch };
}

/** SHA-256 by WebCrypto: independent of the hasher the upload driver uses. */
export async function sha256Of(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function serverView(patch: Partial<ServerView> = {}): ServerView {
  return {
    key: SERVER,
    host: '192.168.1.20',
    port: 7275,
    name: 'Kitchen',
    serverId: 's_1',
    status: 'connected',
    retryAt: null,
    error: null,
    self: ME,
    limits: {
      maxFrameBytes: 1_048_576,
      maxTextChars: 4000,
      ratePerSecond: 20,
      rateBurst: 40,
      heartbeatMs: 15_000,
      idleTimeoutMs: 45_000,
      files: { ...DEFAULT_FILE_LIMITS },
    },
    hosted: false,
    unsent: 0,
    lastConnected: Date.now(),
    ...patch,
  };
}

export function room(patch: Partial<RoomInfo> = {}): RoomInfo {
  return {
    id: 'r_general',
    name: 'general',
    topic: 'Chit chat',
    members: 2,
    lastSeq: 0,
    lastActivity: Date.now(),
    ...patch,
  };
}

export function chatMessage(patch: Partial<ChatMessage> & { seq: number }): ChatMessage {
  return {
    room: 'r_general',
    ts: Date.now(),
    from: BOB.id,
    fromName: BOB.name,
    text: `message ${patch.seq}`,
    msgId: `bob-${patch.seq}`,
    ...patch,
  };
}

/** A server found on the LAN, as listNearby / nearbyChanged report it. */
export function nearbyServer(patch: Partial<NearbyServerView> = {}): NearbyServerView {
  return {
    id: 's_attic',
    name: 'Attic',
    version: 1,
    rooms: 3,
    host: 'attic-pc.local',
    port: 7275,
    addresses: ['192.168.1.30', 'fe80::30%eth0'],
    interfaces: ['eth0'],
    lastSeen: Date.now(),
    hosted: false,
    serverKey: null,
    ...patch,
  };
}

/** A real wired adapter and a virtual Docker bridge, both switched on. */
export function defaultInterfaces(): NetworkInterfaceView[] {
  return [
    { name: 'eth0', kind: 'Network', virtual: false, enabled: true, addresses: ['192.168.1.10', 'fe80::10'] },
    { name: 'docker0', kind: 'Docker', virtual: true, enabled: true, addresses: ['172.17.0.1'] },
  ];
}

interface SentMessage {
  server: string;
  target: ConversationTarget;
  text: string;
  msgId: string;
  attachments?: string[];
}

type Listener = (payload: never) => void;

export class FakeApi implements ParleyApi {
  appInfo: AppInfo = {
    platform: 'electron',
    canHost: true,
    canConnectAnywhere: true,
    canDiscover: true,
    version: '0.0.0-test',
  };
  settings: Settings = { displayName: ME.name };
  servers: ServerView[] = [serverView()];
  host: HostView = { status: 'stopped', name: null, port: null, serverKey: null, error: null };
  rooms: RoomInfo[] = [room()];
  /** Messages per room id (oldest first). */
  roomMessages = new Map<string, ChatMessage[]>();
  members: UserRef[] = [ME, BOB];
  dms: DmSummary[] = [];
  /** Every call, in order: name and arguments. */
  calls: { name: string; args: unknown[] }[] = [];
  sent: SentMessage[] = [];
  /** While true, sendMessage rejects with not_connected (as the session does with no connection). */
  offline = false;
  /** Display names refused per server key by setDisplayName (code name_taken). */
  nameTakenOn = new Set<string>();
  /** What listNearby returns (tests change it and emit nearbyChanged themselves). */
  nearby: NearbyServerView[] = [];
  interfaces: NetworkInterfaceView[] = defaultInterfaces();
  /** What runDiagnostics resolves with (its interfaces are the current ones unless set here). */
  diagnostics: Omit<DiscoveryDiagnostics, 'interfaces'> & { interfaces?: NetworkInterfaceView[] } = {
    hostName: 'ada-laptop.local',
    selfTest: { ok: true, elapsedMs: 1200, heardOn: ['eth0'], error: null },
    browsing: { active: true, error: null },
    advertising: null,
    nearbyCount: 0,
  };
  /** When set, the next runDiagnostics waits for this promise before it resolves. */
  diagnosticsGate: Promise<void> | null = null;
  /** Errors the discovery calls reject with, by call name (e.g. connectNearby: unreachable). */
  failing = new Map<string, ApiError>();
  /** What getUpdateStatus answers (unavailable, as in the browser build, unless a test sets it). */
  updates: UpdateStatus = { available: false, checksEnabled: false, readyVersion: null };
  private listeners = new Map<ApiEventName, Set<Listener>>();

  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: ApiEvents[E]) => void)(payload);
  }

  private record(name: string, args: unknown[]): void {
    this.calls.push({ name, args });
  }

  callsTo(name: string): unknown[][] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args);
  }

  // ── calls ──────────────────────────────────────────────────────────────────────────────────

  async getAppInfo(): Promise<AppInfo> {
    this.record('getAppInfo', []);
    return { ...this.appInfo };
  }

  async getSettings(): Promise<Settings> {
    this.record('getSettings', []);
    return { ...this.settings };
  }

  async setDisplayName(raw: string): Promise<DisplayNameResult> {
    this.record('setDisplayName', [raw]);
    const check = checkDisplayName(raw);
    if (!check.ok) throw new ApiError('name_invalid', check.reason);
    this.settings = { displayName: check.value };
    this.emit('settingsChanged', { ...this.settings });
    return {
      displayName: check.value,
      servers: this.servers
        .filter((s) => s.status === 'connected')
        .map((s) =>
          this.nameTakenOn.has(s.key)
            ? { key: s.key, ok: false, code: 'name_taken', message: 'Another connected user has this display name.' }
            : { key: s.key, ok: true },
        ),
    };
  }

  async listServers(): Promise<ServerView[]> {
    this.record('listServers', []);
    return this.servers.map((s) => ({ ...s }));
  }

  async connectServer(address: { host: string; port: number }): Promise<ServerView> {
    this.record('connectServer', [address]);
    const key = `${address.host}:${address.port}`;
    const view = serverView({ key, host: address.host, port: address.port, name: key });
    this.servers = [...this.servers.filter((s) => s.key !== key), view];
    return view;
  }

  async disconnectServer(key: string): Promise<void> {
    this.record('disconnectServer', [key]);
  }

  async forgetServer(key: string): Promise<void> {
    this.record('forgetServer', [key]);
    this.servers = this.servers.filter((s) => s.key !== key);
    this.emit('serverRemoved', { key });
  }

  async getHostStatus(): Promise<HostView> {
    this.record('getHostStatus', []);
    return { ...this.host };
  }

  async startHosting(options: { port?: number; name?: string }): Promise<HostView> {
    this.record('startHosting', [options]);
    this.host = {
      status: 'running',
      name: options.name ?? "Ada's rooms",
      port: options.port ?? 7275,
      serverKey: '127.0.0.1:7275',
      error: null,
    };
    return { ...this.host };
  }

  async stopHosting(): Promise<HostView> {
    this.record('stopHosting', []);
    this.host = { status: 'stopped', name: null, port: null, serverKey: null, error: null };
    return { ...this.host };
  }

  /** Rooms per listRooms page, like the server's (which pages 100 at a time). */
  roomPageSize = 100;

  async listRooms(server: string, options?: { after?: string; query?: string }): Promise<RoomPage> {
    this.record('listRooms', options === undefined ? [server] : [server, options]);
    const needle = options?.query?.trim().toLowerCase() ?? '';
    const start = options?.after === undefined ? 0 : this.rooms.findIndex((r) => r.id === options.after) + 1;
    const matching = this.rooms.slice(start).filter((r) => r.name.toLowerCase().includes(needle));
    const rooms = matching.slice(0, this.roomPageSize).map((r) => ({ ...r }));
    return rooms.length < matching.length
      ? { rooms, hasMore: true, next: rooms.at(-1)!.id }
      : { rooms, hasMore: false };
  }

  async createRoom(server: string, request: { name: string; topic?: string }): Promise<RoomInfo> {
    this.record('createRoom', [server, request]);
    if (this.rooms.some((r) => r.name.toLowerCase() === request.name.toLowerCase())) {
      throw new ApiError('room_exists', 'A room with this name already exists.');
    }
    const created = room({ id: `r_${request.name}`, name: request.name, topic: request.topic ?? '', members: 0 });
    this.rooms.push(created);
    return { ...created };
  }

  async joinRoom(...args: [server: string, roomId: string, options?: { since: number }]): Promise<RoomJoinResult> {
    // Recorded as passed: a trailing `undefined` would reach the browser build's wire as null.
    this.record('joinRoom', args);
    const [, roomId] = args;
    const info = this.rooms.find((r) => r.id === roomId);
    if (!info) throw new ApiError('room_not_found', 'No room has this id.');
    const all = this.roomMessages.get(roomId) ?? [];
    // The session lists a joined room's games and emits them (after the join's answer).
    if ([...this.games.values()].some((g) => g.room === roomId)) {
      setTimeout(() => this.emit('roomGames', { server: args[0], room: roomId, page: this.gamePage(roomId) }), 0);
    }
    return { room: { ...info }, members: [...this.members], messages: all.slice(-50), hasMore: all.length > 50 };
  }

  async leaveRoom(server: string, roomId: string): Promise<void> {
    this.record('leaveRoom', [server, roomId]);
  }

  async loadOlder(server: string, target: ConversationTarget, before: number): Promise<HistoryPage> {
    this.record('loadOlder', [server, target, before]);
    const all = 'room' in target ? (this.roomMessages.get(target.room) ?? []) : [];
    const older = all.filter((m) => m.seq < before);
    return { messages: older.slice(-50), hasMore: older.length > 50 };
  }

  async loadLatest(server: string, target: ConversationTarget): Promise<HistoryPage> {
    this.record('loadLatest', [server, target]);
    const all = 'room' in target ? (this.roomMessages.get(target.room) ?? []) : [];
    return { messages: all.slice(-50), hasMore: all.length > 50 };
  }

  async listDms(server: string): Promise<DmSummary[]> {
    this.record('listDms', [server]);
    return [...this.dms];
  }

  async catchUpDm(server: string, userId: string, options: { since: number }): Promise<void> {
    this.record('catchUpDm', [server, userId, options]);
  }

  async sendMessage(...args: [string, ConversationTarget, string, string, string[]?]): Promise<void> {
    // Recorded as passed (a trailing undefined would reach the browser build's wire as null).
    this.record('sendMessage', args);
    const [server, target, text, msgId, attachments] = args;
    if (this.offline) throw new ApiError('not_connected', `Not connected to ${server}`);
    this.sent.push({ server, target, text, msgId, ...(attachments ? { attachments } : {}) });
  }

  async getUpdateStatus(): Promise<UpdateStatus> {
    this.record('getUpdateStatus', []);
    return { ...this.updates };
  }

  async setUpdateChecks(enabled: boolean): Promise<UpdateStatus> {
    this.record('setUpdateChecks', [enabled]);
    if (!this.updates.available) throw new ApiError('not_supported', 'Updates are not available here');
    this.updates = { ...this.updates, checksEnabled: enabled };
    return { ...this.updates };
  }

  // ── files ──
  // An in-memory stand-in for the session's uploads: it keeps what a server would (received
  // bytes per upload, finished files by key), checks offsets and the SHA-256 independently
  // (WebCrypto), validates every call's arguments with the contract's schemas as main does,
  // and can lose a transfer in the middle of a chunk.

  /** Unfinished uploads by id. */
  uploads = new Map<string, FakeUpload>();
  /** Stored files by id. */
  files = new Map<string, FakeFile>();
  /** Per upload key: the upload id, or the finished file's id. */
  private uploadKeys = new Map<string, { upload?: string; file?: string }>();
  private nextUploadId = 1;
  /**
   * Planned transfer losses: the first writeUpload whose chunk reaches past `atOffset` keeps
   * `keep` bytes of its chunk (what got through before the cut), then rejects with
   * transfer_interrupted. Each entry is used once.
   */
  interruptions: { atOffset: number; keep: number }[] = [];
  /** Errors the next beginUpload calls reject with, in order (e.g. storage_full). */
  beginUploadErrors: ApiError[] = [];
  /** While set, writeUpload waits for it (to look at progress mid-way). */
  writeGate: Promise<void> | null = null;
  fileSettings: FileSettings = { askWhereToSave: false };
  private nextDownloadId = 1;

  /** The file stored under an upload key (undefined until complete). */
  fileOfKey(key: string): FakeFile | undefined {
    const id = this.uploadKeys.get(key)?.file;
    return id === undefined ? undefined : this.files.get(id);
  }

  async beginUpload(server: string, target: ConversationTarget, request: UploadRequest): Promise<BeginUploadResult> {
    FILE_ARGS.beginUpload.parse([server, target, request]);
    this.record('beginUpload', [server, target, request]);
    const error = this.beginUploadErrors.shift();
    if (error) throw error;
    if (this.offline) throw new ApiError('not_connected', `Not connected to ${server}`);
    const limits = this.servers.find((v) => v.key === server)?.limits?.files;
    if (limits && request.size > limits.maxFileBytes) {
      throw new ApiError('file_too_large', 'The file is larger than the server accepts.');
    }
    const known = this.uploadKeys.get(request.key);
    if (known?.file !== undefined) return { file: { ...this.files.get(known.file)!.info } };
    const existing = known?.upload === undefined ? undefined : this.uploads.get(known.upload);
    if (existing) return { upload: { id: existing.id, offset: existing.received, size: request.size } };
    const id = `up_${this.nextUploadId++}`;
    this.uploads.set(id, { id, key: request.key, server, target, request, chunks: [], received: 0 });
    this.uploadKeys.set(request.key, { upload: id });
    return { upload: { id, offset: 0, size: request.size } };
  }

  async writeUpload(
    server: string,
    uploadId: string,
    offset: number,
    bytes: Uint8Array,
    sha256?: string,
  ): Promise<{ offset: number; file?: FileInfo }> {
    FILE_ARGS.writeUpload.parse(
      sha256 === undefined ? [server, uploadId, offset, bytes] : [server, uploadId, offset, bytes, sha256],
    );
    this.record('writeUpload', [server, uploadId, offset, bytes.byteLength, sha256]);
    if (this.writeGate) await this.writeGate;
    if (this.offline) throw new ApiError('not_connected', `Not connected to ${server}`);
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new ApiError('upload_not_found', 'No unfinished upload has this id.');
    if (offset !== upload.received)
      throw new ApiError('upload_offset_mismatch', `The server holds ${upload.received} bytes.`);
    const cut = this.interruptions.findIndex((i) => offset + bytes.byteLength > i.atOffset);
    if (cut >= 0) {
      const [{ keep }] = this.interruptions.splice(cut, 1) as [{ atOffset: number; keep: number }];
      const kept = bytes.slice(0, Math.min(keep, bytes.byteLength));
      upload.chunks.push(kept);
      upload.received += kept.byteLength;
      throw new ApiError('transfer_interrupted', 'The transfer connection was lost.');
    }
    if (upload.received + bytes.byteLength > upload.request.size) {
      this.uploads.delete(uploadId);
      throw new ApiError('size_mismatch', 'More bytes arrived than the upload announced.');
    }
    upload.chunks.push(bytes.slice());
    upload.received += bytes.byteLength;
    if (upload.received < upload.request.size) return { offset: upload.received };
    const all = new Uint8Array(upload.received);
    let at = 0;
    for (const chunk of upload.chunks) {
      all.set(chunk, at);
      at += chunk.byteLength;
    }
    const actual = await sha256Of(all);
    this.uploads.delete(uploadId);
    if (sha256 !== actual) {
      this.uploadKeys.delete(upload.key);
      throw new ApiError('hash_mismatch', 'The bytes do not match the SHA-256 the sender stated.');
    }
    const extension = /\.([a-z0-9]+)$/i.exec(upload.request.name)?.[1]?.toLowerCase() ?? '';
    const imageType = IMAGE_EXTENSIONS[extension];
    const video = extension === 'mp4' || extension === 'webm';
    const info: FileInfo = {
      id: `f_${upload.id}`,
      name: upload.request.name,
      size: all.byteLength,
      sha256: actual,
      type:
        imageType ??
        (video ? `video/${extension}` : extension === 'pdf' ? 'application/pdf' : 'application/octet-stream'),
      kind: imageType ? 'image' : video ? 'video' : 'file',
      ...(imageType ? { width: 640, height: 480 } : {}),
      ...(video && upload.request.width !== undefined
        ? { width: upload.request.width, height: upload.request.height! }
        : {}),
    };
    this.files.set(info.id, { info, bytes: all });
    this.uploadKeys.set(upload.key, { file: info.id });
    return { offset: all.byteLength, file: { ...info } };
  }

  async cancelUpload(server: string, uploadId: string): Promise<void> {
    FILE_ARGS.cancelUpload.parse([server, uploadId]);
    this.record('cancelUpload', [server, uploadId]);
    const upload = this.uploads.get(uploadId);
    if (upload) this.uploadKeys.delete(upload.key);
    this.uploads.delete(uploadId);
  }

  /** Desktop: a DownloadView that tests then move on with `emit('downloadChanged', …)`. Browser: null. */
  async downloadFile(server: string, fileId: string): Promise<DownloadView | null> {
    FILE_ARGS.downloadFile.parse([server, fileId]);
    this.record('downloadFile', [server, fileId]);
    if (this.appInfo.platform === 'web') return null;
    const file = this.files.get(fileId)?.info;
    return {
      id: `d_${this.nextDownloadId++}`,
      server,
      fileId,
      name: file?.name ?? fileId,
      size: file?.size ?? 0,
      received: 0,
      bytesPerSecond: 0,
      state: 'active',
    };
  }

  async cancelDownload(id: string): Promise<void> {
    this.record('cancelDownload', [id]);
  }

  async openDownload(id: string): Promise<void> {
    this.record('openDownload', [id]);
  }

  async showDownload(id: string): Promise<void> {
    this.record('showDownload', [id]);
  }

  /** A stand-in URL naming the file and variant (happy-dom loads nothing from it). */
  async mediaUrl(server: string, fileId: string, variant: 'original' | 'thumb'): Promise<string> {
    FILE_ARGS.mediaUrl.parse([server, fileId, variant]);
    this.record('mediaUrl', [server, fileId, variant]);
    return `https://media.test/${encodeURIComponent(fileId)}/${variant}`;
  }

  async getFileSettings(): Promise<FileSettings> {
    this.record('getFileSettings', []);
    return { ...this.fileSettings };
  }

  async setFileSettings(settings: FileSettings): Promise<FileSettings> {
    this.record('setFileSettings', [settings]);
    this.fileSettings = { ...settings };
    return { ...this.fileSettings };
  }

  // Games: the real state machine of src/shared/games, as a server would run it, for one room
  // server. Our calls act as ME; tests act as others with `gameAs`. Every change is emitted as
  // `gameChanged`, like the session does.
  games = new Map<string, GameInfo>();
  private gameCounter = 0;
  private readonly machine = tttMachine();

  private roomGamesOf(room: string, except?: string): GameInfo[] {
    return [...this.games.values()].filter((g) => g.room === room && g.id !== except && isOpenGame(g));
  }

  /** Stores and emits a game the machine produced, or rejects with its refusal code. */
  private gameOutcome(server: string, result: GameResultOf<GameInfo>): GameInfo {
    if (!result.ok) throw new ApiError(result.code, `refused: ${result.code}`);
    const before = this.games.get(result.game.id);
    this.games.set(result.game.id, result.game);
    if (before?.version !== result.game.version) {
      this.emit('gameChanged', { server, room: result.game.room, game: result.game, serverTime: Date.now() });
    }
    return result.game;
  }

  private gameIn(room: string, id: string): GameInfo {
    const game = this.games.get(id);
    if (!game || game.room !== room) throw new ApiError('game_not_found', 'No such game');
    return this.machine.settle(game, Date.now());
  }

  /** `by` invites `opponent` (user refs; the opponent must be a member). */
  gameInvite(server: string, room: string, by: UserRef, opponent: string, side: 'x' | 'o' | 'random'): GameInfo {
    const invitee = this.members.find((m) => m.id === opponent);
    if (!invitee || opponent === by.id) throw new ApiError('game_opponent_invalid', 'Not a member');
    const result = this.machine.invite(
      { id: `g_${++this.gameCounter}`, room, inviter: by, invitee, side, now: Date.now(), random: () => 0.25 },
      this.roomGamesOf(room),
    );
    return this.gameOutcome(server, result);
  }

  /** Another user's request on a game, as the server would judge it. */
  gameAs(
    user: string,
    id: string,
    action: { type: 'accept' | 'decline' | 'resign' | 'rematch' } | { type: 'move'; cell: number; move?: number },
    server = SERVER,
  ): GameInfo {
    const game = this.games.get(id);
    if (!game) throw new ApiError('game_not_found', 'No such game');
    const now = Date.now();
    const current = this.machine.settle(game, now);
    const others = this.roomGamesOf(game.room, id);
    if (action.type === 'rematch') {
      const result = this.machine.rematch(current, { id: `g_${++this.gameCounter}`, by: user, now }, others);
      return this.gameOutcome(server, result);
    }
    const event =
      action.type === 'move'
        ? { type: 'move' as const, by: user, move: action.cell, moveNumber: action.move ?? current.nextMove, now }
        : { type: action.type, by: user, now };
    return this.gameOutcome(server, this.machine.apply(current, event, others));
  }

  async inviteGame(...args: [server: string, room: string, opponent: string, side: 'x' | 'o' | 'random']) {
    GAME_ARGS.inviteGame.parse(args);
    this.record('inviteGame', args);
    this.throwIfFailing('inviteGame');
    return this.gameInvite(args[0], args[1], ME, args[2], args[3]);
  }

  async acceptGame(...args: [server: string, room: string, game: string]) {
    return this.myGameCall('acceptGame', args, { type: 'accept' });
  }

  async declineGame(...args: [server: string, room: string, game: string]) {
    return this.myGameCall('declineGame', args, { type: 'decline' });
  }

  async resignGame(...args: [server: string, room: string, game: string]) {
    return this.myGameCall('resignGame', args, { type: 'resign' });
  }

  async rematchGame(...args: [server: string, room: string, game: string]) {
    return this.myGameCall('rematchGame', args, { type: 'rematch' });
  }

  async playMove(...args: [server: string, room: string, game: string, cell: number, move: number]) {
    GAME_ARGS.playMove.parse(args);
    this.record('playMove', args);
    this.throwIfFailing('playMove');
    this.gameIn(args[1], args[2]);
    return this.gameAs(ME.id, args[2], { type: 'move', cell: args[3], move: args[4] }, args[0]);
  }

  private myGameCall(
    name: 'acceptGame' | 'declineGame' | 'resignGame' | 'rematchGame',
    args: [server: string, room: string, game: string],
    action: { type: 'accept' | 'decline' | 'resign' | 'rematch' },
  ): GameInfo {
    GAME_ARGS[name].parse(args);
    this.record(name, args);
    this.throwIfFailing(name);
    this.gameIn(args[1], args[2]);
    return this.gameAs(ME.id, args[2], action, args[0]);
  }

  async listGames(...args: [server: string, room: string, page?: { before: string }]): Promise<GamePage> {
    GAME_ARGS.listGames.parse(args);
    this.record('listGames', args);
    this.throwIfFailing('listGames');
    return this.gamePage(args[1]);
  }

  /** The room's games as `game_list` answers its first page. */
  gamePage(room: string): GamePage {
    const now = Date.now();
    const all = [...this.games.values()].filter((g) => g.room === room).map((g) => this.machine.settle(g, now));
    return {
      open: all.filter((g) => isOpenGame(g)),
      ended: all.filter((g) => !isOpenGame(g)).sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0)),
      hasMore: false,
      serverTime: now,
    };
  }

  async gameScores(...args: [server: string, room: string]): Promise<ScoreRow[]> {
    GAME_ARGS.gameScores.parse(args);
    this.record('gameScores', args);
    this.throwIfFailing('gameScores');
    return scoreboard([...this.games.values()].filter((g) => g.room === args[1]));
  }

  async openLink(url: string): Promise<void> {
    this.record('openLink', [url]);
  }

  async listNearby(): Promise<NearbyServerView[]> {
    this.record('listNearby', []);
    this.throwIfFailing('listNearby');
    return this.nearby.map((n) => ({ ...n }));
  }

  /** Connects to the first advertised address, like the session does, and reports the new view. */
  async connectNearby(id: string): Promise<ServerView> {
    this.record('connectNearby', [id]);
    this.throwIfFailing('connectNearby');
    const found = this.nearby.find((n) => n.id === id);
    if (!found) throw new ApiError('not_found', 'That server is not nearby any more');
    const host = found.addresses[0]!;
    const key = serverKeyOf(host, found.port);
    const view = serverView({
      key,
      host,
      port: found.port,
      name: found.name,
      serverId: found.id,
      hosted: found.hosted,
    });
    this.servers = [...this.servers.filter((s) => s.key !== key), view];
    this.nearby = this.nearby.map((n) => (n.id === id ? { ...n, serverKey: key } : n));
    this.emit('serverChanged', { ...view });
    return { ...view };
  }

  async listInterfaces(): Promise<NetworkInterfaceView[]> {
    this.record('listInterfaces', []);
    this.throwIfFailing('listInterfaces');
    return this.interfaces.map((i) => ({ ...i, addresses: [...i.addresses] }));
  }

  async setInterfaceEnabled(name: string, enabled: boolean): Promise<NetworkInterfaceView[]> {
    this.record('setInterfaceEnabled', [name, enabled]);
    this.throwIfFailing('setInterfaceEnabled');
    this.interfaces = this.interfaces.map((i) => (i.name === name ? { ...i, enabled } : i));
    return this.interfaces.map((i) => ({ ...i, addresses: [...i.addresses] }));
  }

  async runDiagnostics(): Promise<DiscoveryDiagnostics> {
    this.record('runDiagnostics', []);
    if (this.diagnosticsGate) await this.diagnosticsGate;
    this.throwIfFailing('runDiagnostics');
    const { interfaces, ...rest } = this.diagnostics;
    return { ...rest, interfaces: (interfaces ?? this.interfaces).map((i) => ({ ...i })) };
  }

  private throwIfFailing(name: string): void {
    const error = this.failing.get(name);
    if (error) throw error;
  }

  // ── test controls ──────────────────────────────────────────────────────────────────────────

  /** The server stored a sent message: emits it as the `message` event with the next seq. */
  confirm(msgId: string, seq: number): ChatMessage {
    const sent = this.sent.find((s) => s.msgId === msgId);
    if (!sent) throw new Error(`nothing sent with msgId ${msgId}`);
    const message: ChatMessage = {
      ...('room' in sent.target ? { room: sent.target.room } : { to: sent.target.user }),
      seq,
      ts: Date.now(),
      from: ME.id,
      fromName: ME.name,
      text: sent.text,
      msgId,
      ...(sent.attachments
        ? {
            attachments: sent.attachments.map((id) => ({
              ...(this.files.get(id)?.info ?? fileInfo({ id, name: id })),
            })),
          }
        : {}),
    };
    this.emit('message', { server: sent.server, message });
    return message;
  }

  fail(msgId: string, code: string, reason: string): void {
    const sent = this.sent.find((s) => s.msgId === msgId);
    if (!sent) throw new Error(`nothing sent with msgId ${msgId}`);
    this.emit('sendFailed', { server: sent.server, msgId, code, reason });
  }
}
