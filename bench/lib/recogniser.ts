/**
 * How a receiver recognises which message a payload is, as a pure function of a small,
 * serializable description. The targets (lib/parley-target.ts, lib/irc-target.ts) build their
 * `messageIndex` from it, and a receiver process (lib/receiver-child.ts) rebuilds the very same
 * function from the description it is sent, so both run the same check on the same bytes.
 */
import { digitsAt, excerpt, NOT_A_MESSAGE, startsWith, UNEXPECTED_MESSAGE } from './target.ts';

/**
 * parley-seq: a Parley message event; message i has room seq firstSeq + i (one sender, in order).
 * parley-send-id: the relay forwards the send frame itself, whose id is i + 1.
 * irc-prefix: an IRC line `<prefix><i> …`, the prefix being the sender's `:mask PRIVMSG #chan :text head`.
 */
export type ReceiverSpec =
  { kind: 'parley-seq'; firstSeq: number } | { kind: 'parley-send-id' } | { kind: 'irc-prefix'; prefix: string };

/** The wire format a receiver reads: Parley frames (BenchConn) or IRC lines (IrcConn). */
export function protocolOf(spec: ReceiverSpec): 'parley' | 'irc' {
  return spec.kind === 'irc-prefix' ? 'irc' : 'parley';
}

const MESSAGE_PREFIX = Buffer.from('{"type":"message","message":{"seq":');
export const TYPE_MESSAGE = Buffer.from('{"type":"message"');
/** A send frame as the relay forwards it: `id` is index + 1. */
const SEND_PREFIX = Buffer.from('{"type":"send","id":');

/** The room seq of a message event: digits at a fixed offset, or (other key order) a JSON parse. */
export function messageSeq(payload: Buffer): number {
  if (startsWith(payload, MESSAGE_PREFIX)) return digitsAt(payload, MESSAGE_PREFIX.length);
  if (!startsWith(payload, TYPE_MESSAGE)) return -1;
  return (JSON.parse(payload.toString('utf8')) as { message: { seq: number } }).message.seq;
}

export interface Recogniser {
  /** As Target.messageIndex: the index, NOT_A_MESSAGE or UNEXPECTED_MESSAGE. */
  messageIndex(payload: Buffer): number;
  /** What is wrong with a receiver's payload that is not a message; undefined when harmless. */
  problem(payload: Buffer): string | undefined;
}

export function recogniser(spec: ReceiverSpec): Recogniser {
  switch (spec.kind) {
    case 'parley-seq': {
      const { firstSeq } = spec;
      return {
        messageIndex: (payload) => {
          const seq = messageSeq(payload);
          if (seq === -1) return NOT_A_MESSAGE;
          return seq >= firstSeq ? seq - firstSeq : UNEXPECTED_MESSAGE;
        },
        // Other events (e.g. presence) are harmless; an error (e.g. slow_consumer) is not.
        problem: (payload) => (payload.includes('"error"') ? excerpt(payload) : undefined),
      };
    }
    case 'parley-send-id':
      return {
        messageIndex: (payload) => {
          if (!startsWith(payload, SEND_PREFIX)) return NOT_A_MESSAGE;
          const id = digitsAt(payload, SEND_PREFIX.length);
          return id > 0 ? id - 1 : UNEXPECTED_MESSAGE;
        },
        problem: (payload) => excerpt(payload),
      };
    case 'irc-prefix': {
      const prefix = Buffer.from(spec.prefix);
      return {
        messageIndex: (line) => {
          if (!startsWith(line, prefix)) return NOT_A_MESSAGE;
          const index = digitsAt(line, prefix.length);
          return index >= 0 ? index : UNEXPECTED_MESSAGE;
        },
        // Nothing else is expected during a run: a NOTICE, ERROR or numeric means something is off.
        problem: (line) => excerpt(line),
      };
    }
  }
}
