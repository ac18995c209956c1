/**
 * The app's API contract: every call the UI can make (with its argument schema and result type)
 * and every event it can receive. Each feature defines its own in features/*.ts; this module
 * merges them and is the one place everything else imports from:
 *  - the SessionManager (src/main/core/session) implements `ParleyApiCalls`;
 *  - one dispatch path (dispatch.ts) validates every call's arguments with API_ARGS, for the
 *    Electron IPC handler and for the browser build's WebSocket gateway;
 *  - the preload exposes one function per channel, allowlisted by API_CALL_NAMES (names.ts);
 *  - the renderer only ever sees a `ParleyApi`.
 * Adding a call: its schema and result in the feature's file (features/<feature>.ts), its name in
 * names.ts — the compiler then points at every place that must handle it (see README.md).
 */
import type { z } from 'zod';
import type { DiscoveryDiagnostics, MulticastSelfTest } from '../discovery/diagnostics.ts';
import type { NearbyServer } from '../discovery/nearby-server.ts';
import type { NetworkInterfaceView } from '../discovery/network-interface.ts';
import { DM_ARGS, type DmResults } from './features/dms.ts';
import { FILE_ARGS, type FileEvents, type FileResults } from './features/files.ts';
import { GAME_ARGS, type GameEvents, type GameResults } from './features/games.ts';
import { HOSTING_ARGS, type HostingEvents, type HostingResults } from './features/hosting.ts';
import { MESSAGE_ARGS, type MessageEvents, type MessageResults } from './features/messages.ts';
import { NEARBY_ARGS, type NearbyEvents, type NearbyResults } from './features/nearby.ts';
import { ROOM_ARGS, type RoomEvents, type RoomResults } from './features/rooms.ts';
import { SERVER_ARGS, type ServerEvents, type ServerResults } from './features/servers.ts';
import { SETTINGS_ARGS, type SettingsEvents, type SettingsResults } from './features/settings.ts';
import { UPDATE_ARGS, type UpdateEvents, type UpdateResults } from './features/updates.ts';
import type { UserEvents } from './features/users.ts';
import type { ApiCallName, ApiEventName } from './names.ts';

export { API_CALL_NAMES, API_EVENT_NAMES, IPC_EVENT_CHANNEL, ipcChannel } from './names.ts';
export type { ApiCallName, ApiEventName } from './names.ts';
export { conversationTarget, type ConversationTarget } from './features/fields.ts';
export type { AppInfo, DisplayNameResult, Settings } from './features/settings.ts';
export type { ServerStatus, ServerView } from './features/servers.ts';
export type { HostStatus, HostView } from './features/hosting.ts';
export type { RoomJoinResult, RoomPage } from './features/rooms.ts';
export type { HistoryPage } from './features/messages.ts';
export type { NearbyServerView } from './features/nearby.ts';
export type { UpdateStatus } from './features/updates.ts';
export type { BeginUploadResult, DownloadView, FileSettings, UploadRequest } from './features/files.ts';
export type { GameInfo, GamePage, ScoreRow } from './features/games.ts';
export type { DiscoveryDiagnostics, MulticastSelfTest, NearbyServer, NetworkInterfaceView };

/** Every call's argument schema (a tuple), merged from the features. */
export const API_ARGS = {
  ...SETTINGS_ARGS,
  ...SERVER_ARGS,
  ...HOSTING_ARGS,
  ...ROOM_ARGS,
  ...MESSAGE_ARGS,
  ...DM_ARGS,
  ...NEARBY_ARGS,
  ...UPDATE_ARGS,
  ...FILE_ARGS,
  ...GAME_ARGS,
} as const satisfies Record<ApiCallName, z.ZodTuple>;

export type ApiArgs<C extends ApiCallName> = z.infer<(typeof API_ARGS)[C]>;

export interface ApiResults
  extends
    SettingsResults,
    ServerResults,
    HostingResults,
    RoomResults,
    MessageResults,
    DmResults,
    NearbyResults,
    UpdateResults,
    FileResults,
    GameResults {}

export interface ApiEvents
  extends
    SettingsEvents,
    ServerEvents,
    HostingEvents,
    RoomEvents,
    MessageEvents,
    UserEvents,
    NearbyEvents,
    UpdateEvents,
    FileEvents,
    GameEvents {}

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
