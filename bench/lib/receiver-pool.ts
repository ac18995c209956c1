/**
 * Spreads a fan-out target's receivers over K processes: this one and K - 1 children
 * (lib/receiver-child.ts), so that on a small machine the load generator's receive side is not
 * one process at 100 % of a core (which levels every server's deliveries/s to the generator's).
 *
 * The target sets up every receiver in this process (hello/join or NICK/JOIN, then the ping
 * round trip after which they are quiet); then receivers r with r mod K ≠ 0 are detached and
 * their sockets passed to child r mod K over the IPC channel (Node sends the file descriptor).
 * A phase (warm-up or measurement) runs in every child with the same checks as the local
 * receivers, and each child sends its arrival times back in this process's clock.
 *
 * K = 1 (the default) forks nothing: the loop reads every receiver itself, as it always did.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { FromChild, ToChild } from './receiver-ipc.ts';
import type { ReceiverSpec } from './recogniser.ts';
import { originNs } from './stats.ts';
import type { RawConn, Target } from './target.ts';

const CHILD = new URL('./receiver-child.ts', import.meta.url);
const SETUP_TIMEOUT_MS = 30_000;

/** --receiver-procs K or PARLEY_BENCH_RECEIVER_PROCS, else 1; throws on a value that is not a count. */
export function receiverProcsWanted(): number {
  const args = process.argv.slice(2);
  const at = args.indexOf('--receiver-procs');
  const raw = at >= 0 ? args[at + 1] : process.env['PARLEY_BENCH_RECEIVER_PROCS'];
  if (raw === undefined) return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--receiver-procs wants a whole number ≥ 1, not ${raw}`);
  return n;
}

interface Child {
  process: ChildProcess;
  /** Global receiver indices, in the order the child lays out its arrivals. */
  receivers: number[];
  /** Resolves on the next message of this type (one waiter per type at a time). */
  waiters: Map<FromChild['type'], (message: FromChild) => void>;
}

/** One phase in the children: `done` resolves when every child has every message. */
export interface RemotePhase {
  done: Promise<void>;
  /** Children finished so far, for progress messages. */
  readonly finished: number;
  /** Per child, once `done`: its receivers, their arrivals (receiver-major) and bytes read. */
  results: { receivers: number[]; arrivalNs: Float64Array; bytesRead: number }[];
}

export class ReceiverPool {
  /** The receivers this process reads, with their global indices. */
  readonly local: { conn: RawConn; receiver: number }[];
  private readonly children: Child[];
  /** Where problems reported by children go (the running loop's list). */
  private problems: string[] = [];
  private stopping = false;

  private constructor(local: { conn: RawConn; receiver: number }[], children: Child[]) {
    this.local = local;
    this.children = children;
  }

  /** The children's pids: their CPU is load-generator CPU (lib/cpu.ts). */
  get pids(): number[] {
    return this.children.map((c) => c.process.pid!);
  }

  get size(): number {
    return this.children.length + 1;
  }

  static async start(target: Target, procs: number): Promise<ReceiverPool> {
    const count = target.receivers.length;
    const k = Math.max(1, Math.min(procs, count));
    const local = target.receivers.map((conn, receiver) => ({ conn, receiver })).filter((x) => x.receiver % k === 0);
    const children: Child[] = [];
    const pool = new ReceiverPool(local, children);
    try {
      for (let c = 1; c < k; c++) children.push(pool.spawn(target.receiverSpec));
      for (const child of children) await pool.checkClock(child);
      for (let r = 0; r < count; r++) {
        if (r % k === 0) continue;
        const child = children[(r % k) - 1]!;
        const socket = target.receivers[r]!.detach();
        const taken = pool.next(child, 'socket-taken');
        child.process.send({ type: 'socket', receiver: r } satisfies ToChild, socket);
        await taken;
        child.receivers.push(r);
      }
    } catch (error) {
      await pool.stop();
      throw error;
    }
    return pool;
  }

  private spawn(spec: ReceiverSpec): Child {
    const child: Child = {
      // No inherited flags (e.g. --cpu-prof): the child is load, not what is measured.
      process: fork(CHILD, [], {
        serialization: 'advanced',
        execArgv: [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
      receivers: [],
      waiters: new Map(),
    };
    child.process.on('message', (message: FromChild) => {
      if (message.type === 'problem') {
        this.problems.push(message.text);
        return;
      }
      const waiter = child.waiters.get(message.type);
      child.waiters.delete(message.type);
      waiter?.(message);
    });
    child.process.on('exit', (code, signal) => {
      if (!this.stopping) this.problems.push(`receiver process exited (${signal ?? code})`);
    });
    child.process.send({ type: 'init', spec, parentOrigin: originNs() } satisfies ToChild);
    return child;
  }

  /**
   * The next message of `type` from `child`; rejects after `timeoutMs` (none: the loop's own
   * timeout and failure checks cover a phase).
   */
  private next<T extends FromChild['type']>(child: Child, type: T, timeoutMs: number | undefined = SETUP_TIMEOUT_MS) {
    return new Promise<Extract<FromChild, { type: T }>>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => reject(new Error(`receiver process: no ${type} in ${timeoutMs} ms`)), timeoutMs);
      child.waiters.set(type, (message) => {
        clearTimeout(timer);
        resolve(message as Extract<FromChild, { type: T }>);
      });
    });
  }

  /**
   * process.hrtime is CLOCK_MONOTONIC, one clock for every process on the machine, so a child's
   * arrival times can be compared with this process's send times. Checked, not assumed: the
   * child's reading must fall between ours before and after the round trip.
   */
  private async checkClock(child: Child): Promise<void> {
    const before = process.hrtime.bigint();
    const reply = this.next(child, 'clock');
    child.process.send({ type: 'clock' } satisfies ToChild);
    const { hrtime } = await reply;
    const after = process.hrtime.bigint();
    if (hrtime < before || hrtime > after) {
      throw new Error(`receiver process clock ${hrtime} outside [${before}, ${after}]: hrtime is not shared`);
    }
  }

  /**
   * Starts messages first … first + count - 1 in every child and resolves once each has its
   * handlers installed (only then may the sender write). Problems go to `problems`.
   */
  async phase(first: number, count: number, problems: string[]): Promise<RemotePhase> {
    this.problems = problems;
    const results: RemotePhase['results'] = [];
    let finished = 0;
    const dones = this.children.map((child) => {
      const done = this.next(child, 'done', undefined);
      return done.then((d) => {
        finished++;
        results.push({ receivers: child.receivers, arrivalNs: d.arrivalNs, bytesRead: d.bytesRead });
      });
    });
    await Promise.all(
      this.children.map((child) => {
        const ready = this.next(child, 'ready');
        child.process.send({ type: 'phase', first, count } satisfies ToChild);
        return ready;
      }),
    );
    return {
      done: Promise.all(dones).then(() => undefined),
      get finished() {
        return finished;
      },
      results,
    };
  }

  /** Asks every child to close its sockets and exit; waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            const p = child.process;
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const kill = setTimeout(() => p.kill('SIGKILL'), 5000);
            p.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            if (p.connected) p.send({ type: 'stop' } satisfies ToChild);
            else p.kill();
          }),
      ),
    );
  }
}
