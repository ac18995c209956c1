/**
 * Every error code the server sends, with the meaning documented in docs/PROTOCOL.md.
 * Codes are stable snake_case strings; the message next to them is for humans only.
 */
export const ERROR_CODES = {
  // Fatal: the connection is closed after the error frame.
  bad_frame: 'The frame is malformed (length, UTF-8, JSON object or type field).',
  frame_timeout: 'A frame was started but not completed in time.',
  handshake_timeout: 'No hello was received in time.',
  idle_timeout: 'Nothing was received for too long (missed heartbeats).',
  protocol_unsupported: 'The protocol version in hello is not supported.',
  too_many_connections: 'Too many connections from this address or in total.',
  slow_consumer: 'The client did not read its messages fast enough.',
  replaced: 'The same user connected again; this older connection is closed.',
  server_shutdown: 'The server is shutting down.',
  // Non-fatal: answer one request, the connection stays open.
  unknown_type: 'The frame type is not known to this server.',
  bad_request: 'A field is missing or has the wrong type or size.',
  not_authenticated: 'Send hello before anything else.',
  already_authenticated: 'hello was already accepted on this connection.',
  name_invalid: 'The display name is empty, too long or contains control characters.',
  name_taken: 'Another connected user has this display name.',
  room_name_invalid: 'The room name is empty, too long or contains control characters.',
  topic_invalid: 'The topic is too long or contains control characters.',
  room_exists: 'A room with this name already exists.',
  room_not_found: 'No room has this id.',
  room_limit: 'The server holds the maximum number of rooms.',
  not_member: 'Join the room first.',
  user_not_found: 'No user has this id.',
  text_invalid: 'The text is empty or contains control characters.',
  text_too_long: 'The text is longer than the server allows.',
  rate_limited: 'Too many frames; slow down and retry later.',
  file_too_large: 'The file is larger than the server accepts (welcome.limits.files.maxFileBytes).',
  storage_full: "The server's storage for files is full (its configured total).",
  disk_full: 'The server has too little free disk space left for this file.',
  too_many_uploads: 'Too many uploads of this user are in progress; finish or cancel one first.',
  too_many_downloads: 'Too many downloads of this user are in progress.',
  too_many_files: 'The message has more attachments than the server allows.',
  upload_not_found: 'No unfinished upload of this user has this id (finished, cancelled or expired).',
  upload_offset_mismatch: 'The offset is not the number of bytes the server holds for this upload.',
  size_mismatch: 'More bytes arrived than the upload announced; nothing was kept.',
  hash_mismatch: 'The bytes do not match the SHA-256 the sender stated; nothing was kept.',
  file_not_found: 'No file with this id that this user may read (or no such variant).',
  file_not_ready: 'An attachment is not a finished upload of this sender to this conversation.',
  thumb_invalid: 'The thumbnail is not a WebP, JPEG or PNG of the stated size.',
  storage_failed: 'The message could not be stored (e.g. the disk is full); it was not sent.',
  internal: 'An unexpected server error; the request was not carried out.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes after which the server closes the connection. */
export const FATAL_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'bad_frame',
  'frame_timeout',
  'handshake_timeout',
  'idle_timeout',
  'protocol_unsupported',
  'too_many_connections',
  'slow_consumer',
  'replaced',
  'server_shutdown',
]);
