/** Wire protocol version spoken by this build. Bumped only for incompatible changes. */
export const PROTOCOL_VERSION = 1;

/** TCP port a server listens on when none is configured ("PARL" on a phone keypad). */
export const DEFAULT_PORT = 7275;

/** Length of the big-endian frame length prefix, in bytes. */
export const FRAME_HEADER_BYTES = 4;

/** Display names: 1–32 characters after NFC normalization. */
export const MAX_NAME_CHARS = 32;
export const MAX_ROOM_NAME_CHARS = 64;
export const MAX_TOPIC_CHARS = 256;
/** Client-chosen ids (request ids, message ids) are short opaque strings. */
export const MAX_CLIENT_ID_CHARS = 64;
/** Upper bound on messages returned by one history page. */
export const MAX_HISTORY_PAGE = 200;
export const DEFAULT_HISTORY_PAGE = 50;
/**
 * Rooms per `room_list` page: the default (also what a request without `limit` gets, old clients
 * included) and the most a request may ask for. The welcome carries only the first WELCOME_ROOMS.
 */
export const DEFAULT_ROOM_PAGE = 100;
export const MAX_ROOM_PAGE = 200;
export const WELCOME_ROOMS = 20;
/** Upper bound on messages returned when catching up after a reconnect (`since`). */
export const MAX_CATCH_UP = 1000;
