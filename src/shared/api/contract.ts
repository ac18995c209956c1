/**
 * The app's API contract: every call the UI can make (with its argument schema and result type)
 * and every event it can receive. Defined once, here; everything else derives from it:
 *  - the SessionManager (src/main/core/session) implements `ParleyApiCalls`;
 *  - Electron main registers one IPC handler per channel, validating arguments with API_ARGS;
 *  - the preload exposes one function per channel, allowlisted by API_CALL_NAMES;
 *  - the browser build implements the same object over a WebSocket (src/main/core/web);
 *  - the renderer only ever sees a `ParleyApi`.
 * Adding a call: add its schema to API_ARGS and its result to ApiResults — the compiler then
 * points at every place that must handle it.
 */
import { z } from 'zod';
import { MAX_CLIENT_ID_CHARS } from '../protocol/constants.ts';
import type {
  ChatMessage,
  DmSummary,
  RequestResults,
  RoomInfo,
  ServerLimits,
  UserRef,
} from '../protocol/server-frames.ts';
import type { DiscoveryDiagnostics, MulticastSelfTest } from '../discovery/diagnostics.ts';
import type { NearbyServer } from '../discovery/nearby-server.ts';
import type { NetworkInterfaceView } from '../discovery/network-interface.ts';
import type { ApiCallName, ApiEventName } from './names.ts';

export { API_CALL_NAMES, API_EVENT_NAMES, IPC_EVENT_CHANNEL, ipcChannel } from './names.ts';
export type { ApiCallName, ApiEventName } from './names.ts';

// ── argument schemas ────────────────────────────────────────────────────────────────────────
// Bounds are generous (the server applies the exact rules) but finite: IPC and WebSocket input
// is untrusted too.

/** Identifies one server the user is connected to (or remembers): "host:port". */
const serverKey = z.string().min(1).max(300);
const entityId = z.string().min(1).max(64);
export const conversationTarget = z.union([
  z.object({ room: entityId }).strict(),
  z.object({ user: entityId }).strict(),
]);
export type ConversationTarget = z.infer<typeof conversationTarget>;

export const API_ARGS = {
  getAppInfo: z.tuple([]),
  getSettings: z.tuple([]),
  /** Sets the display name and applies it to every connected server. */
  setDisplayName: z.tuple([z.string().max(512)]),
  listServers: z.tuple([]),
  connectServer: z.tuple([
    z.object({ host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535) }).strict(),
  ]),
  disconnectServer: z.tuple([serverKey]),
  /** Removes a server from the recent list (disconnecting first). */
  forgetServer: z.tuple([serverKey]),
  getHostStatus: z.tuple([]),
  startHosting: z.tuple([
    z.object({ port: z.number().int().min(0).max(65535).optional(), name: z.string().max(256).optional() }).strict(),
  ]),
  stopHosting: z.tuple([]),
  listRooms: z.tuple([serverKey]),
  createRoom: z.tuple([
    serverKey,
    z.object({ name: z.string().max(1024), topic: z.string().max(4096).optional() }).strict(),
  ]),
  /**
   * Joins a room (or re-opens it). With `since`, the client library also catches up on every
   * message after that seq, emitted as `message` events in order (a fresh browser session
   * re-opening the rooms a reload remembered).
   */
  joinRoom: z.tuple([
    serverKey,
    entityId,
    z
      .object({ since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) })
      .strict()
      .optional(),
  ]),
  leaveRoom: z.tuple([serverKey, entityId]),
  /** Older history of a conversation: messages with seq < before. */
  loadOlder: z.tuple([serverKey, conversationTarget, z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)]),
  /** Latest page of a conversation (used when opening a DM). */
  loadLatest: z.tuple([serverKey, conversationTarget]),
  listDms: z.tuple([serverKey]),
  /**
   * Queues a message; resolves at once. The outcome arrives as a `message` event with the same
   * msgId (stored, with seq and ts) or a `sendFailed` event. Survives reconnects.
   */
  sendMessage: z.tuple([
    serverKey,
    conversationTarget,
    z.string().max(64_000),
    z.string().min(1).max(MAX_CLIENT_ID_CHARS),
  ]),
  /** Opens an http(s) link in the system browser; anything else is refused. */
  openLink: z.tuple([z.string().max(8192)]),
  /** Servers found on the LAN right now (mDNS); empty where the app cannot discover. */
  listNearby: z.tuple([]),
  /** Connects to a nearby server (by server id), trying each address it advertised. */
  connectNearby: z.tuple([entityId]),
  /** The network interfaces discovery can use, and which are switched on. */
  listInterfaces: z.tuple([]),
  /** Switches discovery on one interface on or off (remembered); returns the new list. */
  setInterfaceEnabled: z.tuple([z.string().min(1).max(64), z.boolean()]),
  /** Runs the discovery checks for the "Can't see a server?" view (takes a few seconds). */
  runDiagnostics: z.tuple([]),
} as const satisfies Record<ApiCallName, z.ZodTuple>;

export type ApiArgs<C extends ApiCallName> = z.infer<(typeof API_ARGS)[C]>;

// ── result and event payload types ─────────────────────────────────────────────────────────

