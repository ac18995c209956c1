/**
 * Resident memory of another process (Linux): a sampler that keeps the peak over a measured phase.
 * RSS is what the kernel has actually mapped in for the process (V8 heap, malloc'd memory such as
 * socket handles and Buffers, code), the figure an operator sees in `top`; kernel socket buffers
 * are not in it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const MiB = 1024 * 1024;

let pageBytes: number | undefined;
/** The page size statm counts in (4 KiB on x86-64). */
function pageSize(): number {
  if (pageBytes === undefined) {
    try {
      pageBytes = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;
    } catch {
      pageBytes = 4096;
    }
  }
  return pageBytes;
}

/**
 * RSS of `pid` in bytes (NaN if the process is gone): resident pages from /proc/<pid>/statm, the
 * same counter as VmRSS in /proc/<pid>/status, formatted without the rest of status — a few µs,
 * cheap enough to read in the load generator's event loop every 20 ms.
 */
export function readRssBytes(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(fields[1]) * pageSize();
  } catch {
    return Number.NaN;
  }
}

/**
 * Reads the RSS every `intervalMs` until stopped and keeps the highest value. A 20 ms interval
 * catches a spike that lasts as long as one flush of the server's tick batch.
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
