/**
 * Joining a room with 1,000,000 messages: room_join with limit 100 (the latest page).
 *
 * The database is filled in-process with HistoryStore.appendBatch (batches of 50,000) and cached
 * under <tmpdir>/parley-bench-cache/, keyed by the schema version and the fill parameters, so
 * reruns only copy it. Each run copies it into a temp data folder, starts the server on the copy
 * and times 50 room_join round trips (after 10 warm-up joins) from one client, leaving the room
 * after each. Timed: request written → complete reply frame received (not parsed).
 * For comparison, HistoryStore.latest(room, 100) is timed in-process on the same file.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFrame } from '../src/main/core/framing/frame-codec.ts';
import { DATABASE_FILE, HistoryStore } from '../src/main/core/store/history-store.ts';
import { SCHEMA_VERSION } from '../src/main/core/store/schema.ts';
import type { ChatMessage } from '../src/shared/protocol/server-frames.ts';
import { BenchConn, messageText } from './lib/bench-conn.ts';
import { checked, fmt, info, type Benchmark, type ResultRow } from './lib/report.ts';
import { ServerProcess, makeTempDir, removeTempDir } from './lib/server-process.ts';
import { markWindow, nowNs, summarize } from './lib/stats.ts';

const MESSAGES = 1_000_000;
const FILL_BATCH = 50_000;
const TEXT_BYTES = 100;
const PAGE = 100;
const WARMUP = 10;
const JOINS = 50;
const TARGET_P50_MS = 5;
/** Bump when the fill changes, so that an old cache is not reused. */
const FILL_VERSION = 1;

interface CacheInfo {
  roomId: string;
  messages: number;
}

/** The folder holding the filled parley.db and cache.json; filled now if missing or stale. */
function filledCache(): { dir: string; info: CacheInfo; seconds: number } {
  const dir = join(tmpdir(), 'parley-bench-cache', `join-${MESSAGES}-schema${SCHEMA_VERSION}-fill${FILL_VERSION}`);
  const infoPath = join(dir, 'cache.json');
  if (existsSync(infoPath) && existsSync(join(dir, DATABASE_FILE))) {
    try {
      const info = JSON.parse(readFileSync(infoPath, 'utf8')) as CacheInfo;
      if (info.messages === MESSAGES && typeof info.roomId === 'string') return { dir, info, seconds: 0 };
    } catch {
      // Regenerate below.
    }
  }
  const t0 = nowNs();
  // Fill a sibling folder and rename it into place, so an interrupted fill is never reused.
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    const store = HistoryStore.open(partial);
    let roomId: string;
    try {
      const user = store.createUser('filler');
      roomId = store.createRoom('big', 'big', 'a million messages', user.id)!.id;
      const start = Date.now() - MESSAGES;
      const batch: ChatMessage[] = new Array(FILL_BATCH);
      for (let first = 0; first < MESSAGES; first += FILL_BATCH) {
        for (let j = 0; j < FILL_BATCH; j++) {
          const i = first + j;
          batch[j] = {
            room: roomId,
            seq: i + 1,
            ts: start + i,
            from: user.id,
            fromName: 'filler',
            text: messageText(i, TEXT_BYTES),
            msgId: `fill-${i}`,
          };
        }
        store.appendBatch(batch);
      }
    } finally {
      store.close(); // checkpoints the WAL into parley.db
    }
    const info: CacheInfo = { roomId, messages: MESSAGES };
    writeFileSync(join(partial, 'cache.json'), JSON.stringify(info));
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
    return { dir, info, seconds: (nowNs() - t0) / 1e9 };
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

/** In-process HistoryStore.latest(room, 100): the storage share of a join. */
function storeLatestMs(dataDir: string, roomId: string): ReturnType<typeof summarize> {
  const store = HistoryStore.open(dataDir);
  try {
    const times: number[] = [];
    for (let i = 0; i < WARMUP + JOINS; i++) {
      const t0 = nowNs();
      const page = store.latest(roomId, PAGE);
      const t1 = nowNs();
      if (page.messages.length !== PAGE) throw new Error(`latest returned ${page.messages.length} messages`);
      if (i >= WARMUP) times.push((t1 - t0) / 1e6);
    }
    return summarize(times);
  } finally {
    store.close();
  }
}

async function run(): Promise<ResultRow[]> {
  const cache = filledCache();
  const dataDir = makeTempDir('parley-bench-join-');
  try {
    copyFileSync(join(cache.dir, DATABASE_FILE), join(dataDir, DATABASE_FILE));
    const server = await ServerProcess.start({ dataDir });
    const times: number[] = [];
    let timedFrom = 0;
    let lastReply = '';
    let replyBytes = 0;
    try {
      const conn = await BenchConn.hello(server.port, 'joiner');
      try {
        for (let i = 0; i < WARMUP + JOINS; i++) {
          const id = 1000 + i;
          const frame = encodeFrame({ type: 'room_join', id, room: cache.info.roomId, limit: PAGE });
          const reply = await new Promise<{ ns: number; payload: Buffer }>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('room_join timed out')), 30_000);
            conn.rawHandler = (payload, t) => {
              clearTimeout(timer);
              conn.rawHandler = undefined;
              // Copy: the payload may share memory with a socket chunk.
              resolve({ ns: t, payload: Buffer.from(payload) });
            };
            const t0 = nowNs();
            if (i === WARMUP) timedFrom = t0;
            conn.socket.write(frame);
            times[i] = -t0;
          });
          times[i]! += reply.ns;
          if (i === WARMUP + JOINS - 1) markWindow('join', timedFrom, reply.ns);
          replyBytes = reply.payload.length;
          lastReply = reply.payload.toString('utf8');
          await conn.call({ type: 'room_leave', room: cache.info.roomId });
        }
      } finally {
        conn.destroy();
      }
    } finally {
      await server.stop();
    }
    const reply = JSON.parse(lastReply) as { type: string; data?: { messages: ChatMessage[]; hasMore: boolean } };
    const messages = reply.data?.messages ?? [];
    if (
      reply.type !== 'result' ||
      messages.length !== PAGE ||
      messages.at(-1)?.seq !== MESSAGES ||
      !reply.data?.hasMore
    ) {
      throw new Error(`join: unexpected reply ${lastReply.slice(0, 300)}`);
    }
    const joins = summarize(times.slice(WARMUP).map((ns) => ns / 1e6));
    const store = storeLatestMs(dataDir, cache.info.roomId);
    return [
      checked('join', 'room_join, 1M messages, limit 100: p50', joins.p50, fmt.ms, TARGET_P50_MS, false),
      info('join', 'room_join p99', fmt.ms(joins.p99)),
      info('join', 'reply size', `${fmt.count(replyBytes)} bytes`),
      info('join', 'in-process store.latest(100): p50 / p99', `${fmt.ms(store.p50)} / ${fmt.ms(store.p99)}`),
      info('join', 'filling 1M messages', cache.seconds > 0 ? fmt.seconds(cache.seconds) : 'cached'),
    ];
  } finally {
    removeTempDir(dataDir);
  }
}

export const joinLarge: Benchmark = {
  name: 'join',
  title: 'room_join (last 100) in a 1,000,000-message room',
  run,
};