export interface AppInfo {
  /** Where the UI runs: the desktop app, or a browser served by parley-server --web. */
  platform: 'electron' | 'web';
  /** Hosting a room server is a desktop feature. */
  canHost: boolean;
  /** In the browser only the serving host can be joined. */
  canConnectAnywhere: boolean;
  /** Finds servers on the LAN by itself (mDNS); browsers cannot. */
  canDiscover: boolean;
  version: string;
}

export interface Settings {
  /** null until the user chose one (first run). */
  displayName: string | null;
}

export type ServerStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

/** A server in the server list: connected, connecting, or remembered from before. */
export interface ServerView {
  key: string;
  host: string;
  port: number;
  /** The server's own name once known (welcome), else the address. */
  name: string;
  serverId: string | null;
  status: ServerStatus;
  /** While reconnecting: when the next attempt starts (ms since epoch), for a countdown. */
  retryAt: number | null;
  /** Why it is failed/reconnecting, in words; code when the server said one. */
  error: { code: string; message: string } | null;
  /** Who we are on this server (when connected). */
  self: UserRef | null;
  /** The server's limits from its last welcome (text length, rate…); null before the first. */
  limits: ServerLimits | null;
  /** True for the server this app hosts. */
  hosted: boolean;
  /** Messages waiting for the server's acknowledgement (kept across reconnects). */
  unsent: number;
  lastConnected: number | null;
}

export type HostStatus = 'stopped' | 'starting' | 'running' | 'failed';

export interface HostView {
  status: HostStatus;
  name: string | null;
  port: number | null;
  /** The key of the hosted server in the server list, once running. */
  serverKey: string | null;
  error: string | null;
}

export interface DisplayNameResult {
  displayName: string;
  /** One entry per connected server: whether it accepted the new name. */
  servers: { key: string; ok: boolean; code?: string; message?: string }[];
}

/** A server found on the LAN, as the server list shows it. */
export interface NearbyServerView extends NearbyServer {
  /** It is the server this app hosts. */
  hosted: boolean;
  /** The key it has in the server list when we are connected (or connecting) to it, else null. */
  serverKey: string | null;
}

export type { DiscoveryDiagnostics, MulticastSelfTest, NearbyServer, NetworkInterfaceView };

export type RoomJoinResult = RequestResults['room_join'];
export type HistoryPage = RequestResults['history'];

export interface ApiResults {
  getAppInfo: AppInfo;
  getSettings: Settings;
  setDisplayName: DisplayNameResult;
  listServers: ServerView[];
  connectServer: ServerView;
  disconnectServer: void;
  forgetServer: void;
  getHostStatus: HostView;
  startHosting: HostView;
  stopHosting: HostView;
  listRooms: RoomInfo[];
  createRoom: RoomInfo;
  joinRoom: RoomJoinResult;
  leaveRoom: void;
  loadOlder: HistoryPage;
  loadLatest: HistoryPage;
  listDms: DmSummary[];
  sendMessage: void;
  openLink: void;
  listNearby: NearbyServerView[];
  connectNearby: ServerView;
  listInterfaces: NetworkInterfaceView[];
  setInterfaceEnabled: NetworkInterfaceView[];
  runDiagnostics: DiscoveryDiagnostics;
}

export interface ApiEvents {
  /** A server's view changed (status, name, self, unsent count…), or a server was added. */
  serverChanged: ServerView;
  serverRemoved: { key: string };
  /** A message in a conversation of that server: live, caught up after a reconnect, or our own confirmed. */
  message: { server: string; message: ChatMessage };
  sendFailed: { server: string; msgId: string; code: string; reason: string };
  memberJoined: { server: string; room: string; user: UserRef };
  memberLeft: { server: string; room: string; user: UserRef; reason: 'left' | 'disconnected' };
  userRenamed: { server: string; user: UserRef; oldName: string };
  roomCreated: { server: string; room: RoomInfo };
  settingsChanged: Settings;
  hostChanged: HostView;
  /** The Nearby list changed (a server appeared, went away, or changed name or room count). */
  nearbyChanged: NearbyServerView[];
  /**
   * Something the user should be told about a server that is not an error of a call: e.g. code
   * `name_taken` when a reconnect got in under a variant of the name ("Ada (2)") because someone
   * else now uses it. Shown as a notice; `message` is in words.
   */
  notice: { server: string; code: string; message: string };
}

// Compile-time checks that the name lists in names.ts and the types here agree exactly.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const callNamesMatch: Same<ApiCallName, keyof typeof API_ARGS> & Same<ApiCallName, keyof ApiResults> = true;
const eventNamesMatch: Same<ApiEventName, keyof ApiEvents> = true;
void callNamesMatch;
void eventNamesMatch;

/** The calls, as implemented by the session manager and proxied by preload / WebSocket. */
export type ParleyApiCalls = { [C in ApiCallName]: (...args: ApiArgs<C>) => Promise<ApiResults[C]> };

export type Unsubscribe = () => void;

/** What the renderer gets: every call, plus event subscription. */
export interface ParleyApi extends ParleyApiCalls {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
}

/** An error a call rejects with; `code` is a protocol error code or one of the API's own. */
export interface ApiErrorShape {
  code: string;
  message: string;
}

/** Makes a server key from an address ("[::1]:7275" for IPv6). */
export function serverKeyOf(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
