/**
 * The fan-out load, the same against every target (lib/target.ts): one sender, N receivers,
 * 2000 messages of ~100 bytes of text.
 *
 * burst: all messages are written at once (one pipelined write).
 * paced: one message every 2 ms (500 msg/s), each written when it is due.
 *
 * Deliveries/s = N × 2000 / (first send → last delivery). Latency = send time → arrival of the
 * TCP chunk carrying the message at each receiver, both read from process.hrtime in this process.
 * Every receiver must get every message exactly once, and (where the target acknowledges) every
 * send must be acknowledged; the run is complete when both hold. Before the measurement, 200 paced
 * messages warm up both processes' JITs.
 *
 * With --receiver-procs K (lib/receiver-pool.ts) the receivers are read by K processes instead of
 * this one alone; the children run the same receive path and checks and send their arrival times
 * back, merged here into the same arrays, so the statistics below do not change. Their CPU counts
 * as load-generator CPU. K = 1, the default, is this process alone.
 */
import { CpuMeter } from './cpu.ts';
import { ReceiverPool, receiverProcsWanted } from './receiver-pool.ts';
import { markWindow, nowNs, sleep, summarize, type Summary } from './stats.ts';
import { NOT_A_MESSAGE, type RawConn, type Target } from './target.ts';

export const RECEIVERS = 200;
export const MESSAGES = 2000;
export const PACED_RATE = 500;
const WARMUP_MESSAGES = 200;
const RUN_TIMEOUT_MS = 120_000;
const WARMUP_TIMEOUT_MS = 30_000;

export type FanoutMode = 'burst' | 'paced';

export interface FanoutResult {
  seconds: number;
  deliveriesPerSecond: number;
  latencyMs: Summary;
  /** Per message: first → last arrival over the receivers (server write loop + receiver loop). */
  spreadMs: Summary;
  cpu: ReturnType<CpuMeter['read']>;
  /** Bytes a receiver read per delivery (framing included), and the sender wrote per message. */
  bytesPerDelivery: number;
  bytesPerSend: number;
}

/**
 * Resolves when `done` does; rejects on timeout, when the target's process exits, when a
 * connection closes, or when a problem was recorded (checked every 50 ms).
 */
