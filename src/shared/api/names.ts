/**
 * The names of the contract's calls and events, and the IPC channels made from them, without
 * the argument schemas. The sandboxed preload needs only these: importing them from here keeps
 * zod (≈160 kB) out of the preload bundle. contract.ts checks at compile time that its schemas
 * and event types cover exactly these names.
 */
export const API_CALL_NAMES = [
  'getAppInfo',
  'getSettings',
  'setDisplayName',
  'listServers',
  'connectServer',
  'disconnectServer',
  'forgetServer',
  'getHostStatus',
  'startHosting',
  'stopHosting',
  'listRooms',
  'createRoom',
  'joinRoom',
  'leaveRoom',
  'loadOlder',
  'loadLatest',
  'listDms',
  'catchUpDm',
  'sendMessage',
  'openLink',
  'listNearby',
  'connectNearby',
  'listInterfaces',
  'setInterfaceEnabled',
  'runDiagnostics',
  'getUpdateStatus',
  'setUpdateChecks',
  'beginUpload',
  'writeUpload',
  'cancelUpload',
  'downloadFile',
  'cancelDownload',
  'openDownload',
  'showDownload',
  'mediaUrl',
  'getFileSettings',
  'setFileSettings',
  'inviteGame',
  'acceptGame',
  'declineGame',
  'playMove',
  'resignGame',
  'rematchGame',
  'listGames',
  'gameScores',
] as const;

export const API_EVENT_NAMES = [
  'serverChanged',
  'serverRemoved',
  'message',
  'sendFailed',
  'memberJoined',
  'memberLeft',
  'userRenamed',
  'roomCreated',
  'roomMembers',
  'settingsChanged',
  'hostChanged',
  'nearbyChanged',
  'notice',
  'updateReady',
  'downloadChanged',
  'gameChanged',
  'roomGames',
] as const;

export type ApiCallName = (typeof API_CALL_NAMES)[number];
export type ApiEventName = (typeof API_EVENT_NAMES)[number];

/** IPC channel names (Electron) for calls and for the one event channel. */
export const ipcChannel = (call: ApiCallName): string => `parley:${call}`;
export const IPC_EVENT_CHANNEL = 'parley:event';
