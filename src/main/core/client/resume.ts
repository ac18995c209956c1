/**
 * Catch-up: the one owner of "which messages has the app seen". Every message the client emits
 * passes through here, so that each is emitted once, in order, whatever mix of live events,
 * rejoins and history pages brought it.
 *
 * After every reconnect (welcome) it rejoins each joined room with `since` = the last seq seen and
 * pages forward until nothing is left, then fetches the direct messages that arrived meanwhile.
 * A joinRoom with `since` (a fresh session re-opening a room) pages forward the same way. While a
 * catch-up runs, live messages are held and emitted after it, so that none moves "last seen" past
 * messages not fetched yet; at most `maxHeld` are held, and a conversation whose live messages did
not fit is paged from history after the catch-up instead (so memory stays bounded and nothing is
lost). A step that fails is retried with backoff; if it keeps failing, the
 * catch-up throws and the client treats the connection as unhealthy (drops and reconnects), so
 * nothing is reported caught up that is not.
 */
import { backoffDelay } from '../../../shared/backoff.ts';
import { MAX_CATCH_UP, MAX_HISTORY_PAGE } from '../../../shared/protocol/constants.ts';
import type { ChatMessage, RequestResults, RequestType, UserRef } from '../../../shared/protocol/server-frames.ts';
import { hasCode } from './errors.ts';
import { conversationKey, type Target } from './target.ts';

/** Tries of one catch-up request that times out, on one connection, before giving up on it. */
export const RESUME_STEP_ATTEMPTS = 3;
/** Waits for a server that answers rate_limited during a catch-up, before giving up. */
const RATE_LIMITED_WAITS = 30;

export type RequestArgs = Record<string, unknown>;

/** What catch-up needs from the client. */
export interface CatchUpLink {
  /** `onResult` runs as the reply is read, before any later frame (as in ClientContext.request). */
  request<T extends RequestType>(
    type: T,
    args: RequestArgs,
    onResult?: (result: RequestResults[T]) => void,
  ): Promise<RequestResults[T]>;
  /** Emits a message to the client's listeners (it is new and in order). */
  emit(message: ChatMessage): void;
  selfId(): string;
  ratePerSecond(): number;
  backoff: { minMs: number; maxMs: number };
  /** A catch-up failed for good on this connection: end it (a reconnect resumes from here). */
  unhealthy(reason: string): void;
  /** Live messages held at most while a catch-up runs. */
  maxHeld: number;
  /** A room was rejoined after a reconnect: its whole member list now (who came and went meanwhile). */
  members?(room: string, members: UserRef[]): void;
}

/** A wait between tries that does not keep the process alive after the client is closed. */
const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms).unref());

function targetOf(message: ChatMessage, self: string): Target {
  if (message.room !== undefined) return { room: message.room };
  return { user: message.from === self ? message.to! : message.from };
}

export class CatchUp {
  private readonly link: CatchUpLink;
  private readonly joinedRooms = new Set<string>();
  /** Last seq emitted (or known to be old news) per conversation key. */
  private readonly lastSeen = new Map<string, number>();
  /** Live messages that arrived while a catch-up runs; undefined when none runs. */
  private held: ChatMessage[] | undefined;
  /** Conversations with live messages that did not fit in `held`: paged from history after it. */
  private readonly overflowed = new Map<string, Target>();
  private active = 0;
  /** Catch-ups run one after the other. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Bumped when the connection drops: what was held or queued for the old one is void. */
  private generation = 0;
  /** The first welcome's baseline (or a resume) succeeded: later welcomes resume. */
  private baselined = false;
  /**
   * Per direct conversation, the seq up to which it was old news at the first welcome: messages
   * up to it were never emitted (dmSince emits them on request), every later one was.
   */
  private readonly dmFloor = new Map<string, number>();

  constructor(link: CatchUpLink) {
    this.link = link;
  }

  /** A live message (an event, or the reply to our own send). */
  deliver(message: ChatMessage): void {
    if (!this.held) this.note(message);
    else if (this.held.length < this.link.maxHeld) this.held.push(message);
    else {
      const target = targetOf(message, this.link.selfId());
      this.overflowed.set(conversationKey(target), target);
    }
  }

  /** Live messages held now (at most `maxHeld`). */
  get heldCount(): number {
    return this.held?.length ?? 0;
  }

