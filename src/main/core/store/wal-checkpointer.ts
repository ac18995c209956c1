/**
 * WAL checkpoints off the event loop (issue 10). SQLite's own auto-checkpoint runs inside the
 * COMMIT that passes 1000 pages: it copies the WAL into the database and fsyncs it on the event
 * loop, and every delivery waits meanwhile (the paced benchmark's p99 fell from ~4.2 to ~3.0 ms
 * with it off). So the main connection sets `wal_autocheckpoint = 0` and this worker thread, with
 * its own connection to the same file, does the checkpoints:
 *
 * - every POLL_MS it asks `PRAGMA data_version` whether anything was committed since it last
 *   looked (any write of the main connection, not only message batches; nothing to do on the main
 *   thread), and if so runs `wal_checkpoint(PASSIVE)`, which copies what it can without ever
 *   waiting for, or blocking, the writer or readers. Once everything is copied, the main
 *   connection's next write starts the WAL over from its beginning, so the file stays small;
 * - when nothing was committed for `idleMs`, `wal_checkpoint(TRUNCATE)` cuts the file to 0 bytes
 *   (a PASSIVE one first, so the TRUNCATE, which holds the write lock, has nothing left to copy).
 *
 * A checkpoint that fails (disk full) is retried later; it loses nothing. If the thread cannot
 * start or dies, the owner falls back to checkpointing on its own connection (`onDeath`).
 *
 * Why an eval worker: the store runs from TypeScript source (Node 24, vitest) and bundled by
 * electron-vite into out/main/parley-server.js and out/main/hosted-server-worker.js (itself a
 * worker). A separate worker file would need its own bundle entry and a URL that resolves from
 * both the source tree and the bundle. The thread's body is instead one self-contained function
 * (builtins only, via process.getBuiltinModule; its constants come in workerData), passed to
 * `new Worker(…, { eval: true })` as its own source text, which is the same in every one of them.
 */
import { Worker } from 'node:worker_threads';

/** How often the thread looks for new commits (a passive checkpoint at most this often). */
export const CHECKPOINT_POLL_MS = 50;

/** WAL frames (pages) in use from which the thread hunts for a moment to let the WAL start over (1 MB). */
export const RESET_FRAMES = 250;

/**
 * WAL frames from which the owner's connection checkpoints once, right after a commit: the writer
 * did not pause long enough for the thread to catch up (see the top of this file). SQLite's own
 * interval, so the WAL is bounded as before (4 MB of 4 KB pages), at a fraction of the cost: the
 * thread has copied nearly all of it already.
 */
export const CATCH_UP_FRAMES = 1000;

/** How long stop() waits, at most, for a checkpoint that is running to finish. */
const STOP_WAIT_MS = 5000;

/** Slots of the Int32Array shared with the thread. */
const SLOT = {
  /** STATE below; written by both. */
  state: 0,
  /** Commits of the owner (it adds 1 after each; the thread reads). */
  commits: 1,
  /** 1 while the thread wants to be woken by every commit (Atomics.notify on `commits`). */
  wantWake: 2,
  /** 1 when the owner should checkpoint once after its next commit (it sets it back to 0). */
  catchUp: 3,
  checkpoints: 4,
  truncates: 5,
  failures: 6,
  /** Frames in the WAL at the thread's latest checkpoint. */
  walFrames: 7,
  /** Checkpoints the owner did itself (catch-ups). */
  ownerCheckpoints: 8,
  /** 1 once the thread has its connection: until then SQLite's own checkpoints stay on. */
  ready: 9,
} as const;
const SLOTS = 10;
/** Values of SLOT.state: a checkpoint of the thread may only begin by moving it from idle to busy. */
const STATE = { idle: 0, busy: 1, stopped: 2 } as const;

