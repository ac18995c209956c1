/**
 * WAL checkpoints off the event loop (issue 10, src/main/core/store/wal-checkpointer.ts), against
 * real SQLite files in temp folders: the main connection never checkpoints during load (SQLite's
 * own checkpoint is off), yet the WAL stays bounded, an idle moment truncates it, close() stops the
 * thread and still checkpoints, and a dead thread hands checkpointing back to the main connection.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, HistoryStore, IDLE_CHECKPOINT_MS } from '../src/main/core/store/history-store.ts';
import type { WalCheckpointer } from '../src/main/core/store/wal-checkpointer.ts';
import type { ChatMessage } from '../src/shared/protocol/server-frames.ts';
import { cleanupAll, onCleanup, tempDir, waitFor } from './support/harness.ts';

afterEach(cleanupAll);

const MB = 1024 * 1024;

/** The store's own parts, for looking at what only it can see (its connection, its thread). */
interface StoreInsides {
  db: DatabaseSync;
  checkpointer: (Pick<WalCheckpointer, 'ready' | 'running' | 'exited'> & { worker: Worker }) | undefined;
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
  it('under paced writes with no idle moment the WAL stays bounded, and only the thread checkpoints', async () => {
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
    const stats = store.checkpointerStats()!;
    // Every commit writes several pages (the row, two index leaves, the room): over 3 s far more
    // than the bound below, so the WAL must have started over, which needs a complete checkpoint.
    expect(stats.checkpoints).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(12 * MB);
    // Not by the main connection: SQLite's own checkpoint is off and no catch-up was needed.
    expect(autocheckpointPages(store)).toBe(0);
    expect(stats.ownerCheckpoints).toBe(0);
    expect(stats.truncates).toBe(0);
  });

  it('under writes that never pause the WAL stays bounded (the main connection catches up now and then)', async () => {
    const { dir, store, write } = openStore();
    await waitFor(() => insides(store).checkpointer?.ready === true, 'the checkpointer thread', 10_000);
    let largest = 0;
    const end = Date.now() + 3000;
    while (Date.now() < end) {
      for (let i = 0; i < 20; i++) write(20);
      largest = Math.max(largest, walFileBytes(dir));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Far beyond what any server sustains; the bound is tens of MB, not the GBs of no checkpoints.
    expect(largest).toBeLessThanOrEqual(96 * MB);
    expect(autocheckpointPages(store)).toBe(0);
  });

  it('truncates the WAL to 0 bytes after an idle moment, with no timer on the event loop', async () => {
    const { dir, store, write } = openStore();
    for (let i = 0; i < 50; i++) write(10);
    expect(walFileBytes(dir)).toBeGreaterThan(0);
    expect((store as unknown as { idleCheckpoint: unknown }).idleCheckpoint).toBeUndefined();
    await waitFor(
      () => walFileBytes(dir) === 0 && store.checkpointerStats()!.truncates >= 1,
      'the idle truncation',
      IDLE_CHECKPOINT_MS + 5000,
    );
  });

  it('close() stops the thread, checkpoints on the main connection, and no thread outlives the store', async () => {
    const { dir, store, room, write, written } = openStore();
    const checkpointer = insides(store).checkpointer!;
    await waitFor(() => checkpointer.ready, 'the checkpointer thread', 10_000);
    // Close while the thread is likely checkpointing: lots of WAL, written just now.
    for (let i = 0; i < 200; i++) write(50);
    expect(store.close()).toEqual({ checkpointed: true });
    expect(walFileBytes(dir)).toBe(0);
    await checkpointer.exited();
    expect(checkpointer.running).toBe(false);
    const again = HistoryStore.open(dir);
    onCleanup(() => again.close());
    expect(again.lastSeq(room.id)).toBe(written());
  });

  it('a thread that dies hands checkpointing back to the main connection, said once, and nothing is lost', async () => {
    const warnings: string[] = [];
    const { dir, store, room, write, written } = openStore((message) => warnings.push(message));
    const checkpointer = insides(store).checkpointer!;
    await waitFor(() => checkpointer.ready, 'the checkpointer thread', 10_000);
    write(10);
    await waitFor(() => autocheckpointPages(store) === 0, 'SQLite’s own checkpoint off', 5000);
    await checkpointer.worker.terminate();
    await waitFor(() => warnings.length > 0, 'the warning', 5000);
    expect(warnings).toHaveLength(1);
    expect(store.checkpointerStats()).toBeUndefined();
    expect(autocheckpointPages(store)).toBe(1000);
    // SQLite's own checkpoint bounds the WAL again, and the idle timer truncates it.
    let largest = 0;
    for (let i = 0; i < 400; i++) {
      write(20);
      largest = Math.max(largest, walFileBytes(dir));
    }
    expect(largest).toBeLessThanOrEqual(4.5 * MB);
    await waitFor(() => walFileBytes(dir) === 0, 'the idle truncation on the event loop', IDLE_CHECKPOINT_MS + 5000);
    expect(warnings).toHaveLength(1);
    expect(store.close()).toEqual({ checkpointed: true });
    const again = HistoryStore.open(dir);
    onCleanup(() => again.close());
    expect(again.lastSeq(room.id)).toBe(written());
  });
});
