/**
 * WAL checkpoints off the event loop (issue 10, src/main/core/store/wal-checkpointer.ts), against
 * real SQLite files in temp folders: the thread copies the WAL into the database in the background
 * (so SQLite's own checkpoint in COMMIT finds nothing left), the WAL stays as bounded as before,
 * close() stops the thread and still truncates, and a dead thread is reported once and costs nothing.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DATABASE_FILE,
  HistoryStore,
  IDLE_CHECKPOINT_MS,
  WAL_HARD_LIMIT_PAGES,
  walFileBytes as walFileBytesOf,
} from '../src/main/core/store/history-store.ts';
import { CHECKPOINT_POLL_MS, WalCheckpointer } from '../src/main/core/store/wal-checkpointer.ts';
import type { ChatMessage } from '../src/shared/protocol/server-frames.ts';
import { cleanupAll, onCleanup, tempDir, waitFor } from './support/harness.ts';

afterEach(cleanupAll);

const MB = 1024 * 1024;

/** The store's own parts, for looking at what only it can see (its connection, its thread). */
interface StoreInsides {
  db: DatabaseSync;
  checkpointer: (Pick<WalCheckpointer, 'ready' | 'running' | 'exited' | 'holdWhile'> & { worker: Worker }) | undefined;
}
const insides = (store: HistoryStore) => store as unknown as StoreInsides;

function walFileBytes(dir: string): number {
  const wal = join(dir, `${DATABASE_FILE}-wal`);
  return existsSync(wal) ? statSync(wal).size : 0;
}

function autocheckpointPages(store: HistoryStore): number {
  return insides(store).db.prepare('PRAGMA wal_autocheckpoint').get()!['wal_autocheckpoint'] as number;
}

