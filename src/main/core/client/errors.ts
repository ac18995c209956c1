import type { ErrorCode } from '../../../shared/protocol/error-codes.ts';

/**
 * A request the server refused, or one that could not complete (timeout, disconnected), or a
 * message the client refused to queue (outbox_full: too many are waiting for the server already).
 */
export class ParleyError extends Error {
  readonly code: ErrorCode | 'timeout' | 'disconnected' | 'closed' | 'outbox_full';
  constructor(code: ParleyError['code'], message: string) {
    super(message);
    this.name = 'ParleyError';
    this.code = code;
  }
}

/** True for a ParleyError with one of these codes. */
export function hasCode(error: unknown, ...codes: ParleyError['code'][]): error is ParleyError {
  return error instanceof ParleyError && codes.includes(error.code);
}
