/**
 * One-hop idle latency: two clients in a room; A sends, B receives; the next message is sent only
 * after B got the previous one and A got its acknowledgement, so the server is idle each time.
 * Latency = A's write → arrival of the message at B, both from process.hrtime in this process.
 *
 * The same loop is run against bench/lib/relay.ts, a bare Node process with the server's event-loop
 * shape but no JSON, validation or SQLite: the floor that Node and this machine's loopback allow.
 */
import { encodeFrame } from '../src/main/core/framing/frame-codec.ts';
import { BenchConn, messageText } from './lib/bench-conn.ts';
import { CpuMeter } from './lib/cpu.ts';
import { checked, fmt, info, type Benchmark, type ResultRow } from './lib/report.ts';
import { ServerProcess, startRelay } from './lib/server-process.ts';
import { markWindow, nowNs, summarize, type Summary } from './lib/stats.ts';

const WARMUP = 300;
const SAMPLES = 2000;
const TEXT_BYTES = 100;
const TIMEOUT_MS = 60_000;
const TARGET_P50_US = 100;

const TYPE_MESSAGE = Buffer.from('{"type":"message"');
const TYPE_RESULT = Buffer.from('{"type":"result"');

function startsWith(payload: Buffer, prefix: Buffer): boolean {
  return payload.length > prefix.length && payload.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

interface HopResult {
  latencyUs: Summary;
  /** CPU seconds of the process in the middle during the measured samples. */
  middleCpu: number;
}

/**
 * Sends frames[i] from A one at a time; a frame at B for which `isDelivery` holds is the
 * delivery, a result frame at A the acknowledgement.
 */
function hop(
  label: string,
  a: BenchConn,
  b: BenchConn,
  frames: Buffer[],
  isDelivery: (p: Buffer) => boolean,
  pid: number,
): Promise<HopResult> {
  const latencyUs = new Float64Array(SAMPLES);
  return new Promise((resolve, reject) => {
    let index = 0;
    let sentAt = 0;
    let delivered = false;
    let acked = false;
    let meter: CpuMeter | undefined;
    let measuredFrom = 0;
    const timer = setTimeout(() => reject(new Error(`${label}: timed out after ${index} messages`)), TIMEOUT_MS);
    const sendNext = () => {
      if (index === WARMUP) {
        meter = new CpuMeter(pid);
        measuredFrom = nowNs();
      }
      if (index === frames.length) {
        markWindow(label, measuredFrom, nowNs());
        clearTimeout(timer);
        a.rawHandler = undefined;
        b.rawHandler = undefined;
        resolve({ latencyUs: summarize(latencyUs), middleCpu: meter!.read().server });
        return;
      }
      delivered = false;
      acked = false;
      sentAt = nowNs();
      a.socket.write(frames[index]!);
    };
    const step = () => {
      if (!delivered || !acked) return;
      index++;
      sendNext();
    };
    b.rawHandler = (payload, t) => {
      if (!isDelivery(payload)) return;
      if (index >= WARMUP) latencyUs[index - WARMUP] = (t - sentAt) / 1e3;
      delivered = true;
      step();
    };
    a.rawHandler = (payload) => {
      if (startsWith(payload, TYPE_RESULT)) {
        acked = true;
        step();
      } else if (payload.includes('"error"')) {
        clearTimeout(timer);
        reject(new Error(`${label}: ${payload.toString('utf8', 0, 200)}`));
      }
    };
    sendNext();
  });
}

function sendFrames(room: string): Buffer[] {
  return Array.from({ length: WARMUP + SAMPLES }, (_, i) =>
    encodeFrame({ type: 'send', id: i + 1, room, msgId: `hop-${i}`, text: messageText(i, TEXT_BYTES) }),
  );
}

async function throughServer(): Promise<HopResult> {
  const server = await ServerProcess.start();
  const conns: BenchConn[] = [];
  try {
    const a = await BenchConn.hello(server.port, 'alice');
    conns.push(a);
    const b = await BenchConn.hello(server.port, 'bob');
    conns.push(b);
    const created = await a.call({ type: 'room_create', name: 'one-hop' });
    const room = (created['room'] as { id: string }).id;
    await a.call({ type: 'room_join', room, limit: 1 });
    await b.call({ type: 'room_join', room, limit: 1 });
    await a.call({ type: 'ping' }); // the member_joined event for bob has reached alice
    return await hop('one-hop', a, b, sendFrames(room), (p) => startsWith(p, TYPE_MESSAGE), server.pid);
  } finally {
    for (const c of conns) c.destroy();
    await server.stop();
  }
}

async function throughRelay(): Promise<HopResult> {
  const relay = await startRelay();
  const conns: BenchConn[] = [];
  try {
    const a = await BenchConn.open(relay.port);
    conns.push(a);
    const b = await BenchConn.open(relay.port);
    conns.push(b);
    // The relay must have accepted A before B: A's first frame only goes out once both exist.
    return await hop('one-hop relay', a, b, sendFrames('relay'), () => true, relay.pid);
  } finally {
    for (const c of conns) c.destroy();
    await relay.stop();
  }
}

async function run(): Promise<ResultRow[]> {
  const server = await throughServer();
  const relay = await throughRelay();
  const s = server.latencyUs;
  return [
    checked('one-hop', 'latency p50 (A → server → B)', s.p50, fmt.us, TARGET_P50_US, false),
    info('one-hop', 'latency p99', fmt.us(s.p99)),
    info('one-hop', 'latency min / max', `${fmt.us(s.min)} / ${fmt.us(s.max)}`),
    info('one-hop', 'server CPU per message', fmt.us((server.middleCpu / SAMPLES) * 1e6)),
    info(
      'one-hop',
      'floor: bare Node relay p50 / p99',
      `${fmt.us(relay.latencyUs.p50)} / ${fmt.us(relay.latencyUs.p99)}`,
    ),
    info('one-hop', 'floor: relay CPU per message', fmt.us((relay.middleCpu / SAMPLES) * 1e6)),
  ];
}

export const oneHop: Benchmark = {
  name: 'one-hop',
  title: 'idle one-hop latency, 2 clients, 2000 sequential messages',
  run,
};