async function raceFailures(
  label: string,
  target: Target,
  pool: ReceiverPool,
  done: Promise<void>,
  problems: string[],
  timeoutMs: number,
  progress: () => string,
): Promise<void> {
  // Receivers handed to a child are watched there (a close is reported as a problem).
  const conns: RawConn[] = [target.sender, ...pool.local.map((l) => l.conn)];
  let timer: NodeJS.Timeout | undefined;
  let watch: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: timed out with ${progress()}`)), timeoutMs);
    watch = setInterval(() => {
      if (!target.running) reject(new Error(`${label}: ${target.name} exited`));
      else if (problems.length > 0) reject(new Error(`${label}: ${problems.slice(0, 5).join('; ')}`));
      else if (conns.some((c) => c.closed)) reject(new Error(`${label}: ${target.name} closed a connection`));
    }, 50);
  });
  try {
    await Promise.race([done, failed]);
    // A duplicate counts towards the total too: a problem recorded just before the end still counts.
    if (problems.length > 0) throw new Error(`${label}: ${problems.slice(0, 5).join('; ')}`);
  } finally {
    clearTimeout(timer);
    clearInterval(watch);
  }
}

function clearHandlers(target: Target, pool: ReceiverPool): void {
  for (const conn of [target.sender, ...pool.local.map((l) => l.conn)]) conn.rawHandler = undefined;
}

/** Messages 0 … WARMUP_MESSAGES - 1, one per millisecond, not measured (but checked). */
async function warmUp(target: Target, pool: ReceiverPool): Promise<void> {
  const { sender } = target;
  const problems: string[] = [];
  let seen = 0;
  let acks = 0;
  const wanted = WARMUP_MESSAGES * pool.local.length;
  let finished: () => void = () => {};
  const localDone = new Promise<void>((resolve) => (finished = resolve));
  const check = () => {
    if (seen === wanted && (!target.acks || acks === WARMUP_MESSAGES)) finished();
  };
  const remote = await pool.phase(0, WARMUP_MESSAGES, problems);
  const done = Promise.all([localDone, remote.done]).then(() => undefined);
  for (const { conn: r } of pool.local) {
    r.rawHandler = (payload) => {
      const index = target.messageIndex(payload);
      if (index === NOT_A_MESSAGE) {
        const problem = target.problem(payload, 'receiver');
        if (problem) problems.push(`warm-up receiver: ${problem}`);
      } else if (index >= WARMUP_MESSAGES) problems.push(`warm-up receiver: unexpected message ${index}`);
      else if (++seen === wanted) check();
    };
  }
  sender.rawHandler = (payload) => {
    if (target.isAck(payload)) {
      if (++acks === WARMUP_MESSAGES) check();
    } else {
      const problem = target.problem(payload, 'sender');
      if (problem) problems.push(`warm-up sender: ${problem}`);
    }
  };
  const sending = (async () => {
    for (let i = 0; i < WARMUP_MESSAGES; i++) {
      sender.socket.write(target.encode(i));
      await sleep(1);
    }
  })();
  try {
    await raceFailures(
      `${target.name} warm-up`,
      target,
      pool,
      done,
      problems,
      WARMUP_TIMEOUT_MS,
      () => `${seen}/${wanted} local deliveries, ${remote.finished}/${pool.size - 1} receiver processes done`,
    );
    await sending;
  } finally {
    clearHandlers(target, pool);
  }
}

/**
 * Warm-up, then MESSAGES messages (all at once, or paced), every arrival collected and checked;
 * the receivers read by `receiverProcs` processes (lib/receiver-pool.ts).
 */
export async function runFanout(
  target: Target,
  mode: FanoutMode,
  messages = MESSAGES,
  receiverProcs = receiverProcsWanted(),
): Promise<FanoutResult> {
  const pool = await ReceiverPool.start(target, receiverProcs);
  try {
    await warmUp(target, pool);
    return await measure(target, pool, mode, messages);
  } finally {
    await pool.stop();
  }
}

async function measure(target: Target, pool: ReceiverPool, mode: FanoutMode, messages: number): Promise<FanoutResult> {
  const { sender, receivers } = target;
  const count = receivers.length;
  const total = count * messages;
  const base = WARMUP_MESSAGES;
  const frames = Array.from({ length: messages }, (_, i) => target.encode(base + i));
  const sendNs = new Float64Array(messages);
  const arrivalNs = new Float64Array(total);
  let delivered = 0;
  const localTotal = pool.local.length * messages;
  let acks = 0;
  const wantAcks = target.acks ? messages : 0;
  const problems: string[] = [];
  let finished: () => void = () => {};
  const localDone = new Promise<void>((resolve) => (finished = resolve));
  const check = () => {
    if (delivered === localTotal && acks === wantAcks) finished();
  };
  const remote = await pool.phase(base, messages, problems);
  const done = Promise.all([localDone, remote.done]).then(() => undefined);

  for (const { conn, receiver: r } of pool.local) {
    const offset = r * messages;
    conn.rawHandler = (payload, t) => {
      const index = target.messageIndex(payload);
      if (index === NOT_A_MESSAGE) {
        const problem = target.problem(payload, 'receiver');
        if (problem) problems.push(`receiver ${r}: ${problem}`);
        return;
      }
      const i = index - base;
      if (i < 0 || i >= messages) {
        problems.push(`receiver ${r}: unexpected message ${index}`);
        return;
      }
      if (arrivalNs[offset + i] !== 0) problems.push(`receiver ${r}: message ${index} twice`);
      arrivalNs[offset + i] = t;
      if (++delivered === localTotal) check();
    };
  }
  sender.rawHandler = (payload) => {
    if (target.isAck(payload)) {
      if (++acks === wantAcks) check();
      else if (acks > wantAcks) problems.push('sender: more acks than sends');
    } else {
      const problem = target.problem(payload, 'sender');
      if (problem) problems.push(`sender: ${problem}`);
    }
  };

  const localBytes = () => pool.local.reduce((sum, l) => sum + l.conn.socket.bytesRead, 0);
  const readBefore = localBytes();
  const meter = new CpuMeter(target.pid, pool.pids);
  const t0 = nowNs();
  let pacer: NodeJS.Timeout | undefined;
  if (mode === 'burst') {
    sendNs.fill(t0);
    sender.socket.write(Buffer.concat(frames));
  } else {
    const intervalNs = 1e9 / PACED_RATE;
    let next = 0;
    const tick = () => {
      const due = Math.min(messages, Math.floor((nowNs() - t0) / intervalNs) + 1);
      while (next < due) {
        sendNs[next] = nowNs();
        sender.socket.write(frames[next]!);
        next++;
      }
      if (next < messages) pacer = setTimeout(tick, 1);
    };
    tick();
  }
  try {
    await raceFailures(
      `${target.name} ${mode}`,
      target,
      pool,
      done,
      problems,
      RUN_TIMEOUT_MS,
      () =>
        `${delivered}/${localTotal} local deliveries, ${remote.finished}/${pool.size - 1} receiver processes done, ` +
        `${acks}/${wantAcks} acks`,
    );
  } finally {
    clearTimeout(pacer);
    clearHandlers(target, pool);
  }
  const cpu = meter.read();
  let bytesRead = localBytes() - readBefore;
  // The children's arrivals, into the same array (their times are already in this process's clock).
  for (const child of remote.results) {
    bytesRead += child.bytesRead;
    child.receivers.forEach((r, j) => {
      arrivalNs.set(child.arrivalNs.subarray(j * messages, (j + 1) * messages), r * messages);
    });
  }

  let last = 0;
  const latencies = new Float64Array(total);
  const first = new Float64Array(messages).fill(Infinity);
  const lastOf = new Float64Array(messages);
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < messages; i++) {
      const t = arrivalNs[r * messages + i]!;
      if (t > last) last = t;
      if (t < first[i]!) first[i] = t;
      if (t > lastOf[i]!) lastOf[i] = t;
      latencies[r * messages + i] = (t - sendNs[i]!) / 1e6;
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
    bytesPerDelivery: bytesRead / total,
    bytesPerSend: frames.reduce((sum, f) => sum + f.length, 0) / messages,
  };
}
