/**
 * WAL checkpoints off the event loop (issue 10). SQLite's own auto-checkpoint runs inside the
 * COMMIT that takes the WAL past 1000 pages: it copies those pages into the database file and
 * fsyncs it, on the event loop, and every delivery waits meanwhile. This worker thread, with its
 * own connection to the same file, does that copying in the background instead: every POLL_MS it
 * asks `PRAGMA data_version` whether anything was committed since it last looked, and if so runs
 * `wal_checkpoint(PASSIVE)`, which copies what it can without waiting for or blocking the writer.
 *
 * While the thread runs, SQLite's own checkpoint is off (HistoryStore sets wal_autocheckpoint to
 * 0): inside a COMMIT it was an fsync on the event loop, tens of ms under disk load. A commit that
 * finds the WAL fully copied starts it over by itself; under steady load that rarely happens (a
 * passive checkpoint seldom finishes between two commits), so the owner keeps a hard limit
 * (HistoryStore.boundWal, WAL_HARD_LIMIT_PAGES): past it, it takes the checkpoint turn from the
 * thread (holdWhile: waits for a running checkpoint of the thread, keeps the next from starting)
 * and checkpoints itself, and the next commit starts the WAL over. A thread that cannot start or
 * dies costs only the latency it saved: the owner is told, logs it and turns SQLite's own
 * checkpoint back on. The idle truncation to 0 bytes stays with the owner (HistoryStore.wrote).
 *
 * Measured (paced benchmark, 3 alternating pairs, docs/BENCHMARKS.md, issue 10): latency p99
 * 4.8 / 5.3 / 5.2 ms without the thread, 3.8 / 3.2 / 3.8 ms with it. A design that also turned
 * SQLite's own checkpoint off, and hunted for moments to restart the WAL from the thread, let the
 * WAL grow to 4.6–10.7 MB in the same test and was not kept.
 *
 * Why an eval worker: the store runs from TypeScript source (Node 24, vitest) and bundled by
 * electron-vite into out/main/parley-server.js and out/main/hosted-server-worker.js (itself a
 * worker). A separate worker file would need its own bundle entry and a URL that resolves from
 * both the source tree and the bundle. The thread's body is instead one self-contained function
 * (builtins only, via process.getBuiltinModule; its constants come in workerData), passed to
 * `new Worker(…, { eval: true })` as its own source text, which is the same in all of them.
 */
import { Worker } from 'node:worker_threads';

/** How often the thread looks for new commits (so at most one checkpoint per this many ms). */
export const CHECKPOINT_POLL_MS = 50;

/** How long stop() waits, at most, for the thread to finish a checkpoint and close its connection. */
const STOP_WAIT_MS = 5000;

/** Slots of the Int32Array shared with the thread. */
const SLOT = { state: 0, checkpoints: 1, failures: 2, ready: 3 } as const;
const SLOTS = 4;
/**
 * Values of SLOT.state, moved only by compare-and-exchange. The thread opens its connection only
 * after moving `starting` to `idle`, and reads or checkpoints only after moving `idle` to `busy`;
 * stop() moves `starting` straight to `closed` (the thread then never opens its connection) or
 * `idle` to `stopping`, and then waits for the thread to close its connection (`closed`).
 * holdWhile() moves `idle` to `held` while the owner checkpoints itself, and back: the thread
 * begins no checkpoint meanwhile and looks again at its next poll.
 */
const STATE = { starting: 0, idle: 1, busy: 2, stopping: 3, closed: 4, held: 5 } as const;

interface ThreadData {
  path: string;
  synchronous: 'NORMAL' | 'FULL';
  pollMs: number;
  shared: SharedArrayBuffer;
  slot: typeof SLOT;
  state: typeof STATE;
}

/**
 * The thread's body. It runs from its source text in a fresh worker: no imports, no outer names.
 * Between polls it sleeps in Atomics.wait (it has no other work), which stop() cuts short.
 */
