/**
 * How long a thread waited for a CPU, from /proc/<pid>/task/<tid>/schedstat (Linux: time on
 * the CPU, time runnable but waiting on a run queue, in ns). On a machine with more runnable
 * threads than cores, a latency figure is partly this wait: the transfer benchmark reports it
 * for the server's main thread and for the probe's own, so that "the server was busy" and "the
 * server was ready but not scheduled" can be told apart.
 */
import { readFileSync } from 'node:fs';

/** Seconds the thread `tid` of `pid` (its main thread by default) has waited runnable; NaN without /proc. */
export function runQueueWaitSeconds(pid: number, tid = pid): number {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(/\s+/);
    return Number(fields[1]) / 1e9;
  } catch {
    return Number.NaN;
  }
}
