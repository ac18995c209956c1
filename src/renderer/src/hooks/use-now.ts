/**
 * The current time for countdowns and "5 min ago", from shared clocks: every component asking for
 * the same interval reads the same sample of Date.now(), taken by one timer. Two countdowns on
 * screen (the sidebar's and the banner's) therefore always show the same number, where a timer
 * per component would let them drift up to an interval apart.
 */
import { useCallback, useSyncExternalStore } from 'react';

/** How often countdowns re-read the clock: often enough that a whole second never shows late. */
export const COUNTDOWN_INTERVAL_MS = 250;

interface Clock {
  now: number;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setInterval> | undefined;
}

const clocks = new Map<number, Clock>();

function clockFor(intervalMs: number): Clock {
  let clock = clocks.get(intervalMs);
  if (!clock) clocks.set(intervalMs, (clock = { now: Date.now(), listeners: new Set(), timer: undefined }));
  return clock;
}

function tick(clock: Clock): void {
  clock.now = Date.now();
  for (const listener of [...clock.listeners]) listener();
}

function subscribe(clock: Clock, intervalMs: number, listener: () => void): () => void {
  clock.listeners.add(listener);
  if (clock.timer === undefined) {
    // The first subscriber starts the timer, from a fresh sample (the clock may have been idle).
    clock.timer = setInterval(() => tick(clock), intervalMs);
    tick(clock);
  }
  return () => {
    clock.listeners.delete(listener);
    if (clock.listeners.size > 0) return;
    clearInterval(clock.timer);
    clock.timer = undefined;
  };
}

/** The clock's sample; refreshed on read while no timer runs, so a first render is not stale. */
function sample(clock: Clock, intervalMs: number): number {
  // abs(): a test may have moved Date.now() backwards (fake timers, then real ones again).
  if (clock.timer === undefined && Math.abs(Date.now() - clock.now) >= intervalMs) clock.now = Date.now();
  return clock.now;
}

const noSubscription = () => () => {};

/**
 * Something computed from the current time (seconds left, a status line), recomputed on every
 * tick of the shared `intervalMs` clock while `active`. The component re-renders only when the
 * result changes (compared with Object.is: return strings or numbers, not fresh objects).
 */
export function useClock<T>(derive: (now: number) => T, intervalMs: number, active = true): T {
  const clock = clockFor(intervalMs);
  const subscribeToClock = useCallback(
    (listener: () => void) => subscribe(clock, intervalMs, listener),
    [clock, intervalMs],
  );
  return useSyncExternalStore(active ? subscribeToClock : noSubscription, () => derive(sample(clock, intervalMs)));
}

const identity = (now: number): number => now;

/** The current time, re-read every `intervalMs` while `active` (for "5 min ago" and the like). */
export function useNow(intervalMs: number, active = true): number {
  return useClock(identity, intervalMs, active);
}
