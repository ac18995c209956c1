/**
 * Durable writes.
 *
 * Through the server: 4 senders, each in its own room, keep a window of 256 sends in flight
 * (pipelined) until 25,000 each are acknowledged. An acknowledgement means the message was
 * committed to SQLite (the server answers a send only after its batch's COMMIT), so
 * acknowledgements/s = durable messages/s. Nobody else is in the rooms: this measures
 * validation + storage, not fan-out.
 *
 * Raw store, in this process: HistoryStore.appendBatch on a fresh database, batches of 100 (the
 * ceiling the server could reach), and batches of 1 (a commit per message, the idle-server case),
 * with synchronous = NORMAL (the server's default) and FULL (fsync per commit).
 */
import { encodeFrame } from '../src/main/core/framing/frame-codec.ts';
import type { ChatMessage } from '../src/shared/protocol/server-frames.ts';
import { HistoryStore } from '../src/main/core/store/history-store.ts';
import { BenchConn, messageText } from './lib/bench-conn.ts';
import { CpuMeter } from './lib/cpu.ts';
import { checked, cpuRows, fmt, info, type Benchmark, type ResultRow } from './lib/report.ts';
import { ServerProcess, makeTempDir, removeTempDir } from './lib/server-process.ts';
import { markWindow, nowNs } from './lib/stats.ts';

const SENDERS = 4;
const PER_SENDER = 25_000;
const WINDOW = 256;
const TEXT_BYTES = 100;
const TIMEOUT_MS = 120_000;
const TARGET_PER_SECOND = 20_000;

const TYPE_RESULT = Buffer.from('{"type":"result"');

async function throughServer(): Promise<ResultRow[]> {
  const server = await ServerProcess.start();
  const senders: BenchConn[] = [];
  try {
    const rooms: string[] = [];
    for (let s = 0; s < SENDERS; s++) {
      const conn = await BenchConn.hello(server.port, `writer${s}`);
      senders.push(conn);
      const created = await conn.call({ type: 'room_create', name: `durable-${s}` });
      const room = (created['room'] as { id: string }).id;
      await conn.call({ type: 'room_join', room, limit: 1 });
      rooms.push(room);
    }
    const meter = new CpuMeter(server.pid);
    const t0 = nowNs();
    let finishedSenders = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('durable: timed out')), TIMEOUT_MS);
      senders.forEach((conn, s) => {
        let sent = 0;
        let acked = 0;
        const frame = (i: number) =>
          encodeFrame({ type: 'send', id: i + 1, room: rooms[s], msgId: `d${i}`, text: messageText(i, TEXT_BYTES) });
        /** Tops the window up with one write. */
        const fill = () => {
          const batch: Buffer[] = [];
          while (sent < PER_SENDER && sent - acked < WINDOW) batch.push(frame(sent++));
          if (batch.length > 0) conn.socket.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
        };
        let refill = false;
        conn.rawHandler = (payload) => {
          if (
            payload.length > TYPE_RESULT.length &&
            payload.compare(TYPE_RESULT, 0, TYPE_RESULT.length, 0, TYPE_RESULT.length) === 0
          ) {
            acked++;
            if (acked === PER_SENDER) {
              if (++finishedSenders === SENDERS) {
                clearTimeout(timer);
                resolve();
              }
            } else if (!refill) {
              // Refill once per received chunk, after all its acks were counted.
              refill = true;
              queueMicrotask(() => {
                refill = false;
                fill();
              });
            }
          } else if (payload.includes('"error"')) {
            clearTimeout(timer);
            reject(new Error(`durable: ${payload.toString('utf8', 0, 200)}`));
          }
        };
        fill();
      });
    });
    const t1 = nowNs();
    markWindow('durable', t0, t1);
    const seconds = (t1 - t0) / 1e9;
    const cpu = meter.read();
    const total = SENDERS * PER_SENDER;
    return [
      checked(
        'durable',
        `server: acked sends/s (${SENDERS} rooms, window ${WINDOW})`,
        total / seconds,
        fmt.perSecond,
        TARGET_PER_SECOND,
        true,
      ),
      info('durable', 'server: messages stored', `${fmt.count(total)} in ${fmt.seconds(seconds)}`),
      ...cpuRows('durable', cpu, seconds),
      info('durable', 'server CPU per message', fmt.us((cpu.server / total) * 1e6)),
    ];
  } finally {
    for (const c of senders) c.destroy();
    await server.stop();
  }
}

/** messages/s through HistoryStore.appendBatch, in this process. */
function rawStore(batchSize: number, count: number, synchronous: 'normal' | 'full'): number {
  const dir = makeTempDir('parley-bench-store-');
  try {
    const store = HistoryStore.open(dir, { synchronous });
    try {
      const user = store.createUser('writer');
      const room = store.createRoom('raw', 'raw', '', user.id)!;
      const ts = Date.now();
      const batch: ChatMessage[] = new Array(batchSize);
      const t0 = nowNs();
      for (let start = 0; start < count; start += batchSize) {
        for (let j = 0; j < batchSize; j++) {
          const i = start + j;
          batch[j] = {
            room: room.id,
            seq: i + 1,
            ts,
            from: user.id,
            fromName: 'writer',
            text: messageText(i, TEXT_BYTES),
            msgId: `m${i}`,
          };
        }
        store.appendBatch(batch);
      }
      return count / ((nowNs() - t0) / 1e9);
    } finally {
      store.close();
    }
  } finally {
    removeTempDir(dir);
  }
}

async function run(): Promise<ResultRow[]> {
  const rows = await throughServer();
  rows.push(
    info('durable', 'raw store: appendBatch ×100, synchronous=normal', fmt.perSecond(rawStore(100, 200_000, 'normal'))),
    info('durable', 'raw store: appendBatch ×1, synchronous=normal', fmt.perSecond(rawStore(1, 20_000, 'normal'))),
    info('durable', 'raw store: appendBatch ×100, synchronous=full', fmt.perSecond(rawStore(100, 100_000, 'full'))),
    info('durable', 'raw store: appendBatch ×1, synchronous=full', fmt.perSecond(rawStore(1, 5_000, 'full'))),
  );
  return rows;
}

export const durable: Benchmark = {
  name: 'durable',
  title: 'durable writes/s: through the server (acks) and the raw store (appendBatch)',
  run,
};
