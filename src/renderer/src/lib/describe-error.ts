/** Human wording for API errors and server error codes. */

/** What a failed call rejected with, as a sentence for the UI. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }
  return String(error);
}

export function errorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/** Why a server connection is down, phrased for people. Falls back to the server's own words. */
export function describeConnectionError(error: { code: string; message: string } | null): string | null {
  if (error === null) return null;
  switch (error.code) {
    case 'server_shutdown':
      return 'The host closed the server.';
    case 'name_taken':
      return 'Someone on this server already uses your display name.';
    case 'name_invalid':
      return 'This server does not accept your display name.';
    case 'replaced':
      return 'You connected to this server from somewhere else.';
    case 'too_many_connections':
      return 'The server has too many connections right now.';
    case 'protocol_unsupported':
      return 'This server runs an incompatible version of Parley.';
    case 'idle_timeout':
      return 'The connection stopped responding.';
    default:
      return error.message === '' ? null : error.message;
  }
}

/** Why a message was not sent (sendFailed codes), phrased for people. */
export function describeSendFailure(code: string, reason: string): string {
  switch (code) {
    case 'text_too_long':
      return 'The message is too long for this server.';
    case 'text_invalid':
      return 'The message is empty or contains characters that are not allowed.';
    case 'not_member':
      return 'You are no longer in this room.';
    case 'room_not_found':
      return 'This room no longer exists.';
    case 'user_not_found':
      return 'This person no longer exists on the server.';
    case 'storage_failed':
      return 'The server could not store the message (its disk may be full).';
    case 'outbox_full':
      return 'Too many messages are waiting for the connection; this one was not queued.';
    case 'not_connected':
    case 'closed':
    case 'disconnected':
      return 'Not connected to the server.';
    default:
      return reason === '' ? 'The message could not be sent.' : reason;
  }
}
