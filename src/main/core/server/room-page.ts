/**
 * Pages of the room list (room_list, the welcome). A reply costs at most one page, bounded by
 * count and by bytes, whatever the number and size of the rooms: no request makes the server
 * serialize every room (issue 9, defect 3).
 */
import type { RoomInfo, RoomPage } from '../../../shared/protocol/server-frames.ts';
import { nameKey } from '../../../shared/text-rules.ts';
import { roomInfo, type LiveRoom } from './context.ts';

/**
 * Bytes of room info one page may carry (estimated generously: 3 bytes per UTF-16 unit), so
 * that even MAX_ROOM_PAGE rooms with maximum-size names and topics stay a small reply.
 */
export const REPLY_ROOMS_BUDGET_BYTES = 256 * 1024;

/** Estimated JSON size of a room's info: the fixed fields plus its strings at 3 bytes a unit. */
function roomBytes(room: LiveRoom): number {
  return 120 + 3 * (room.id.length + room.name.length + room.topic.length);
}

export interface PageRequest {
  limit: number;
  /** The id of the last room of the previous page (its `next`). */
  after?: string;
  /** Only rooms whose name contains this, ignoring case. */
  query?: string;
}

/**
 * The page after `after` in the rooms' stable order (the Map's: creation order, rooms are never
 * removed, so new rooms come last and paging sees every room exactly once). Undefined when
 * `after` names no room.
 */
export function roomPage(rooms: Map<string, LiveRoom>, request: PageRequest): RoomPage | undefined {
  if (request.after !== undefined && !rooms.has(request.after)) return undefined;
  const needle = request.query === undefined ? '' : nameKey(request.query.normalize('NFC').trim());
  let skipping = request.after !== undefined;
  let budget = REPLY_ROOMS_BUDGET_BYTES;
  const page: RoomInfo[] = [];
  for (const room of rooms.values()) {
    if (skipping) {
      if (room.id === request.after) skipping = false;
      continue;
    }
    if (needle !== '' && !nameKey(room.name).includes(needle)) continue;
    budget -= roomBytes(room);
    if (page.length === request.limit || (budget < 0 && page.length > 0)) {
      return { rooms: page, hasMore: true, next: page[page.length - 1]!.id };
    }
    page.push(roomInfo(room));
  }
  return { rooms: page, hasMore: false };
}