  /** A different server answers at this address: nothing we knew applies. */
  reset(): void {
    this.joinedRooms.clear();
    this.lastSeen.clear();
    this.dmFloor.clear();
    this.baselined = false;
  }

  /** The connection dropped: held messages are dropped too (the next resume fetches them). */
  connectionLost(): void {
    this.generation++;
    this.held = this.active > 0 ? [] : undefined;
    this.overflowed.clear(); // the next resume pages every conversation from its last seen
  }

  /**
   * Runs after each welcome: the first time, notes how far each direct conversation goes (older
   * messages are history, not news); after that, resumes. Rejects if a step keeps failing (the
   * connection has then been dropped, see exclusive()).
   */
  async afterWelcome(): Promise<void> {
    if (this.baselined) return this.exclusive(() => this.resume());
    // Not held like a resume: a live DM that arrives before this reply is news, emitted at once
    // (held, it would be counted as seen by the lastSeq below and never emitted).
    let conversations: RequestResults['dm_list']['conversations'];
    try {
      ({ conversations } = await this.step(() => this.link.request('dm_list', {})));
    } catch (error) {
      this.failed(error);
      throw error;
    }
    for (const c of conversations) {
      this.markSeen(conversationKey({ user: c.user.id }), c.lastSeq);
      this.dmFloor.set(conversationKey({ user: c.user.id }), c.lastSeq);
    }
    this.baselined = true;
  }

  /**
   * The DM counterpart of joined(…, since): emits the messages with `user` after `since` that this
   * client has not emitted (those the first welcome took as old news), in order, once. For a UI
   * that had the conversation up to `since` from an earlier client (a fresh browser session).
   */
  dmSince(user: string, since: number): Promise<void> {
    const key = conversationKey({ user });
    if (since >= (this.dmFloor.get(key) ?? 0)) return Promise.resolve();
    return this.exclusive(async () => {
      const floor = this.dmFloor.get(key) ?? 0; // an earlier dmSince may have lowered it meanwhile
      if (since >= floor) return;
      await this.pageBetween({ user }, since, floor);
      this.dmFloor.set(key, since);
    });
  }

  /**
   * A room_join reply, as it is read (before any later frame). A room joined for the first time is
   * seen up to its newest message; with `since`, or when re-opened with news not emitted yet, the
   * messages after the last one seen are fetched and emitted — the returned promise settles then.
   */
  joined(room: string, reply: RequestResults['room_join'], since?: number): Promise<void> | undefined {
    const key = conversationKey({ room });
    const tracked = this.joinedRooms.has(room);
    this.joinedRooms.add(room);
    if (since !== undefined) {
      // A since beyond the room's newest message (another server's numbering) would hide live ones.
      if (!this.lastSeen.has(key)) this.lastSeen.set(key, Math.min(since, reply.room.lastSeq));
    } else if (!tracked) {
      this.markSeen(key, reply.room.lastSeq);
      return undefined;
    }
    if (reply.room.lastSeq <= (this.lastSeen.get(key) ?? 0)) return undefined;
    return this.exclusive(() => this.pageAfter({ room }));
  }

  left(room: string): void {
    this.joinedRooms.delete(room);
    this.lastSeen.delete(conversationKey({ room }));
  }

  /** Emits a message unless it was already seen (catch-up and live delivery can overlap). */
  private note(message: ChatMessage): void {
    const key = conversationKey(targetOf(message, this.link.selfId()));
    if (message.seq <= (this.lastSeen.get(key) ?? 0)) return;
    this.lastSeen.set(key, message.seq);
    this.link.emit(message);
  }

  private markSeen(key: string, seq: number): void {
    if (seq > (this.lastSeen.get(key) ?? 0)) this.lastSeen.set(key, seq);
  }

  /**
   * Runs a catch-up after the ones before it, holding live messages until none runs. A failure
   * (other than the connection dropping meanwhile) makes the connection unhealthy: the held
   * messages are dropped with it and the next resume fetches them.
   */
  private exclusive(task: () => Promise<void>): Promise<void> {
    this.active++;
    this.held ??= [];
    const generation = this.generation;
    const run = this.queue.then(() => (generation === this.generation ? task() : undefined));
    const done = run.then(
      () => this.finish(),
      (error: unknown) => {
        this.finish(generation === this.generation ? error : undefined);
        throw error;
      },
    );
    this.queue = done.catch(() => {});
    return done;
  }

