/**
 * The tick batch. Messages accepted during one event-loop tick are queued here; at the end of the
 * tick they are committed in ONE SQLite transaction (a row that fails is left out alone: only its
 * sender hears storage_failed; a resend of a stored msgId is answered with the stored message),
 * then each is encoded ONCE, each run of messages to one room is concatenated ONCE and that buffer
 * queued to every member, then every connection with queued frames gets ONE socket write.
 * Nothing is acknowledged or delivered before it is committed.
 */
import type { RequestId } from '../../../shared/protocol/fields.ts';
import type { ChatMessage } from '../../../shared/protocol/server-frames.ts';
import { encodeFrame } from '../framing/frame-codec.ts';
import type { HistoryStore, RefusedMessage } from '../store/history-store.ts';
import type { Connection } from './connection.ts';
import type { LiveRoom } from './context.ts';
import type { Logger } from './logger.ts';
import type { Presence } from './presence.ts';

/** A message accepted in this tick, waiting for the batch commit. */
export interface PendingSend {
  message: ChatMessage;
  sender: Connection;
  re: RequestId;
  /** Resends of the same msgId that arrived before the commit: answered with the same message. */
  duplicates: { connection: Connection; re: RequestId }[];
}

export class Fanout {
  private batch: PendingSend[] = [];
  private readonly batchByKey = new Map<string, PendingSend>();
  private dirty: Connection[] = [];
  private flushScheduled = false;
  /**
   * Called once per batch with the messages that were NOT stored (empty when all were): their
   * conversations' sequence numbers are renumbered by the store, so the cache must reload them.
   */
  onCommitted: (refused: readonly ChatMessage[]) => void = () => {};

  private readonly store: HistoryStore;
  private readonly log: Logger;
  private readonly rooms: Map<string, LiveRoom>;
  private readonly presence: Presence;

  constructor(store: HistoryStore, log: Logger, rooms: Map<string, LiveRoom>, presence: Presence) {
    this.store = store;
    this.log = log;
    this.rooms = rooms;
    this.presence = presence;
  }

  /** True while messages wait for the commit. */
  get pending(): boolean {
    return this.batch.length > 0;
  }

  /** The message queued in this tick under a dedup key, if any. */
  queued(key: string): PendingSend | undefined {
    return this.batchByKey.get(key);
  }

  /** Queues a numbered message for the commit at the end of this tick. */
  add(key: string, entry: PendingSend): void {
    this.batch.push(entry);
    this.batchByKey.set(key, entry);
    this.scheduleFlush();
  }

  /** A connection queued its first frame in this tick (Connection's onDirty hook). */
  markDirty(connection: Connection): void {
    this.dirty.push(connection);
    this.scheduleFlush();
  }

  /** Encodes once and queues to every member of a room except `except`. */
  toRoom(room: LiveRoom, frame: object, except?: Connection): void {
    if (room.members.size === 0) return;
    const encoded = encodeFrame(frame);
    for (const member of room.members) if (member !== except) member.enqueue(encoded);
  }

  /** Encodes once and queues to each of `connections` (except `except`). */
  toEach(connections: Iterable<Connection>, frame: object, except?: Connection): void {
    let encoded: Buffer | undefined;
    for (const connection of connections) {
      if (connection === except) continue;
      encoded ??= encodeFrame(frame);
      connection.enqueue(encoded);
    }
  }

  /** Commits the pending batch, then writes every connection's queued frames. */
  readonly flushTick = (): void => {
    this.commit();
    const dirty = this.dirty;
    this.dirty = [];
    for (const connection of dirty) connection.flush();
    this.flushScheduled = false;
    if (this.dirty.length > 0 || this.batch.length > 0) this.scheduleFlush();
  };

