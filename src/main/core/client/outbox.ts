/**
 * Messages sent and not yet acknowledged, kept across reconnects and resent with their original
 * msgId — the server stores each msgId once, so each message is stored and delivered exactly once.
 * A second send with a msgId that is still here joins the first: both calls settle together.
 * At most `maxEntries` wait: a send beyond that is refused (outbox_full) rather than kept in memory
 * without bound while the server is away.
 */
import type { ChatMessage, RequestResults } from '../../../shared/protocol/server-frames.ts';
import { hasCode, ParleyError } from './errors.ts';
import type { Target } from './target.ts';

/** How long to wait before resending a message the server refused with rate_limited. */
const RATE_LIMITED_RETRY_MS = 1000;

/** What the outbox needs from the client. */
export interface OutboxLink {
  /** Connected, and not catching up: new sends may go out now (else they wait for flush()). */
  canSend(): boolean;
  /** Sends one message; `onResult` runs as the reply is read (before any later frame). */
  send(
    args: Target & { text: string; msgId: string; attachments?: string[] },
    onResult: (result: RequestResults['send']) => void,
  ): Promise<RequestResults['send']>;
  /** The own stored message, as its reply is read: it becomes a `message` event in wire order. */
  noteOwn(message: ChatMessage): void;
  /** Messages waiting at most. */
  maxEntries: number;
}

interface OutboxEntry {
  target: Target;
  text: string;
  msgId: string;
  /** File ids the message carries; resent with it, so the files are attached exactly once too. */
  attachments: string[] | undefined;
  promise: Promise<ChatMessage>;
  resolve: (message: ChatMessage) => void;
  reject: (error: Error) => void;
  /** Sent on the current connection and not yet answered. */
  inFlight: boolean;
}

export class Outbox {
  private readonly entries = new Map<string, OutboxEntry>();
  private readonly link: OutboxLink;

  constructor(link: OutboxLink) {
    this.link = link;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Queues a message (or joins the one queued with this msgId) and sends it when it can. */
  add(target: Target, text: string, msgId: string, attachments?: string[]): Promise<ChatMessage> {
    const queued = this.entries.get(msgId);
    if (queued) return queued.promise;
    if (this.entries.size >= this.link.maxEntries) {
      const why = `${this.link.maxEntries} messages are already waiting to be sent`;
      return Promise.reject(new ParleyError('outbox_full', why));
    }
    let resolve!: (message: ChatMessage) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<ChatMessage>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const entry: OutboxEntry = { target, text, msgId, attachments, promise, resolve, reject, inFlight: false };
    this.entries.set(msgId, entry);
    if (this.link.canSend()) this.transmit(entry);
    return promise;
  }

  /** Sends everything not in flight, oldest first (the server numbers them in that order). */
  flush(): void {
    for (const entry of this.entries.values()) if (!entry.inFlight) this.transmit(entry);
  }

  /** The connection dropped: nothing is in flight any more (all is resent by the next flush). */
  connectionLost(): void {
    for (const entry of this.entries.values()) entry.inFlight = false;
  }

  /** Ends every queued message with this error (the client closed for good). */
  rejectAll(error: Error): void {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) entry.reject(error);
  }

  private transmit(entry: OutboxEntry): void {
    entry.inFlight = true;
    const args = {
      ...entry.target,
      text: entry.text,
      msgId: entry.msgId,
      ...(entry.attachments ? { attachments: entry.attachments } : {}),
    };
    this.link
      .send(args, (result) => this.link.noteOwn(result.message))
      .then(
        (result) => {
          if (this.entries.get(entry.msgId) !== entry) return;
          this.entries.delete(entry.msgId);
          entry.resolve(result.message);
        },
        (error: unknown) => {
          entry.inFlight = false;
          if (this.entries.get(entry.msgId) !== entry) return;
          // Transport problems keep the message for the next connection.
          if (hasCode(error, 'disconnected')) return;
          // No answer on a live connection: try again with the same msgId (stored at most once).
          if (hasCode(error, 'timeout')) {
            if (this.link.canSend()) this.transmit(entry);
            return;
          }
          if (hasCode(error, 'rate_limited')) {
            setTimeout(() => {
              if (this.entries.get(entry.msgId) === entry && !entry.inFlight && this.link.canSend())
                this.transmit(entry);
            }, RATE_LIMITED_RETRY_MS).unref();
            return;
          }
          this.entries.delete(entry.msgId);
          entry.reject(error instanceof Error ? error : new ParleyError('disconnected', String(error)));
        },
      );
  }
}
