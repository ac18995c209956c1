/**
 * The last sequence number handed out per conversation, so that numbering a message does not
 * read the store. Rooms are few (bounded by maxRooms) and always kept; direct conversations are
 * unbounded in number (every pair of users may have one), so only the `maxDms` most recently used
 * are kept and the others are read again from the store (`load`) when they come back.
 *
 * Eviction happens only once a batch is committed: a conversation numbered in the pending batch
 * is ahead of the store, so reading it back before the commit would hand out a number twice.
 */
import type { ChatMessage } from '../../../../shared/protocol/server-frames.ts';
import { dmKey } from '../../store/history-store.ts';

export class SequenceCache {
  private readonly rooms = new Map<string, number>();
  /** In least recently used first order (a Map iterates in insertion order). */
  private readonly dms = new Map<string, number>();
  private readonly load: (conv: string) => number;
  private readonly maxDms: number;

  constructor(load: (conv: string) => number, maxDms: number) {
    this.load = load;
    this.maxDms = Math.max(1, maxDms);
  }

  /** Conversations cached now (rooms and direct ones). */
  get size(): number {
    return this.rooms.size + this.dms.size;
  }

  /** A room's last number, known without asking the store (at startup, or 0 for a new room). */
  setRoom(roomId: string, lastSeq: number): void {
    this.rooms.set(roomId, lastSeq);
  }

  /** The next number in `conv` (a room id or a dmKey), counted as handed out. */
  next(conv: string, isRoom: boolean): number {
    const map = isRoom ? this.rooms : this.dms;
    let last = map.get(conv);
    if (last === undefined) last = this.load(conv);
    else if (!isRoom) map.delete(conv); // re-inserted below: now the most recently used
    map.set(conv, last + 1);
    return last + 1;
  }

  /**
   * The batch was committed; `refused` are its messages that were not stored. The store
   * renumbered their conversations, so those are read again; then the least recently used
   * direct conversations beyond the bound are dropped.
   */
  committed(refused: readonly ChatMessage[]): void {
    for (const m of refused) {
      if (m.room !== undefined) this.rooms.delete(m.room);
      else this.dms.delete(dmKey(m.from, m.to!));
    }
    for (const conv of this.dms.keys()) {
      if (this.dms.size <= this.maxDms) break;
      this.dms.delete(conv);
    }
  }
}