/** A store in a temp folder with a user and a room, and a writer of numbered messages. */
function openStore(onWarning?: (message: string, error: unknown) => void) {
  const dir = tempDir();
  const store = HistoryStore.open(dir, onWarning ? { onWarning } : {});
  onCleanup(() => store.close());
  const ada = store.createUser('Ada');
  const room = store.createRoom('Busy', 'busy', '', ada.id)!;
  let seq = 0;
  const write = (count: number) => {
    const batch: ChatMessage[] = [];
    for (let i = 0; i < count; i++) {
      seq++;
      batch.push({
        seq,
        ts: Date.now(),
        from: ada.id,
        fromName: 'Ada',
        text: `${seq} ${'w'.repeat(100)}`,
        msgId: `m${seq}`,
        room: room.id,
      });
    }
    expect(store.appendBatch(batch)).toEqual([]);
  };
  return { dir, store, room, write, written: () => seq };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the WAL checkpointer thread', () => {
  it('copies the WAL into the database in the background, long before the idle truncation', async () => {
    const { dir, store, write } = openStore();
    await waitFor(() => insides(store).checkpointer?.ready === true, 'the checkpointer thread', 10_000);
    const databaseBytes = () => statSync(join(dir, DATABASE_FILE)).size;
    const before = databaseBytes();
    // About 300 WAL pages: fewer than SQLite's own checkpoint waits for (1000).
    for (let i = 0; i < 100; i++) write(5);
    expect(databaseBytes()).toBe(before);
    // Well within IDLE_CHECKPOINT_MS: only the thread can have copied the pages into the file.
    // (The thread counts a checkpoint once it has returned, after the pages are in the file.)
    await waitFor(
      () => databaseBytes() > before + 64 * 1024 && store.checkpointerStats()!.checkpoints > 0,
      'the pages copied into the database by the thread',
      900,
    );
    expect(walFileBytes(dir)).toBeGreaterThan(0); // not truncated: that is the idle checkpoint's job
    expect(store.checkpointerStats()).toMatchObject({ failures: 0 });
  });

  it('under paced writes with no idle moment the WAL stays within its hard limit, with SQLite’s own checkpoint off', async () => {
    const { dir, store, write } = openStore();
    await waitFor(() => insides(store).checkpointer?.ready === true, 'the checkpointer thread', 10_000);
    let largest = 0;
    const end = Date.now() + 3000;
    // One commit every ~2 ms, as the paced benchmark's sender: never quiet for IDLE_CHECKPOINT_MS.
    while (Date.now() < end) {
      write(1);
      largest = Math.max(largest, walFileBytes(dir));
      await sleep(2);
    }
    expect(store.checkpointerStats()!.checkpoints).toBeGreaterThan(10);
    // No checkpoint (an fsync) inside the event loop's commits while the thread does them. A commit
    // every 2 ms races every checkpoint of the thread, so the WAL rarely finds itself fully copied
    // to start over: it grows to the hard limit, where the store checkpoints itself (boundWal).
    expect(autocheckpointPages(store)).toBe(0);
    expect(largest).toBeLessThanOrEqual(walFileBytesOf(WAL_HARD_LIMIT_PAGES + 32, 4096));
  });

  it('close() stops the thread, truncates the WAL on the main connection, and no thread outlives the store', async () => {
    const { dir, store, room, write, written } = openStore();
    const checkpointer = insides(store).checkpointer!;
    await waitFor(() => checkpointer.ready, 'the checkpointer thread', 10_000);
    // Close while the thread is likely checkpointing: lots of WAL, written just now.
    for (let i = 0; i < 200; i++) write(50);
    await sleep(CHECKPOINT_POLL_MS);
    expect(store.close()).toEqual({ checkpointed: true });
    expect(walFileBytes(dir)).toBe(0);
    await checkpointer.exited();
    expect(checkpointer.running).toBe(false);
    const again = HistoryStore.open(dir);
    onCleanup(() => again.close());
    expect(again.lastSeq(room.id)).toBe(written());
  });

  it('begins no checkpoint while the store checkpoints itself (holdWhile), and goes on after', async () => {
    const { store, write } = openStore();
    const checkpointer = insides(store).checkpointer!;
    await waitFor(() => checkpointer.ready, 'the checkpointer thread', 10_000);
    let before = -1;
    let during = -1;
    const held = checkpointer.holdWhile(() => {
      before = store.checkpointerStats()!.checkpoints;
      write(50);
      // Several polls of the thread, each of which sees the commit.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4 * CHECKPOINT_POLL_MS);
      during = store.checkpointerStats()!.checkpoints;
    });
    expect(held).toBe(true);
    expect(during).toBe(before);
    await waitFor(() => store.checkpointerStats()!.checkpoints > before, 'a checkpoint of the thread', 5000);
  });

  it('a thread that dies is reported once, and SQLite’s own checkpoint still bounds the WAL', async () => {
    const warnings: string[] = [];
    const { dir, store, room, write, written } = openStore((message) => warnings.push(message));
    const checkpointer = insides(store).checkpointer!;
    await waitFor(() => checkpointer.ready, 'the checkpointer thread', 10_000);
    await checkpointer.worker.terminate();
    await waitFor(() => warnings.length > 0, 'the warning', 5000);
    expect(warnings).toHaveLength(1);
    expect(store.checkpointerStats()).toBeUndefined();
    expect(autocheckpointPages(store)).toBe(1000); // SQLite's own checkpoint is back on
    let largest = 0;
    for (let i = 0; i < 400; i++) {
      write(20);
      largest = Math.max(largest, walFileBytes(dir));
    }
    expect(largest).toBeLessThanOrEqual(4.5 * MB);
    await waitFor(() => walFileBytes(dir) === 0, 'the idle truncation', IDLE_CHECKPOINT_MS + 5000);
    expect(warnings).toHaveLength(1);
    expect(store.close()).toEqual({ checkpointed: true });
    const again = HistoryStore.open(dir);
    onCleanup(() => again.close());
    expect(again.lastSeq(room.id)).toBe(written());
  });
});

describe('a checkpointer thread that cannot open its database', () => {
  it('does not make stop() wait, even before its death is reported', async () => {
    const deaths: unknown[] = [];
    const checkpointer = new WalCheckpointer({
      path: join(tempDir(), 'no-such-folder', DATABASE_FILE),
      synchronous: 'NORMAL',
      onDeath: (error) => deaths.push(error),
    });
    // Keep this thread busy while the checkpointer starts and fails: its death event cannot be
    // handled here before stop() runs, which is when stop() used to wait for it (5 s).
    const busyUntil = Date.now() + 1500;
    while (Date.now() < busyUntil) {
      /* spin */
    }
    expect(deaths).toHaveLength(0);
    const started = Date.now();
    checkpointer.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    await checkpointer.exited();
  });
});
