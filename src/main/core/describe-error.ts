/** Longest error text passed on (a log line, a worker message, a reason shown to the user). */
const MAX_ERROR_CHARS = 4096;

/** Anything thrown, as bounded text for a log or a user-facing reason: the message of an Error. */
export function describeError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_CHARS);
}
