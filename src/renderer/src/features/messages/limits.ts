/** Client-side limits: those of the server's last welcome (`ServerView.limits`). */
import type { ServerView } from '../../../../shared/api/contract.ts';

/** The protocol's default `maxTextChars`, used until a server announces its own. */
export const DEFAULT_MAX_TEXT_CHARS = 4000;

/** The longest message (in code points) a server accepts: its welcome's, else the default. */
export function maxTextChars(server: ServerView | undefined): number {
  const max = server?.limits?.maxTextChars;
  return max !== undefined && Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_TEXT_CHARS;
}