function checkpointerThread(): void {
  const { workerData } = process.getBuiltinModule('node:worker_threads');
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  const data = workerData as ThreadData;
  const { slot, state } = data;
  const shared = new Int32Array(data.shared);
  if (Atomics.compareExchange(shared, slot.state, state.starting, state.idle) !== state.starting) return;
  let db: InstanceType<typeof DatabaseSync> | undefined;
  try {
    // A PASSIVE checkpoint never waits for a lock, so no busy timeout is needed.
    db = new DatabaseSync(data.path, { timeout: 0 });
    // The checkpoint's fsyncs follow the owner's setting (NORMAL syncs at checkpoints only).
    db.exec(`PRAGMA synchronous = ${data.synchronous}`);
    const dataVersion = db.prepare('PRAGMA data_version');
    const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    let version = dataVersion.get()!['data_version'];
    Atomics.store(shared, slot.ready, 1);
    for (;;) {
      const now = Atomics.load(shared, slot.state);
      if (now === state.stopping) break;
      // idle or held: sleep until the next poll (or until stop() or the owner's release).
      Atomics.wait(shared, slot.state, now, data.pollMs);
      // Looks and checkpoints only while `busy`, so that holdWhile(), waiting for `idle`, also
      // waits for a look: then no snapshot of this connection can keep the owner's next commit
      // from starting the WAL over (a read that begins once the WAL is fully copied uses none).
      const was = Atomics.compareExchange(shared, slot.state, state.idle, state.busy);
      if (was === state.held) continue; // the owner is checkpointing: look again at the next poll
      if (was !== state.idle) break;
      try {
        let current: unknown;
        try {
          current = dataVersion.get()!['data_version'];
        } catch {
          // An I/O error reading the header: look again at the next poll rather than die.
          Atomics.add(shared, slot.failures, 1);
          continue;
        }
        if (current === version) continue;
        version = current as typeof version;
        try {
          passive.get();
          Atomics.add(shared, slot.checkpoints, 1);
        } catch {
          // Disk full or an I/O error: nothing is lost (the WAL keeps every commit); tried again at
          // the next commit.
          Atomics.add(shared, slot.failures, 1);
        }
      } finally {
        Atomics.compareExchange(shared, slot.state, state.busy, state.idle);
        Atomics.notify(shared, slot.state);
      }
    }
  } finally {
    // Closed before the owner closes its own connection: the owner's is then the last one, and
    // SQLite's close-time cleanup of the -wal and -shm files happens there, not later in this
    // thread. Also when the thread fails (it cannot open the file, say): `closed` tells a stop()
    // already waiting that there is nothing to wait for, before the owner even hears of the death.
    try {
      db?.close();
    } catch {
      // nothing more can be done for this connection
    }
    Atomics.store(shared, slot.state, state.closed);
    Atomics.notify(shared, slot.state);
  }
}

export interface WalCheckpointerOptions {
  /** The database file (its WAL is `${path}-wal`). */
  path: string;
  synchronous: 'NORMAL' | 'FULL';
  /** The thread failed to start or died before stop(): SQLite's own checkpoint does all the work. */
  onDeath: (error: unknown) => void;
}

/** What the thread did so far (for tests and diagnostics). */
export interface CheckpointerStats {
  checkpoints: number;
  failures: number;
}

/** One worker thread checkpointing one database's WAL; see the top of this file. */
export class WalCheckpointer {
  private readonly shared = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;
  private stopped = false;
  private dead = false;

