/**
 * The one path from an untrusted call (a name and raw arguments, from IPC or a WebSocket) to an
 * implementation and back: validate the arguments with the contract's schema, call, and wrap the
 * outcome in the response envelope. The Electron IPC handler (src/main/ipc/register-api.ts) and
 * the web gateway (src/main/core/web/web-connection.ts) both use it, so the desktop and the
 * browser build accept exactly the same calls and answer them in the same shape.
 */
import { z } from 'zod';
import { API_ARGS, type ApiCallName, type ParleyApiCalls } from './contract.ts';
import { toErrorShape, type ApiResponse } from './proxy.ts';

/** Longest description of invalid input sent back (the input itself may be huge). */
const MAX_PROBLEM_CHARS = 500;

/** Whether an untrusted string names a contract call. */
export function isApiCallName(name: string): name is ApiCallName {
  return Object.hasOwn(API_ARGS, name);
}

/** zod's description of what is wrong with some input, bounded. */
export function describeInvalid(error: z.ZodError): string {
  return z.prettifyError(error).slice(0, MAX_PROBLEM_CHARS);
}

export interface DispatchOptions {
  /** Told about calls that failed with an unexpected error (code 'internal'), for the log. */
  onInternalError?: (name: ApiCallName, error: unknown) => void;
}

/**
 * Validates `rawArgs` against the call's schema ('bad_arguments' if they do not match; the
 * implementation is not called), runs the call, and returns its envelope. Never throws.
 */
export async function dispatchCall<C extends ApiCallName>(
  calls: Pick<ParleyApiCalls, C>,
  name: C,
  rawArgs: unknown,
  options: DispatchOptions = {},
): Promise<ApiResponse> {
  const parsed = API_ARGS[name].safeParse(rawArgs);
  if (!parsed.success) {
    return { ok: false, error: { code: 'bad_arguments', message: `${name}: ${describeInvalid(parsed.error)}` } };
  }
  try {
    const call = calls[name] as (...args: unknown[]) => Promise<unknown>;
    return { ok: true, value: await call.apply(calls, parsed.data as unknown[]) };
  } catch (error) {
    const shape = toErrorShape(error);
    if (shape.code === 'internal') options.onInternalError?.(name, error);
    return { ok: false, error: shape };
  }
}
