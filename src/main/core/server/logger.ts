/**
 * The logging interface the core uses: a subset of pino's, so the CLI can pass a pino logger
 * and an embedding app (or a test) can pass anything else, or nothing.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = () => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
