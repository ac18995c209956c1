/** Bounding a page of history by bytes, shared by history paging and room_join's catch-up. */
import type { ChatMessage } from '../../../shared/protocol/server-frames.ts';

/**
 * Bytes of history one reply may carry (estimated generously: 3 bytes per UTF-16 unit). Keeps
 * every reply well below the client's frame limit and the per-client queue bound, whatever the
 * page size and text length; `hasMore` tells the client to ask for the rest.
 */
export const REPLY_HISTORY_BUDGET_BYTES = 1024 * 1024;

export interface Page {
  messages: ChatMessage[];
  hasMore: boolean;
}

/** Trims a page to the reply budget, keeping the newest (paging back) or oldest (paging forward) end. */
export function fitPage(page: Page, keep: 'newest' | 'oldest'): Page {
  const { messages } = page;
  let budget = REPLY_HISTORY_BUDGET_BYTES;
  let kept = 0;
  for (; kept < messages.length; kept++) {
    const m = messages[keep === 'oldest' ? kept : messages.length - 1 - kept]!;
    budget -= 160 + 3 * (m.text.length + m.fromName.length + m.msgId.length);
    if (budget < 0 && kept > 0) break;
  }
  if (kept === messages.length) return page;
  return {
    messages: keep === 'oldest' ? messages.slice(0, kept) : messages.slice(messages.length - kept),
    hasMore: true,
  };
}