  /** Starts the thread (throws if it cannot be created; it opens its connection asynchronously). */
  constructor(options: WalCheckpointerOptions) {
    const workerData: ThreadData = {
      path: options.path,
      synchronous: options.synchronous,
      pollMs: CHECKPOINT_POLL_MS,
      shared: this.shared.buffer as SharedArrayBuffer,
      slot: SLOT,
      state: STATE,
    };
    this.worker = new Worker(`(${checkpointerThread.toString()})()`, {
      eval: true,
      workerData,
      name: 'parley-wal-checkpointer',
      // Nothing of the parent's stdout/stderr is needed; do not let it hold them open.
      stdout: false,
      stderr: false,
    });
    // A background helper: it must never keep the process alive.
    this.worker.unref();
    const died = (error: unknown) => {
      if (this.stopped || this.dead) return;
      this.dead = true;
      options.onDeath(error);
    };
    this.worker.on('error', died);
    this.worker.on('exit', (code) => died(new Error(`the WAL checkpointer thread exited with code ${code}`)));
  }

  /** True once the thread has its connection. */
  get ready(): boolean {
    return Atomics.load(this.shared, SLOT.ready) === 1;
  }

  /** False once the thread died (or was stopped). */
  get running(): boolean {
    return !this.stopped && !this.dead;
  }

  stats(): CheckpointerStats {
    return {
      checkpoints: Atomics.load(this.shared, SLOT.checkpoints),
      failures: Atomics.load(this.shared, SLOT.failures),
    };
  }

  /**
   * Synchronously ends the thread's work: no checkpoint of it runs or will begin, and its
   * connection is closed, before this returns (waiting at most STOP_WAIT_MS). The owner's own
   * TRUNCATE checkpoint, next, would otherwise find the checkpoint lock taken and give up at once
   * (SQLite does not wait for it), and the thread's late close would remove the -wal and -shm files
   * under whoever deletes the folder next. The thread itself ends afterwards, not waited for.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.dead) return;
    const deadline = Date.now() + STOP_WAIT_MS;
    for (;;) {
      const now = Atomics.load(this.shared, SLOT.state);
      if (now === STATE.closed) return;
      let next: number = now;
      if (now === STATE.starting)
        next = STATE.closed; // it has not opened its connection: it never will
      else if (now === STATE.idle) next = STATE.stopping;
      if (next !== now && Atomics.compareExchange(this.shared, SLOT.state, now, next) === now) {
        Atomics.notify(this.shared, SLOT.state);
        if (next === STATE.closed) return;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) return; // a checkpoint stuck on the disk: the owner goes on without it
      // busy (a look or a checkpoint runs) or stopping (it is closing): wait for the state to move on.
      Atomics.wait(this.shared, SLOT.state, now, left);
    }
  }

  /**
   * Runs `checkpoint` (the owner's own, on its connection) while no checkpoint of the thread runs:
   * waits, at most STOP_WAIT_MS, for one that is running, and keeps the thread from beginning one
   * until `checkpoint` returns. False if a checkpoint of the thread was still running at the
   * deadline (stuck on the disk): `checkpoint` did not run. A thread that is starting (no
   * connection yet), stopped or dead holds no checkpoint lock: `checkpoint` just runs.
   */
  holdWhile(checkpoint: () => void): boolean {
    const deadline = Date.now() + STOP_WAIT_MS;
    for (;;) {
      if (!this.running) {
        checkpoint();
        return true;
      }
      const now = Atomics.load(this.shared, SLOT.state);
      if (now === STATE.busy) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        Atomics.wait(this.shared, SLOT.state, STATE.busy, left);
        continue;
      }
      if (now !== STATE.idle) {
        checkpoint();
        return true;
      }
      if (Atomics.compareExchange(this.shared, SLOT.state, STATE.idle, STATE.held) !== STATE.idle) continue;
      try {
        checkpoint();
        return true;
      } finally {
        Atomics.compareExchange(this.shared, SLOT.state, STATE.held, STATE.idle);
        Atomics.notify(this.shared, SLOT.state);
      }
    }
  }

  /** Resolves once the thread has ended (for tests: no thread outlives its store). */
  async exited(): Promise<void> {
    if (this.worker.threadId === -1) return;
    await new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      if (this.worker.threadId === -1) resolve();
    });
  }
}