interface ThreadData {
  path: string;
  synchronous: 'NORMAL' | 'FULL';
  idleMs: number;
  pollMs: number;
  resetFrames: number;
  catchUpFrames: number;
  shared: SharedArrayBuffer;
  slot: typeof SLOT;
  state: typeof STATE;
}

/**
 * The thread's body. It runs from its source text in a fresh worker: no imports, no outer names.
 * It blocks in Atomics.wait between polls (it has no other work), which commits and stop() cut short.
 */
function checkpointerThread(): void {
  const { workerData } = process.getBuiltinModule('node:worker_threads');
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  const data = workerData as ThreadData;
  const { slot, state } = data;
  const shared = new Int32Array(data.shared);
  // Its own connection; the busy timeout only matters to TRUNCATE, which waits for the writer.
  const db = new DatabaseSync(data.path, { timeout: 1000 });
  // The checkpoint's fsyncs follow the main connection's setting (NORMAL syncs at checkpoints).
  db.exec(`PRAGMA synchronous = ${data.synchronous}`);
  const dataVersion = db.prepare('PRAGMA data_version');
  const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const truncate = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)');
  Atomics.store(shared, slot.ready, 1);
  let version = dataVersion.get()!['data_version'];
  let commits = Atomics.load(shared, slot.commits);
  let lastWrite = Date.now();
  /** Whether the WAL may hold anything since the last TRUNCATE (so at start: yes). */
  let untruncated = true;
  /** Checkpointing right after each commit, until one finishes before the next commit. */
  let hunting = false;
  while (Atomics.load(shared, slot.state) !== state.stopped) {
    if (hunting) Atomics.wait(shared, slot.commits, commits, data.pollMs);
    else Atomics.wait(shared, slot.state, state.idle, data.pollMs);
    const now = Date.now();
    const current = dataVersion.get()!['data_version'];
    const wrote = current !== version;
    version = current;
    commits = Atomics.load(shared, slot.commits);
    if (wrote) {
      lastWrite = now;
      untruncated = true;
    }
    const idle = !wrote && untruncated && now - lastWrite >= data.idleMs;
    // While the owner is asked to catch up, its checkpoint must not find the lock taken.
    if (Atomics.load(shared, slot.catchUp) === 1) continue;
    if (!wrote && !idle && !hunting) continue;
    if (Atomics.compareExchange(shared, slot.state, state.idle, state.busy) !== state.idle) break;
    try {
      const row = passive.get()!;
      const frames = Number(row['log']);
      // Everything copied and nothing committed meanwhile: the owner's next transaction starts
      // the WAL over from its beginning. Otherwise the WAL keeps growing: from RESET_FRAMES on,
      // checkpoint right after each commit (a few frames each, fast) until one is in time.
      const complete = frames === Number(row['checkpointed']) && Atomics.load(shared, slot.commits) === commits;
      Atomics.store(shared, slot.walFrames, frames);
      Atomics.add(shared, slot.checkpoints, 1);
      hunting = !complete && frames >= data.resetFrames;
      if (hunting && frames >= data.catchUpFrames) {
        // The writer does not pause: the owner copies the little this pass left after its next commit.
        hunting = false;
        Atomics.store(shared, slot.catchUp, 1);
      }
      Atomics.store(shared, slot.wantWake, hunting ? 1 : 0);
      if (idle) {
        const done = truncate.get()!;
        if (done['busy'] === 0) {
          Atomics.add(shared, slot.truncates, 1);
          Atomics.store(shared, slot.walFrames, 0);
          untruncated = false;
        } else lastWrite = now; // someone was writing after all: try again after the next quiet spell
      }
    } catch {
      // Disk full or an I/O error: nothing is lost (the WAL keeps every commit); try again later.
      Atomics.add(shared, slot.failures, 1);
      lastWrite = now;
    } finally {
      // Back to idle, unless stop() gave up waiting and marked it stopped meanwhile.
      Atomics.compareExchange(shared, slot.state, state.busy, state.idle);
      Atomics.notify(shared, slot.state);
    }
  }
  db.close();
}

