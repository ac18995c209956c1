/**
 * Delay before reconnect attempt `attempt` (0-based): doubling from `minMs`, capped at `maxMs`,
 * with "equal jitter" (between half and all of it) so that clients dropped together by a server
 * restart do not all come back in the same millisecond.
 */
export function backoffDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
