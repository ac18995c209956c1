/**
 * Frames a client sends to the server. The schemas live with their feature (features/*.ts) and
 * are merged in registry.ts; this module keeps the names the client library and tests import.
 * Unknown fields are stripped (not rejected) so newer clients can talk to older servers.
 */
export { requestId, type RequestId } from './fields.ts';
export { helloFrame, pingFrame, pongFrame } from './envelope.ts';
export { renameFrame } from './features/users.ts';
export { roomCreateFrame, roomJoinFrame, roomLeaveFrame, roomListFrame, roomMembersFrame } from './features/rooms.ts';
export { historyFrame, sendFrame } from './features/messages.ts';
export { dmListFrame } from './features/dms.ts';
export {
  gameAcceptFrame,
  gameDeclineFrame,
  gameInviteFrame,
  gameListFrame,
  gameMoveFrame,
  gameRematchFrame,
  gameResignFrame,
  gameScoresFrame,
} from './features/games.ts';
export { CLIENT_FRAME_SCHEMAS, isClientFrameType, type ClientFrame, type ClientFrameType } from './registry.ts';