  /**
   * Stores the batch in one transaction; only then acknowledges and delivers its messages. Also
   * called before anything that must be ordered after them (a leave, a rename, a disconnect).
   */
  commit(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    // Swapped out first: delivering can close a slow consumer, whose detach commits again.
    this.batch = [];
    this.batchByKey.clear();
    let refused: RefusedMessage[];
    try {
      refused = this.store.appendBatch(batch.map((entry) => entry.message));
    } catch (error) {
      // The transaction itself failed (disk full, I/O error): nothing of the batch was stored.
      this.log.error({ err: error, messages: batch.length }, 'storing messages failed');
      this.onCommitted(batch.map((entry) => entry.message));
      for (const entry of batch) {
        // A resend stored nothing new: it still learns the outcome of its first attempt.
        const existing = this.storedResend(entry.message);
        if (existing) this.answer(entry, existing, true);
        else this.refuse(entry);
      }
      return;
    }
    let stored = batch;
    if (refused.length > 0) {
      // Only these rows were left out; the rest of the batch is stored. A resend of a stored msgId
      // is answered with the stored message; a row that failed, with storage_failed.
      const left = new Map(refused.map((r) => [r.message, r]));
      stored = [];
      for (const entry of batch) {
        const refusal = left.get(entry.message);
        if (!refusal) stored.push(entry);
        else if (refusal.existing) this.answer(entry, refusal.existing, true);
        else {
          this.log.warn({ err: refusal.error, from: entry.message.from }, 'a message could not be stored');
          this.refuse(entry);
        }
      }
    }
    this.onCommitted(refused.map((r) => r.message));
    this.deliver(stored);
  }

  /**
   * Queues the stored messages' events and their senders' acknowledgements, in batch order.
   *
   * A run of consecutive messages to one room is encoded once and concatenated ONCE, and that
   * one buffer is queued to every member that sent none of them (one Buffer.concat per run, not
   * one per connection at flush time). A member that sent one of them gets, as before, the others'
   * events interleaved with its own acknowledgements, so every connection sees exactly the order
   * it would see message by message.
   */
  private deliver(stored: PendingSend[]): void {
    for (let i = 0; i < stored.length;) {
      const first = stored[i]!;
      const roomId = first.message.room;
      if (roomId === undefined) {
        this.deliverDm(first);
        i++;
        continue;
      }
      let end = i + 1;
      while (end < stored.length && stored[end]!.message.room === roomId) end++;
      const run = stored.slice(i, end);
      i = end;
      const room = this.rooms.get(roomId)!;
      const last = run[run.length - 1]!.message;
      room.lastSeq = last.seq;
      room.lastTs = last.ts;
      const events = run.map((entry) => encodeFrame({ type: 'message', message: entry.message }));
      // Whoever is acknowledged in this run gets its frames one by one, below.
      const acked = new Set<Connection>();
      for (const entry of run) {
        acked.add(entry.sender);
        for (const d of entry.duplicates) acked.add(d.connection);
      }
      const shared = events.length === 1 ? events[0]! : Buffer.concat(events);
      for (const member of room.members) if (!acked.has(member)) member.enqueue(shared);
      run.forEach((entry, k) => {
        for (const connection of acked)
          if (connection !== entry.sender && room.members.has(connection)) connection.enqueue(events[k]!);
        this.answer(entry, entry.message, false);
      });
    }
  }

  private deliverDm(entry: PendingSend): void {
    const recipient = this.presence.connectionOf(entry.message.to!);
    if (recipient && recipient !== entry.sender)
      recipient.enqueue(encodeFrame({ type: 'message', message: entry.message }));
    this.answer(entry, entry.message, false);
  }

  /**
   * Answers the sender, and whoever resent the same msgId in this tick, with the stored `message`:
   * `duplicate: false` for a sender whose message this is, `true` for every resend. (A closing
   * connection queues nothing: Connection.reply.)
   */
  private answer(entry: PendingSend, message: ChatMessage, senderResent: boolean): void {
    entry.sender.reply<'send'>(entry.re, { message, duplicate: senderResent });
    for (const d of entry.duplicates) d.connection.reply<'send'>(d.re, { message, duplicate: true });
  }

  /** The message stored earlier under this one's msgId, if the store can still tell. */
  private storedResend(message: ChatMessage): ChatMessage | undefined {
    try {
      return this.store.findByMsgId(message.from, message.msgId);
    } catch {
      return undefined; // the store cannot even be read: storage_failed, as for any other message
    }
  }

  /** Tells the sender (and whoever resent the same msgId) that its message was not stored. */
  private refuse(entry: PendingSend): void {
    const reason = 'The message could not be stored, so it was not sent';
    entry.sender.replyError('storage_failed', reason, entry.re);
    for (const d of entry.duplicates) d.connection.replyError('storage_failed', reason, d.re);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushTick);
  }
}
