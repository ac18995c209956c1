/** Client-side limits, from the server's welcome where the API reports them. */
import type { ServerView } from '../../../shared/api/contract.ts';

/** The protocol's default `maxTextChars`, used until a server announces its own. */
export const DEFAULT_MAX_TEXT_CHARS = 4000;

/**
 * The longest message a server accepts. `ServerView` does not carry the welcome's limits yet;
 * if a later contract adds `limits.maxTextChars`, it is picked up here without other changes.
 */
export function maxTextChars(server: ServerView | undefined): number {
  const limits = (server as { limits?: { maxTextChars?: unknown } } | undefined)?.limits;
  const max = limits?.maxTextChars;
  return typeof max === 'number' && Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_TEXT_CHARS;
}
