/**
 * Fan-out: 200 clients in one room, one sender, 2000 messages of ~100 bytes of text.
 *
 * burst: all 2000 send frames are written at once (one pipelined write).
 * paced: one send every 2 ms (500 msg/s), each written when it is due.
 *
 * Deliveries/s = 200 × 2000 / (first send → last delivery). Latency = send time → arrival of the
 * TCP chunk carrying the message at each receiver, both read from process.hrtime in this process.
 * Receivers are raw sockets with the real FrameDecoder; a message is identified by its room seq
 * (the first field of the message, read at a fixed offset without JSON-parsing the frame). The
 * single sender's sends are processed in order, so seq = first seq + send index; the benchmark
 * checks that every send was acknowledged and every receiver got every seq exactly once.
 */
import { encodeFrame } from '../src/main/core/framing/frame-codec.ts';
import { BenchConn, mapLimit, messageText, waitUntil } from './lib/bench-conn.ts';
import { checked, cpuRows, fmt, info, type Benchmark, type ResultRow } from './lib/report.ts';
import { ServerProcess } from './lib/server-process.ts';
import { CpuMeter } from './lib/cpu.ts';
import { markWindow, nowNs, sleep, summarize } from './lib/stats.ts';

const RECEIVERS = 200;
const MESSAGES = 2000;
const TEXT_BYTES = 100;
const PACED_RATE = 500;
const RUN_TIMEOUT_MS = 120_000;

const TARGET_BURST_DELIVERIES = 1_000_000;
const TARGET_PACED_P99_MS = 13;

const MESSAGE_PREFIX = Buffer.from('{"type":"message","message":{"seq":');
const TYPE_MESSAGE = Buffer.from('{"type":"message"');
const TYPE_RESULT = Buffer.from('{"type":"result"');

