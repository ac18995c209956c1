/**
 * What a load loop needs from the server it measures, so that the same loop (timestamps, arrival
 * arrays, checks, statistics) runs against Parley, ngIRCd or the bare relay and only this adapter
 * differs: the connections, how message i is encoded, and how a receiver recognises which message
 * a payload is without parsing all of it.
 */
import type { Socket } from 'node:net';
import type { RawHandler } from './bench-conn.ts';
import type { ReceiverSpec } from './recogniser.ts';

/** BenchConn (Parley frames) and IrcConn (IRC lines) both look like this during the measured phase. */
export interface RawConn {
  readonly socket: Socket;
  rawHandler: RawHandler | undefined;
  readonly closed: boolean;
  /**
   * Hands the socket over (lib/receiver-pool.ts): stops reading, drops this object's listeners
   * and returns the socket; throws when a partial frame or line is buffered (it would be lost).
   */
  detach(): Socket;
}

export interface Target {
  /** "Parley", "ngIRCd", "relay": for labels and error messages. */
  readonly name: string;
  /** The process in the middle, whose CPU the loops measure. */
  readonly pid: number;
  /** False once that process has exited: the loops stop at once instead of at their timeout. */
  readonly running: boolean;
  readonly sender: RawConn;
  readonly receivers: readonly RawConn[];
  /**
   * True when the sender gets one acknowledgement per message (Parley: committed to SQLite; the
   * relay imitates it). IRC has none: there a message is complete when every receiver has it.
   */
  readonly acks: boolean;
  /** The bytes the sender writes for message `index` (0, 1, 2, … in the order they are sent). */
  encode(index: number): Buffer;
  /** How a receiver recognises message i, for a receiver process to rebuild messageIndex from. */
  readonly receiverSpec: ReceiverSpec;
  /**
   * The index of the message a receiver's payload carries; NOT_A_MESSAGE for other payloads;
   * UNEXPECTED_MESSAGE for a message that carries no index this run sent.
   */
  messageIndex(payload: Buffer): number;
  /** True when a payload at the sender is an acknowledgement. */
  isAck(payload: Buffer): boolean;
  /** What is wrong with a payload that is neither a message nor an ack; undefined when it is harmless. */
  problem(payload: Buffer, at: 'sender' | 'receiver'): string | undefined;
  stop(): Promise<void>;
}

export const NOT_A_MESSAGE = -1;
/** Larger than any index a run sends, so that the range check reports it. */
export const UNEXPECTED_MESSAGE = Number.MAX_SAFE_INTEGER;

export function startsWith(payload: Buffer, prefix: Buffer): boolean {
  return payload.length > prefix.length && payload.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/** The decimal number at `offset` (up to the first non-digit), or -1 when there is none. */
export function digitsAt(payload: Buffer, offset: number): number {
  let value = 0;
  let i = offset;
  for (; i < payload.length; i++) {
    const c = payload[i]!;
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  return i === offset ? -1 : value;
}

/** A short printable excerpt of a payload, for error messages. */
export function excerpt(payload: Buffer): string {
  return payload.toString('utf8', 0, Math.min(payload.length, 200));
}

/** Closes a target's connections, then its server process: its `stop`, and the clean-up of a failed set-up. */
export async function closeTarget(
  conns: readonly { destroy(): void }[],
  server: { stop(): Promise<void> },
): Promise<void> {
  for (const c of conns) c.destroy();
  await server.stop();
}

/**
 * Takes a quiet socket away from its connection object (RawConn.detach) so that another process
 * can read it: paused, and none of the object's listeners left on it.
 */
export function releaseSocket(socket: Socket): Socket {
  socket.pause();
  for (const event of ['data', 'error', 'close']) socket.removeAllListeners(event);
  return socket;
}
