/**
 * Pure functions over one conversation's timeline: confirmed messages ordered by seq (unique),
 * with system notices (join/leave/rename) placed after the message that was newest when they
 * happened. Pending own messages are kept apart (see slices/conversations.ts) and shown last.
 *
 * `firstItemIndex` follows react-virtuoso's convention for prepending: it decreases by the
 * number of items inserted before the first one, so the list keeps its scroll position.
 */
import type { ChatMessage } from '../../../../shared/protocol/server-frames.ts';

export type TimelineItem =
  | { kind: 'message'; message: ChatMessage }
  | { kind: 'notice'; id: string; ts: number; afterSeq: number; text: string };

export interface PendingMessage {
  msgId: string;
  text: string;
  createdAt: number;
  /** 'uploading': its files are still on their way (features/files); it is sent after them. */
  status: 'uploading' | 'sending' | 'failed';
  failure: { code: string; reason: string } | null;
  /** Ids of the stored files the message carries (set once they are uploaded). */
  attachments?: string[];
}

export interface Timeline {
  items: TimelineItem[];
  firstItemIndex: number;
  /** Own messages not confirmed yet, by msgId (insertion order = send order). */
  pending: Record<string, PendingMessage>;
  /** Older history exists on the server. */
  hasMore: boolean;
  /** The first page arrived. */
  loaded: boolean;
  loading: 'none' | 'initial' | 'older';
  error: string | null;
}

/** Large enough that a conversation never prepends below zero (Virtuoso needs it positive). */
export const FIRST_ITEM_INDEX = 1_000_000_000;

export const EMPTY_TIMELINE: Timeline = Object.freeze({
  items: [],
  firstItemIndex: FIRST_ITEM_INDEX,
  pending: {},
  hasMore: false,
  loaded: false,
  loading: 'none',
  error: null,
}) as Timeline;

export function emptyTimeline(): Timeline {
  return { ...EMPTY_TIMELINE, items: [], pending: {} };
}

/** Messages sort by seq; a notice sorts just after the message it follows. */
function sortKey(item: TimelineItem): number {
  return item.kind === 'message' ? item.message.seq : item.afterSeq + 0.5;
}

/** Seq of the newest confirmed message, 0 when there is none. */
export function lastSeq(items: readonly TimelineItem[]): number {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.kind === 'message') return item.message.seq;
  }
  return 0;
}

/** Seq of the oldest confirmed message, 0 when there is none. */
export function firstSeq(items: readonly TimelineItem[]): number {
  for (const item of items) if (item.kind === 'message') return item.message.seq;
  return 0;
}

export interface MergeResult {
  timeline: Timeline;
  /** Messages that were not in the timeline before, in seq order. */
  added: ChatMessage[];
}

/** Adds confirmed messages, skipping seqs already present. */
export function mergeMessages(timeline: Timeline, incoming: readonly ChatMessage[]): MergeResult {
  if (incoming.length === 0) return { timeline, added: [] };
  const sorted = [...incoming].sort((a, b) => a.seq - b.seq);
  const unique = sorted.filter((m, i) => i === 0 || m.seq !== sorted[i - 1]!.seq);
  const items = timeline.items;

  // Fast path (live messages): everything is newer than what we have.
  if (unique[0]!.seq > lastSeq(items)) {
    const appended = unique.map((message): TimelineItem => ({ kind: 'message', message }));
    return { timeline: { ...timeline, items: [...items, ...appended] }, added: unique };
  }

  const merged: TimelineItem[] = [];
  const added: ChatMessage[] = [];
  let prepended = 0;
  let i = 0;
  let j = 0;
  while (i < items.length || j < unique.length) {
    const item = items[i];
    const message = unique[j];
    if (message === undefined || (item !== undefined && sortKey(item) < message.seq)) {
      merged.push(item!);
      i++;
    } else if (item !== undefined && item.kind === 'message' && item.message.seq === message.seq) {
      merged.push(item); // already have it
      i++;
      j++;
    } else {
      merged.push({ kind: 'message', message });
      added.push(message);
      if (i === 0) prepended++;
      j++;
    }
  }
  if (added.length === 0) return { timeline, added };
  return { timeline: { ...timeline, items: merged, firstItemIndex: timeline.firstItemIndex - prepended }, added };
}

let noticeCounter = 0;

/** Appends a system notice after the newest message. */
export function addNotice(timeline: Timeline, text: string, ts: number): Timeline {
  const notice: TimelineItem = {
    kind: 'notice',
    id: `n${++noticeCounter}`,
    ts,
    afterSeq: lastSeq(timeline.items),
    text,
  };
  return { ...timeline, items: [...timeline.items, notice] };
}

/** Removes confirmed messages' msgIds from `pending`. Returns the same object when none match. */
export function confirmPending(
  pending: Record<string, PendingMessage>,
  messages: readonly ChatMessage[],
  selfId: string | null,
): Record<string, PendingMessage> {
  let result = pending;
  for (const message of messages) {
    if (!(message.msgId in result)) continue;
    if (selfId !== null && message.from !== selfId) continue; // someone else's id that collides
    if (result === pending) result = { ...pending };
    delete result[message.msgId];
  }
  return result;
}
