/**
 * Resident memory of another process from /proc/<pid>/status (Linux): one reading, and a sampler
 * that keeps the peak over a measured phase. VmRSS is what the kernel has actually mapped in for
 * the process (V8 heap, malloc'd memory such as socket handles and Buffers, code), so it is the
 * figure an operator sees in `top`; kernel socket buffers are not in it.
 */
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in bytes (NaN when /proc is missing or the process is gone). */
export function readRssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Reads VmRSS every `intervalMs` until stopped and keeps the highest value. A 20 ms interval costs
 * the load generator one small file read per tick (tens of µs) and catches a spike that lasts as
 * long as one flush of the server's tick batch.
 */
export class RssSampler {
  private readonly pid: number;
  private readonly timer: NodeJS.Timeout;
  private peakBytes: number;

  constructor(pid: number, intervalMs = 20) {
    this.pid = pid;
    this.peakBytes = readRssBytes(pid);
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    const rss = readRssBytes(this.pid);
    if (rss > this.peakBytes || Number.isNaN(this.peakBytes)) this.peakBytes = rss;
  }

  /** Stops sampling (after one last reading) and returns the peak in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakBytes;
  }
}

export const MiB = 1024 * 1024;