function startsWith(payload: Buffer, prefix: Buffer): boolean {
  return payload.length > prefix.length && payload.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/** The room seq of a message event: digits at a fixed offset, or (other key order) a JSON parse. */
function messageSeq(payload: Buffer): number {
  if (startsWith(payload, MESSAGE_PREFIX)) {
    let seq = 0;
    for (let i = MESSAGE_PREFIX.length; i < payload.length; i++) {
      const c = payload[i]!;
      if (c < 48 || c > 57) break;
      seq = seq * 10 + (c - 48);
    }
    return seq;
  }
  if (!startsWith(payload, TYPE_MESSAGE)) return -1;
  return (JSON.parse(payload.toString('utf8')) as { message: { seq: number } }).message.seq;
}

interface Room {
  server: ServerProcess;
  sender: BenchConn;
  receivers: BenchConn[];
  roomId: string;
  firstSeq: number;
}

async function setUp(): Promise<Room> {
  const server = await ServerProcess.start();
  try {
    const sender = await BenchConn.hello(server.port, 'sender');
    const created = await sender.call({ type: 'room_create', name: 'fanout' });
    const roomId = (created['room'] as { id: string }).id;
    const joined = await sender.call({ type: 'room_join', room: roomId, limit: 1 });
    const firstSeq = (joined['room'] as { lastSeq: number }).lastSeq + 1;
    const receivers = await mapLimit(
      Array.from({ length: RECEIVERS }, (_, i) => i),
      50,
      async (i) => {
        const conn = await BenchConn.hello(server.port, `r${i}`);
        await conn.call({ type: 'room_join', room: roomId, limit: 1 });
        return conn;
      },
    );
    // A ping answered on every connection means every member_joined event queued before it
    // has been read: the receivers are quiet when the measurement starts.
    await mapLimit([sender, ...receivers], 50, (c) => c.call({ type: 'ping' }));
    return { server, sender, receivers, roomId, firstSeq };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function tearDown(room: Room): Promise<void> {
  room.sender.destroy();
  for (const r of room.receivers) r.destroy();
  await room.server.stop();
}

interface RunResult {
  seconds: number;
  deliveriesPerSecond: number;
  latencyMs: ReturnType<typeof summarize>;
  /** Per message: first → last arrival over the 200 receivers (server write loop + receiver loop). */
  spreadMs: ReturnType<typeof summarize>;
  cpu: ReturnType<CpuMeter['read']>;
}

/** Sends MESSAGES messages (all at once, or paced) and collects every arrival. */
async function measure(room: Room, mode: 'burst' | 'paced'): Promise<RunResult> {
  const { sender, receivers, roomId, firstSeq, server } = room;
  const total = RECEIVERS * MESSAGES;
  const frames = Array.from({ length: MESSAGES }, (_, i) =>
    encodeFrame({ type: 'send', id: i + 1, room: roomId, msgId: `${mode}-${i}`, text: messageText(i, TEXT_BYTES) }),
  );
  const sendNs = new Float64Array(MESSAGES);
  const arrivalNs = new Float64Array(total);
  let delivered = 0;
  let acks = 0;
  const problems: string[] = [];
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));
  const check = () => {
    if (delivered === total && acks === MESSAGES) finished();
  };

  receivers.forEach((conn, r) => {
    const base = r * MESSAGES;
    conn.rawHandler = (payload, t) => {
      const seq = messageSeq(payload);
      if (seq === -1) {
        // Not a message: only an error (e.g. slow_consumer) would matter here.
        if (payload.includes('"error"')) problems.push(`receiver ${r}: ${payload.toString('utf8', 0, 200)}`);
        return;
      }
      const index = seq - firstSeq;
      if (index < 0 || index >= MESSAGES) {
        problems.push(`receiver ${r}: unexpected seq ${seq}`);
        return;
      }
      if (arrivalNs[base + index] !== 0) problems.push(`receiver ${r}: seq ${index + firstSeq} twice`);
      arrivalNs[base + index] = t;
      delivered++;
      if (delivered === total) check();
    };
  });
  sender.rawHandler = (payload) => {
    if (startsWith(payload, TYPE_RESULT)) {
      acks++;
      if (acks === MESSAGES) check();
    } else problems.push(`sender: ${payload.toString('utf8', 0, 200)}`);
  };

  const meter = new CpuMeter(server.pid);
  const t0 = nowNs();
  let pacer: NodeJS.Timeout | undefined;
  if (mode === 'burst') {
    sendNs.fill(t0);
    sender.socket.write(Buffer.concat(frames));
  } else {
    const intervalNs = 1e9 / PACED_RATE;
    let next = 0;
    const tick = () => {
      const due = Math.min(MESSAGES, Math.floor((nowNs() - t0) / intervalNs) + 1);
      while (next < due) {
        sendNs[next] = nowNs();
        sender.socket.write(frames[next]!);
        next++;
      }
      if (next < MESSAGES) pacer = setTimeout(tick, 1);
    };
    tick();
  }

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${mode}: timed out with ${delivered}/${total} deliveries, ${acks}/${MESSAGES} acks`)),
      RUN_TIMEOUT_MS,
    );
  });
  // A crashed server or a wrong frame ends the run at once instead of at the timeout.
  let watch: NodeJS.Timeout | undefined;
  const crashed = new Promise<never>((_, reject) => {
    watch = setInterval(() => {
      if (server.running && problems.length === 0) return;
      reject(new Error(`${mode}: ${server.running ? problems.slice(0, 5).join('; ') : 'the server exited'}`));
    }, 50);
  });
  try {
    await Promise.race([done, timeout, crashed]);
  } finally {
    clearTimeout(timer);
    clearTimeout(pacer);
    clearInterval(watch);
  }
  const cpu = meter.read();
  for (const conn of [sender, ...receivers]) conn.rawHandler = undefined;

  let last = 0;
  const latencies = new Float64Array(total);
  const first = new Float64Array(MESSAGES).fill(Infinity);
  const lastOf = new Float64Array(MESSAGES);
  for (let r = 0; r < RECEIVERS; r++) {
    for (let i = 0; i < MESSAGES; i++) {
      const t = arrivalNs[r * MESSAGES + i]!;
      if (t > last) last = t;
      if (t < first[i]!) first[i] = t;
      if (t > lastOf[i]!) lastOf[i] = t;
      latencies[r * MESSAGES + i] = (t - sendNs[i]!) / 1e6;
    }
  }
  const spreads = lastOf.map((t, i) => (t - first[i]!) / 1e6);
  markWindow(mode, t0, last);
  const seconds = (last - t0) / 1e9;
  return {
    seconds,
    deliveriesPerSecond: total / seconds,
    latencyMs: summarize(latencies),
    spreadMs: summarize(spreads),
    cpu,
  };
}

async function runFanout(mode: 'burst' | 'paced'): Promise<ResultRow[]> {
  const room = await setUp();
  let result: RunResult;
  try {
    // Warm-up: a short paced run lets both processes' JITs compile the hot paths first.
    await warmUp(room);
    result = await measure(room, mode);
  } finally {
    await tearDown(room);
  }
  const rows: ResultRow[] = [];
  const { latencyMs: l } = result;
  if (mode === 'burst') {
    rows.push(
      checked(
        'burst',
        'deliveries/s (200 × 2000)',
        result.deliveriesPerSecond,
        fmt.perSecond,
        TARGET_BURST_DELIVERIES,
        true,
      ),
    );
  } else {
    rows.push(info('paced', 'deliveries/s (200 × 2000)', fmt.perSecond(result.deliveriesPerSecond)));
  }
  rows.push(info(mode, 'first send → last delivery', fmt.seconds(result.seconds)));
  rows.push(info(mode, 'latency p50', fmt.ms(l.p50)));
  if (mode === 'paced') rows.push(checked('paced', 'latency p99', l.p99, fmt.ms, TARGET_PACED_P99_MS, false));
  else rows.push(info(mode, 'latency p99', fmt.ms(l.p99)));
  rows.push(info(mode, 'latency max', fmt.ms(l.max)));
  if (mode === 'paced') {
    const spread = result.spreadMs;
    rows.push(info(mode, 'spread first → last receiver p50 / p99', `${fmt.ms(spread.p50)} / ${fmt.ms(spread.p99)}`));
  }
  rows.push(...cpuRows(mode, result.cpu, result.seconds));
  return rows;
}

/** 200 paced messages, not measured: JIT warm-up of the server and of the receivers. */
async function warmUp(room: Room): Promise<void> {
  const { sender, receivers, roomId } = room;
  let seen = 0;
  let acks = 0;
  for (const r of receivers) r.rawHandler = (p) => void (startsWith(p, TYPE_MESSAGE) && seen++);
  sender.rawHandler = (p) => void (startsWith(p, TYPE_RESULT) && acks++);
  for (let i = 0; i < 200; i++) {
    sender.send({
      type: 'send',
      id: 1_000_000 + i,
      room: roomId,
      msgId: `warm-${i}`,
      text: messageText(i, TEXT_BYTES),
    });
    await sleep(1);
  }
  await waitUntil(() => seen === 200 * RECEIVERS && acks === 200, 30_000, 'warm-up deliveries');
  for (const conn of [sender, ...receivers]) conn.rawHandler = undefined;
  room.firstSeq += 200;
}

export const burst: Benchmark = {
  name: 'burst',
  title: 'fan-out, 200 receivers, 2000 messages sent at once',
  run: () => runFanout('burst'),
};

export const paced: Benchmark = {
  name: 'paced',
  title: 'fan-out, 200 receivers, 2000 messages at 500 msg/s',
  run: () => runFanout('paced'),
};
