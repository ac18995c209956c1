/**
 * CPU accounting from /proc (Linux): a process's utime + stime, and the whole machine's busy and
 * steal time, so that a result taken on a shared machine says how much CPU others were using.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | undefined;
/** USER_HZ: the unit of /proc CPU times (100 on practically every Linux). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime of a process in seconds (NaN where /proc is missing). Resolution: 1 tick (10 ms). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: split after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return Number.NaN;
  }
}

export interface MachineCpu {
  /** CPU seconds spent running anything, summed over all cores. */
  busy: number;
  /** CPU seconds the hypervisor gave to other guests while this one wanted to run. */
  steal: number;
}

/** Totals since boot from the first line of /proc/stat. */
export function machineCpu(): MachineCpu {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = v[0]! + v[1]! + v[2]! + v[5]! + v[6]!;
    return { busy: busy / ticksPerSecond(), steal: (v[7] ?? 0) / ticksPerSecond() };
  } catch {
    return { busy: Number.NaN, steal: Number.NaN };
  }
}

/**
 * Measures one phase: the server's CPU, the load generator's CPU (this process and its receiver
 * processes, `loadPids`), and what the rest of the machine used (busy time not accounted to
 * either, plus steal).
 */
export class CpuMeter {
  private readonly serverPid: number;
  private readonly server0: number;
  private readonly own0: NodeJS.CpuUsage;
  private readonly loadPids: readonly number[];
  private readonly helpers0: number;
  private readonly machine0: MachineCpu;

  constructor(serverPid: number, loadPids: readonly number[] = []) {
    this.serverPid = serverPid;
    this.server0 = processCpuSeconds(serverPid);
    this.loadPids = loadPids;
    this.helpers0 = this.helpersCpu();
    this.own0 = process.cpuUsage();
    this.machine0 = machineCpu();
  }

  private helpersCpu(): number {
    return this.loadPids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  }

  read(): { server: number; load: number; others: number; steal: number } {
    const server = processCpuSeconds(this.serverPid) - this.server0;
    const used = process.cpuUsage(this.own0);
    const load = (used.user + used.system) / 1e6 + (this.helpersCpu() - this.helpers0);
    const machine = machineCpu();
    const others = Math.max(0, machine.busy - this.machine0.busy - server - load);
    return { server, load, others, steal: machine.steal - this.machine0.steal };
  }
}
