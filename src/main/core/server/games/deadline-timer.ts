/**
 * One timer for all the games of a server: armed at the earliest deadline of any open game
 * (an invitation's expiry, a first-move limit, an away player's running clock). Deadlines are
 * data in each game (src/shared/games/game-machine.ts), so there is nothing to keep per game: on
 * every change the server asks for the earliest one again, and when the timer fires it settles
 * every game that is due and re-arms. A restart re-arms it from the stored games.
 */

/** setTimeout's largest delay (about 24.8 days); a later deadline is looked at again then. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;
  private armedAt: number | null = null;
  private stopped = false;
  private readonly fire: () => void;

  constructor(fire: () => void) {
    this.fire = fire;
  }

  /** Arms the timer for `at` (ms since the epoch; null: nothing to wait for), replacing any earlier arming. */
  arm(at: number | null, now = Date.now()): void {
    if (this.stopped || at === this.armedAt) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = at;
    if (at === null) return;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, at - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armedAt = null;
      this.fire();
    }, delay);
    // The server's listener keeps the process alive; a game deadline alone should not.
    this.timer.unref();
  }

  /** For good: the server is closing. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