export interface WalCheckpointerOptions {
  /** The database file (its WAL is `${path}-wal`). */
  path: string;
  synchronous: 'NORMAL' | 'FULL';
  /** Quiet time after the last commit before the WAL is truncated to 0 bytes. */
  idleMs: number;
  /** The thread failed to start or died before stop(): checkpointing is the owner's again. */
  onDeath: (error: unknown) => void;
}

/** What the thread did so far (for tests and diagnostics). */
export interface CheckpointerStats {
  checkpoints: number;
  truncates: number;
  failures: number;
  /** Frames in the WAL at its latest checkpoint. */
  walFrames: number;
  /** Catch-up checkpoints the owner did on its own connection (the writer never paused). */
  ownerCheckpoints: number;
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
      idleMs: options.idleMs,
      pollMs: CHECKPOINT_POLL_MS,
      resetFrames: RESET_FRAMES,
      catchUpFrames: CATCH_UP_FRAMES,
      shared: this.shared.buffer as SharedArrayBuffer,
      slot: SLOT,
      state: STATE,
    };
    this.worker = new Worker(`(${checkpointerThread.toString()})()`, {
      eval: true,
      workerData,
      name: 'parley-wal-checkpointer',
      // Nothing of the parent's stdin/out is needed; do not let it hold them open.
      stdout: false,
      stderr: false,
    });
    // A background helper: it must never keep the process alive.
    this.worker.unref();
    let reported = false;
    const died = (error: unknown) => {
      if (this.stopped || reported) return;
      reported = true;
      this.dead = true;
      options.onDeath(error);
    };
    this.worker.on('error', died);
    this.worker.on('exit', (code) => died(new Error(`the WAL checkpointer thread exited with code ${code}`)));
  }

  /** True once the thread has its connection: the owner may then turn SQLite's own checkpoints off. */
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
      truncates: Atomics.load(this.shared, SLOT.truncates),
      failures: Atomics.load(this.shared, SLOT.failures),
      walFrames: Atomics.load(this.shared, SLOT.walFrames),
      ownerCheckpoints: Atomics.load(this.shared, SLOT.ownerCheckpoints),
    };
  }

  /**
   * The owner committed: tells the thread (an add, and a wake-up only while it hunts). True when
   * the owner should checkpoint now (PASSIVE; then call caughtUp()): see CATCH_UP_FRAMES.
   */
  committed(): boolean {
    Atomics.add(this.shared, SLOT.commits, 1);
    if (Atomics.load(this.shared, SLOT.wantWake) === 1) Atomics.notify(this.shared, SLOT.commits);
    return Atomics.load(this.shared, SLOT.catchUp) === 1;
  }

  /** The owner's catch-up checkpoint is done: the thread checkpoints again. */
  caughtUp(): void {
    Atomics.add(this.shared, SLOT.ownerCheckpoints, 1);
    Atomics.store(this.shared, SLOT.catchUp, 0);
  }

  /**
   * Synchronously makes sure no checkpoint of the thread is running or will begin, and lets the
   * thread close its connection and end (without waiting for that). A checkpoint already running
   * is waited for (at most STOP_WAIT_MS): the owner's own TRUNCATE checkpoint, next, would
   * otherwise find the checkpoint lock taken and give up at once (SQLite does not wait for it).
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const deadline = Date.now() + STOP_WAIT_MS;
    for (;;) {
      const was = Atomics.compareExchange(this.shared, SLOT.state, STATE.idle, STATE.stopped);
      if (was !== STATE.busy) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        Atomics.store(this.shared, SLOT.state, STATE.stopped);
        break;
      }
      Atomics.wait(this.shared, SLOT.state, STATE.busy, left);
    }
    Atomics.notify(this.shared, SLOT.state);
    Atomics.notify(this.shared, SLOT.commits); // it may be waiting for a commit
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
