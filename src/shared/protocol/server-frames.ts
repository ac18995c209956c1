/**
 * Frames the server sends: replies (`result` / `error` with `re`) and events. Each is defined with
 * its feature (envelope.ts, features/*.ts); this module keeps the names the app imports.
 * `RequestResults` maps each request type to the `data` of its successful `result` reply; the
 * client library's `request()` is typed from it.
 */
export type { ErrorFrame, ServerLimits, ServerPing, WelcomeFrame } from './envelope.ts';
export type { UserRef, UserRenamedEvent } from './features/users.ts';
export type { MemberJoinedEvent, MemberLeftEvent, RoomCreatedEvent, RoomInfo, RoomPage } from './features/rooms.ts';
export type { ChatMessage, MessageEvent } from './features/messages.ts';
export type { DmSummary } from './features/dms.ts';
export type {
  DownloadReadyFrame,
  FileInfo,
  FileKind,
  FileLimits,
  UploadDoneFrame,
  UploadReadyFrame,
} from './features/files.ts';
export type { GameEvent, GameInfo, GamePage, ScoreRow } from './features/games.ts';
export type { RequestResults, RequestType } from './registry.ts';
