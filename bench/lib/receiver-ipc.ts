/**
 * The messages between the fan-out loop's process and its receiver processes
 * (lib/receiver-pool.ts ↔ lib/receiver-child.ts), over the fork IPC channel with the 'advanced'
 * serialization (structured clone: bigints and Float64Arrays pass as they are).
 */
import type { ReceiverSpec } from './recogniser.ts';

export type ToChild =
  /** First message: how to recognise message i, and the parent's hrtime origin (see stats.ts). */
  | { type: 'init'; spec: ReceiverSpec; parentOrigin: bigint }
  /** Comes with a socket handle: receiver number `receiver` of the target (global index). */
  | { type: 'socket'; receiver: number }
  /** Asks for process.hrtime.bigint(), to check that both processes read one clock. */
  | { type: 'clock' }
  /** Collect messages first … first + count - 1 on every receiver; answer 'ready', then 'done'. */
  | { type: 'phase'; first: number; count: number }
  | { type: 'stop' };

export type FromChild =
  | { type: 'socket-taken'; receiver: number }
  | { type: 'clock'; hrtime: bigint }
  | { type: 'ready' }
  /**
   * Every receiver has every message of the phase: arrival times in the parent's nowNs() clock,
   * receiver-major in the order the sockets were handed over; bytes read during the phase.
   */
  | { type: 'done'; arrivalNs: Float64Array; bytesRead: number }
  | { type: 'problem'; text: string };
