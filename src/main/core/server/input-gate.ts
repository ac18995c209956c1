/**
 * Holds a socket's input for any of several reasons at once and resumes it when none is left.
 * While input is held the client's bytes wait in the kernel (TCP back-pressure), so the server's
 * clocks about the client's *input* (idle and frame timeouts) are stopped for that time: a client
 * is never timed out for bytes the server chose not to read.
 */
import type { Socket } from 'node:net';

/**
 * `output`: its out-queue is above the high-water mark (its replies are flow-controlled);
 * `budget`: it sent more bytes than its byte budget allows; `replies`: its replies used up its
 * reply byte budget; `error`: its input is unreadable and the frames decoded before the error are
 * still being handled.
 */
export type HoldReason = 'output' | 'budget' | 'replies' | 'error';

export class InputGate {
  private readonly reasons = new Set<HoldReason>();
  private heldSince = 0;
  private readonly socket: Socket;
  /** Called when the last reason is lifted, with how long input was held. */
  private readonly onResumed: (heldMs: number) => void;

  constructor(socket: Socket, onResumed: (heldMs: number) => void) {
    this.socket = socket;
    this.onResumed = onResumed;
  }

  get held(): boolean {
    return this.reasons.size > 0;
  }

  has(reason: HoldReason): boolean {
    return this.reasons.has(reason);
  }

  hold(reason: HoldReason, now: number): void {
    if (this.reasons.has(reason)) return;
    if (this.reasons.size === 0) {
      this.heldSince = now;
      this.socket.pause();
    }
    this.reasons.add(reason);
  }

  release(reason: HoldReason, now: number): void {
    if (!this.reasons.delete(reason) || this.reasons.size > 0) return;
    this.onResumed(Math.max(0, now - this.heldSince));
    // The owner may have held it again while resuming (a frame it handled filled the out-queue).
    if (this.reasons.size === 0 && !this.socket.destroyed) this.socket.resume();
  }
}
