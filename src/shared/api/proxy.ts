/**
 * Builds a `ParleyApi` from a transport: one function that carries a call and resolves with its
 * response envelope, and one that subscribes to events. The Electron preload (over IPC) and the
 * browser build (over a WebSocket) both use it, so the two can never expose different APIs.
 */
import { API_CALL_NAMES } from './names.ts';
import type {
  ApiCallName,
  ApiErrorShape,
  ApiEventName,
  ApiEvents,
  ParleyApi,
  ParleyApiCalls,
  Unsubscribe,
} from './contract.ts';

/** What a call returns across a process or network boundary: errors survive serialization. */
export type ApiResponse<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

/** The error a failed API call rejects with. */
export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** Turns any thrown value into the envelope's error shape. */
export function toErrorShape(error: unknown): ApiErrorShape {
  if (error && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : 'internal',
      message: typeof message === 'string' ? message : 'Unexpected error',
    };
  }
  return { code: 'internal', message: String(error) };
}

export interface ApiTransport {
  call(name: ApiCallName, args: unknown[]): Promise<ApiResponse>;
  subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
}

export function createApiProxy(transport: ApiTransport): ParleyApi {
  const calls = {} as Record<ApiCallName, (...args: unknown[]) => Promise<unknown>>;
  for (const name of API_CALL_NAMES) {
    calls[name] = async (...args: unknown[]) => {
      const response = await transport.call(name, args);
      if (!response.ok) throw new ApiError(response.error.code, response.error.message);
      return response.value;
    };
  }
  return Object.freeze({
    ...(calls as unknown as ParleyApiCalls),
    on: <E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) =>
      transport.subscribe(event, listener),
  });
}
