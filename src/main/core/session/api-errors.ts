import { ApiError } from '../../../shared/api/proxy.ts';
import { ParleyError } from '../client/parley-client.ts';
import { describeError } from '../describe-error.ts';

/** A client or request error as the ApiError a call rejects with. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ParleyError) {
    // Lost or closed connections read the same to the UI as "not connected right now".
    const code = error.code === 'disconnected' || error.code === 'closed' ? 'not_connected' : error.code;
    return new ApiError(code, error.message);
  }
  return new ApiError('internal', describeError(error));
}
