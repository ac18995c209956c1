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
 * The rooms in their stable order (the Map's: creation order; rooms are never removed, so new
 * rooms come last and paging sees every room exactly once), with each room's position and name
 * key kept: a page after a cursor costs the page, not a walk over every room, and a search does
 * not normalize every room name again on each request.
 */
export class RoomIndex {
  private readonly order: { room: LiveRoom; key: string }[] = [];
  private readonly position = new Map<string, number>();

  private readonly rooms: Map<string, LiveRoom>;

  constructor(rooms: Map<string, LiveRoom>) {
    this.rooms = rooms;
  }

  /** One page; undefined when `after` names no room. */
  page(request: PageRequest): RoomPage | undefined {
    this.catchUp();
    let start = 0;
    if (request.after !== undefined) {
      const at = this.position.get(request.after);
      if (at === undefined) return undefined;
      start = at + 1;
    }
    const needle = request.query === undefined ? '' : nameKey(request.query.normalize('NFC').trim());
    let budget = REPLY_ROOMS_BUDGET_BYTES;
    const page: RoomInfo[] = [];
    for (let i = start; i < this.order.length; i++) {
      const { room, key } = this.order[i]!;
      if (needle !== '' && !key.includes(needle)) continue;
      budget -= roomBytes(room);
      if (page.length === request.limit || (budget < 0 && page.length > 0)) {
        return { rooms: page, hasMore: true, next: page[page.length - 1]!.id };
      }
      page.push(roomInfo(room));
    }
    return { rooms: page, hasMore: false };
  }

  /** Appends rooms created since the last call (the Map only grows, at its end). */
  private catchUp(): void {
    if (this.order.length === this.rooms.size) return;
    let i = 0;
    for (const room of this.rooms.values()) {
      if (i++ < this.order.length) continue;
      this.position.set(room.id, this.order.length);
      this.order.push({ room, key: nameKey(room.name) });
    }
  }
}
