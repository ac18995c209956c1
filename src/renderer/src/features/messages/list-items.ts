/**
 * What the message list shows: the timeline's items, then own messages still pending. Plus the
 * rules for how rows look next to each other (day separators, grouping by sender).
 */
import type { UserRef } from '../../../../shared/protocol/server-frames.ts';
import { dayNumber } from '../../lib/format-time.ts';
import type { PendingMessage, TimelineItem } from '../conversations/timeline.ts';
import type { GameListItem } from '../games/game-timeline.ts';

export type ListItem = TimelineItem | { kind: 'pending'; pending: PendingMessage } | GameListItem;

/** Consecutive messages by the same sender within this time read as one block. */
const GROUP_WINDOW_MS = 5 * 60_000;

export function itemTime(item: ListItem): number {
  switch (item.kind) {
    case 'message':
      return item.message.ts;
    case 'notice':
    case 'game':
      return item.ts;
    case 'pending':
      return item.pending.createdAt;
  }
}

export function itemSender(item: ListItem, self: UserRef): UserRef | null {
  switch (item.kind) {
    case 'message':
      return { id: item.message.from, name: item.message.fromName };
    case 'pending':
      return self;
    case 'notice':
    case 'game':
      return null;
  }
}

/** A stable key: a pending message keeps its key when confirmed, so its row is reused. */
export function itemKey(item: ListItem, self: UserRef): string {
  switch (item.kind) {
    case 'message':
      return `m:${item.message.from}:${item.message.msgId}`;
    case 'pending':
      return `m:${self.id}:${item.pending.msgId}`;
    case 'notice':
      return item.id;
    case 'game':
      return `g:${item.id}`;
  }
}

export function startsNewDay(previous: ListItem | undefined, item: ListItem): boolean {
  return previous === undefined || dayNumber(itemTime(previous)) !== dayNumber(itemTime(item));
}

/** Whether a message continues the previous one's block (no avatar and name repeated). */
export function continuesGroup(previous: ListItem | undefined, item: ListItem, self: UserRef): boolean {
  if (previous === undefined || startsNewDay(previous, item)) return false;
  const a = itemSender(previous, self);
  const b = itemSender(item, self);
  if (a === null || b === null || a.id !== b.id || a.name !== b.name) return false;
  return itemTime(item) - itemTime(previous) < GROUP_WINDOW_MS;
}
