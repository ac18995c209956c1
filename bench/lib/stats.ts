/** Timing and summary statistics shared by the benchmarks. */

const ORIGIN = process.hrtime.bigint();

/**
 * process.hrtime.bigint() when this module loaded: nowNs() is relative to it. A receiver process
 * (lib/receiver-child.ts) adds the difference of two processes' origins to translate its nowNs()
 * into the parent's.
 */
export function originNs(): bigint {
  return ORIGIN;
}

/** Nanoseconds since this module loaded (process.hrtime, monotonic; exact as a double for ~100 days). */
export function nowNs(): number {
  return Number(process.hrtime.bigint() - ORIGIN);
}

export interface Window {
  label: string;
  /** Absolute CLOCK_MONOTONIC microseconds: the clock of --cpu-prof timestamps, in every process. */
  fromUs: number;
  toUs: number;
}

/** Measured phases, recorded so that bench/profile.ts can cut a server CPU profile to them. */
export const measuredWindows: Window[] = [];

/** Records that [fromNs, toNs] (nowNs() values) was a measured phase. */
export function markWindow(label: string, fromNs: number, toNs: number): void {
  const base = Number(ORIGIN / 1000n);
  measuredWindows.push({ label, fromUs: base + fromNs / 1e3, toUs: base + toNs / 1e3 });
}

/** Nearest-rank percentile (p in 0..100) of an ascending-sorted array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU seconds (user + system) used by this process since `since` (a process.cpuUsage() value). */
export function ownCpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}