  private finish(error?: unknown): void {
    this.active--;
    if (error !== undefined && this.failed(error)) return; // connectionLost() voids the held messages
    if (this.active > 0) return;
    const held = this.held ?? [];
    this.held = undefined;
    for (const message of held) this.note(message);
    if (this.overflowed.size > 0) this.pageOverflowed();
  }

  /** Fetches, after the held ones, the live messages that did not fit (each once, in order). */
  private pageOverflowed(): void {
    const targets = [...this.overflowed.values()];
    this.overflowed.clear();
    const stillOpen = (t: Target) => !('room' in t) || this.joinedRooms.has(t.room);
    // A failure was handled by exclusive() (the connection is dropped and the resume refetches).
    this.exclusive(async () => {
      for (const target of targets) if (stillOpen(target)) await this.pageAfter(target);
    }).catch(() => {});
  }

  /** A catch-up step failed for good: drops the connection unless it is gone already. */
  private failed(error: unknown): boolean {
    if (hasCode(error, 'disconnected', 'closed')) return false;
    this.link.unhealthy(`catching up failed: ${error instanceof Error ? error.message : String(error)}`);
    return true;
  }

  /** Rejoins rooms and fetches direct messages missed while disconnected, emitting them in order. */
  private async resume(): Promise<void> {
    for (const room of [...this.joinedRooms]) {
      // Left while an earlier step ran: rejoining it would put the user back in it.
      if (!this.joinedRooms.has(room)) continue;
      const since = this.lastSeen.get(conversationKey({ room })) ?? 0;
      let joined: RequestResults['room_join'];
      try {
        // The member list is reported as the reply is read: a member_joined/left right behind it
        // then applies on top of it, not under it.
        joined = await this.step(() =>
          this.link.request('room_join', { room, since, limit: MAX_CATCH_UP }, (reply) =>
            this.link.members?.(room, reply.members),
          ),
        );
      } catch (error) {
        // A room that no longer exists is forgotten; anything else fails the resume as a whole.
        if (hasCode(error, 'room_not_found')) {
          this.left(room);
          continue;
        }
        throw error;
      }
      for (const message of joined.messages) this.note(message);
      if (joined.hasMore) await this.pageAfter({ room });
    }
    const { conversations } = await this.step(() => this.link.request('dm_list', {}));
    for (const c of conversations) {
      const target = { user: c.user.id };
      if (c.lastSeq > (this.lastSeen.get(conversationKey(target)) ?? 0)) await this.pageAfter(target);
    }
  }

  /** Pages forward from the last seq seen until the server has nothing newer. */
  private async pageAfter(target: Target): Promise<void> {
    const key = conversationKey(target);
    for (;;) {
      const after = this.lastSeen.get(key) ?? 0;
      const page = await this.step(() => this.link.request('history', { ...target, after, limit: MAX_HISTORY_PAGE }));
      for (const message of page.messages) this.note(message);
      if (!page.hasMore || page.messages.length === 0) return;
    }
  }

  /** Emits the messages in (after, upTo], paging forward; later ones were emitted already. */
  private async pageBetween(target: Target, after: number, upTo: number): Promise<void> {
    while (after < upTo) {
      const from = after;
      const page = await this.step(() =>
        this.link.request('history', { ...target, after: from, limit: MAX_HISTORY_PAGE }),
      );
      for (const message of page.messages) {
        if (message.seq > after && message.seq <= upTo) this.link.emit(message);
        after = Math.max(after, message.seq);
      }
      if (!page.hasMore || page.messages.length === 0) return;
    }
  }

  /** One catch-up request: waits out rate_limited, retries a timeout with backoff a few times. */
  private async step<T>(run: () => Promise<T>): Promise<T> {
    let timeouts = 0;
    let waits = 0;
    for (;;) {
      try {
        return await run();
      } catch (error) {
        if (hasCode(error, 'rate_limited') && waits++ < RATE_LIMITED_WAITS) {
          await sleep(Math.max(50, 1000 / this.link.ratePerSecond()));
          continue;
        }
        if (hasCode(error, 'timeout') && ++timeouts < RESUME_STEP_ATTEMPTS) {
          await sleep(backoffDelay(timeouts - 1, this.link.backoff.minMs, this.link.backoff.maxMs));
          continue;
        }
        throw error;
      }
    }
  }
}
