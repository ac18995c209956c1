/**
 * Rooms with one sender and many receivers each, on one server, loaded paced or in a burst — the
 * engine of the scale curve (bench/scale.ts): one room of 4,000 is the same code as 100 rooms of 40.
 *
 * Set-up does not parse what it does not need: for N receivers every join broadcasts member_joined
 * to everyone already in, and its reply lists every member, so N joins mean N²/2 events and N²/2
 * member entries (8 M each at 4,000). Receivers therefore speak in raw mode from their welcome on:
 * a reply is recognised by its first bytes and matched to the oldest request, because a server
 * answers one connection's requests in the order they came.
 *
 * Measuring works as in bench/fanout.ts (whose seq-at-a-fixed-offset reader is copied here for
 * now): each room has one sender whose sends the server numbers in order, so the room seq of a
 * delivery says which send it is; every receiver must get every seq exactly once and every sender
 * every acknowledgement.
 */
import { encodeFrame } from '../../src/main/core/framing/frame-codec.ts';
import { BenchConn, mapLimit, messageText, waitUntil, type RawHandler } from './bench-conn.ts';
import { CpuMeter } from './cpu.ts';
import { RssSampler } from './rss.ts';
import type { ServerProcess } from './server-process.ts';
import { markWindow, nowNs, sleep, summarize, type Summary } from './stats.ts';
import { messageSeq, TYPE_MESSAGE, TYPE_RESULT } from './parley-target.ts';
import { startsWith } from './target.ts';

const TEXT_BYTES = 100;
/** Sockets being opened (hello + join) at once during set-up. */
const SETUP_CONCURRENCY = 64;
const REQUEST_TIMEOUT_MS = 60_000;

const TYPE_ERROR = Buffer.from('{"type":"error"');

/**
 * Requests on a receiver in raw mode: the reply is not parsed, only told apart from events.
 * Its handler is the receiver's resting handler, put back after each measured phase.
 */
class RawRequests {
  private readonly conn: BenchConn;
  private readonly waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private nextId = 1_000_000_000;

  constructor(conn: BenchConn) {
    this.conn = conn;
    conn.socket.on('close', () => this.failAll(new Error('connection closed')));
  }

  readonly handler: RawHandler = (payload) => {
    if (startsWith(payload, TYPE_RESULT)) this.waiting.shift()?.resolve();
    else if (startsWith(payload, TYPE_ERROR)) {
      const error = new Error(`server error: ${payload.toString('utf8', 0, 300)}`);
      if (payload.includes('"re":')) this.waiting.shift()?.reject(error);
      else this.failAll(error);
    }
    // Anything else is an event (member_joined, …): not needed, not parsed.
  };

  request(frame: Record<string, unknown>): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${String(frame['type'])} timed out`)), REQUEST_TIMEOUT_MS);
      this.waiting.push({
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.conn.send({ ...frame, id: this.nextId++ });
    });
  }

  private failAll(error: Error): void {
    for (const w of this.waiting.splice(0)) w.reject(error);
  }
}

const rawRequests = new WeakMap<BenchConn, RawRequests>();

export interface LoadRoom {
  id: string;
  sender: BenchConn;
  receivers: BenchConn[];
  /** The seq the sender's next message will get. */
  firstSeq: number;
}

/** All of a load's connections: its senders and receivers. */
export function connectionsOf(rooms: readonly LoadRoom[]): BenchConn[] {
  return rooms.flatMap((room) => [room.sender, ...room.receivers]);
}

export function closeAll(rooms: readonly LoadRoom[]): void {
  for (const conn of connectionsOf(rooms)) conn.destroy();
}

/** A sender connects, creates a room and joins it (the room is empty, so its replies are small). */
export async function createRoom(port: number, name: string): Promise<LoadRoom> {
  const sender = await BenchConn.hello(port, `${name}-sender`);
  const created = await sender.call({ type: 'room_create', name });
  const id = (created['room'] as { id: string }).id;
  const joined = await sender.call({ type: 'room_join', room: id, limit: 1 });
  return { id, sender, receivers: [], firstSeq: (joined['room'] as { lastSeq: number }).lastSeq + 1 };
}

/** Opens `names.length` connections (hello, then raw mode), at most SETUP_CONCURRENCY at a time. */
export function openRaw(port: number, names: readonly string[]): Promise<BenchConn[]> {
  return mapLimit(names, SETUP_CONCURRENCY, async (name) => {
    const conn = await BenchConn.hello(port, name);
    const raw = new RawRequests(conn);
    rawRequests.set(conn, raw);
    conn.rawHandler = raw.handler;
    return conn;
  });
}

/** Each receiver opened by openRaw joins its room (raw room_join), at most SETUP_CONCURRENCY at a time. */
export async function joinRaw(joins: readonly { room: LoadRoom; conn: BenchConn }[]): Promise<void> {
  await mapLimit(joins, SETUP_CONCURRENCY, async ({ room, conn }) => {
    await rawRequests.get(conn)!.request({ type: 'room_join', room: room.id, limit: 1 });
    room.receivers.push(conn);
  });
}

/** Opens `perRoom` more receivers in each room, joins them, and waits until every connection is quiet. */
export async function addReceivers(port: number, rooms: readonly LoadRoom[], perRoom: number): Promise<void> {
  const planned = rooms.flatMap((room, k) =>
    Array.from({ length: perRoom }, (_, i) => ({ room, name: `r${k}-${room.receivers.length + i}` })),
  );
  const conns = await openRaw(
    port,
    planned.map((p) => p.name),
  );
  await joinRaw(planned.map((p, i) => ({ room: p.room, conn: conns[i]! })));
  await quiet(connectionsOf(rooms));
}

/**
 * A ping answered on every connection means every event queued before it has been read: the
 * connections are quiet (no member_joined still on its way) when a measurement starts.
 */
export async function quiet(conns: readonly BenchConn[]): Promise<void> {
  await mapLimit(conns, SETUP_CONCURRENCY * 4, async (conn) => {
    const raw = rawRequests.get(conn);
    if (raw) await raw.request({ type: 'ping' });
    else await conn.call({ type: 'ping' });
  });
}

/** Back to set-up mode after a measured phase: receivers raw, senders parsed. */
function rest(rooms: readonly LoadRoom[]): void {
  for (const room of rooms) {
    room.sender.rawHandler = undefined;
    for (const r of room.receivers) r.rawHandler = rawRequests.get(r)?.handler;
  }
}

/**
 * `perSender` messages from every sender, one per sender per millisecond, not measured: JIT
 * warm-up of the server's and the receivers' hot paths.
 */
export async function warmUp(rooms: readonly LoadRoom[], perSender: number): Promise<void> {
  let seen = 0;
  let acks = 0;
  let expected = 0;
  for (const room of rooms) {
    expected += room.receivers.length * perSender;
    for (const r of room.receivers) r.rawHandler = (p) => void (startsWith(p, TYPE_MESSAGE) && seen++);
    room.sender.rawHandler = (p) => void (startsWith(p, TYPE_RESULT) && acks++);
  }
  for (let i = 0; i < perSender; i++) {
    rooms.forEach((room, k) =>
      room.sender.send({
        type: 'send',
        id: 1_000_000 + i,
        room: room.id,
        msgId: `warm-${k}-${room.firstSeq}-${i}`,
        text: messageText(i, TEXT_BYTES),
      }),
    );
    await sleep(1);
  }
  await waitUntil(
    () => seen === expected && acks === perSender * rooms.length,
    120_000,
    `warm-up deliveries (${seen}/${expected}, ${acks} acks)`,
  );
  rest(rooms);
  for (const room of rooms) room.firstSeq += perSender;
}

export interface LoadOptions {
  /** Names the phase in the profile's windows and in error messages. */
  label: string;
  mode: 'burst' | 'paced';
  /** Messages per sender. */
  messages: number;
  /** paced: messages per second per sender; the senders' schedules are spread evenly over one interval. */
  ratePerSender?: number;
  timeoutMs?: number;
}

export interface LoadResult {
  messages: number;
  deliveries: number;
  /** First send → last delivery. */
  seconds: number;
  deliveriesPerSecond: number;
  /** Send write → arrival of the chunk carrying it, every delivery. */
  latencyMs: Summary;
  /** Per message: its first → last arrival over the room's receivers. */
  spreadMs: Summary;
  cpu: ReturnType<CpuMeter['read']>;
  /** Highest server VmRSS seen during the phase, bytes. */
  peakRssBytes: number;
}

/** Sends `messages` from every sender (at once, or paced) and collects and checks every arrival. */
export async function measure(
  server: ServerProcess,
  rooms: readonly LoadRoom[],
  options: LoadOptions,
): Promise<LoadResult> {
  const { label, mode, messages: M } = options;
  const nRooms = rooms.length;
  const bases: number[] = [];
  let total = 0;
  for (const room of rooms) {
    bases.push(total);
    total += room.receivers.length * M;
  }
  const frames = rooms.map((room, k) =>
    Array.from({ length: M }, (_, j) =>
      encodeFrame({
        type: 'send',
        id: j + 1,
        room: room.id,
        msgId: `${label}-${k}-${j}`,
        text: messageText(j, TEXT_BYTES),
      }),
    ),
  );
  const sendNs = new Float64Array(nRooms * M);
  const arrivalNs = new Float64Array(total);
  const acksOf = new Int32Array(nRooms);
  let delivered = 0;
  let acks = 0;
  const problems: string[] = [];
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));
  const check = () => {
    if (delivered === total && acks === nRooms * M) finished();
  };

  rooms.forEach((room, k) => {
    const firstSeq = room.firstSeq;
    room.receivers.forEach((conn, r) => {
      const base = bases[k]! + r * M;
      conn.rawHandler = (payload, t) => {
        const seq = messageSeq(payload);
        if (seq === -1) {
          // Not a message: only an error (e.g. slow_consumer) would matter here.
          if (payload.includes('"error"'))
            problems.push(`room ${k} receiver ${r}: ${payload.toString('utf8', 0, 200)}`);
          return;
        }
        const index = seq - firstSeq;
        if (index < 0 || index >= M) {
          problems.push(`room ${k} receiver ${r}: unexpected seq ${seq}`);
          return;
        }
        if (arrivalNs[base + index] !== 0) problems.push(`room ${k} receiver ${r}: seq ${seq} twice`);
        arrivalNs[base + index] = t;
        delivered++;
        if (delivered === total) check();
      };
    });
    room.sender.rawHandler = (payload) => {
      if (startsWith(payload, TYPE_RESULT)) {
        acks++;
        acksOf[k]!++;
        if (acks === nRooms * M) check();
      } else problems.push(`room ${k} sender: ${payload.toString('utf8', 0, 200)}`);
    };
  });

  const rss = new RssSampler(server.pid);
  const meter = new CpuMeter(server.pid);
  const t0 = nowNs();
  let pacer: NodeJS.Timeout | undefined;
  if (mode === 'burst') {
    rooms.forEach((room, k) => {
      sendNs.fill(nowNs(), k * M, (k + 1) * M);
      room.sender.socket.write(Buffer.concat(frames[k]!));
    });
  } else {
    const rate = options.ratePerSender;
    if (!rate || rate <= 0) throw new Error(`${label}: paced needs ratePerSender`);
    const intervalNs = 1e9 / rate;
    const next = new Int32Array(nRooms);
    let sent = 0;
    const tick = () => {
      const elapsed = nowNs() - t0;
      for (let k = 0; k < nRooms; k++) {
        // Sender k's message j is due at (j + k / nRooms) intervals: the senders take turns.
        const offset = (k * intervalNs) / nRooms;
        while (next[k]! < M && offset + next[k]! * intervalNs <= elapsed) {
          const j = next[k]!;
          sendNs[k * M + j] = nowNs();
          rooms[k]!.sender.socket.write(frames[k]![j]!);
          next[k] = j + 1;
          sent++;
        }
      }
      if (sent < nRooms * M) pacer = setTimeout(tick, 1);
    };
    tick();
  }

  const timeoutMs = options.timeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label}: timed out with ${delivered}/${total} deliveries, ${acks}/${nRooms * M} acks`)),
      timeoutMs,
    );
  });
  // A crashed server, a closed receiver or a wrong frame ends the run at once instead of at the timeout.
  let watch: NodeJS.Timeout | undefined;
  const connections = connectionsOf(rooms);
  const crashed = new Promise<never>((_, reject) => {
    watch = setInterval(() => {
      const closed = connections.filter((c) => c.closed).length;
      if (server.running && problems.length === 0 && closed === 0) return;
      const why = !server.running
        ? 'the server exited'
        : closed > 0
          ? `${closed} connections closed by the server (${problems.slice(0, 3).join('; ')})`
          : problems.slice(0, 5).join('; ');
      reject(new Error(`${label}: ${why}`));
    }, 100);
  });
  try {
    await Promise.race([done, timeout, crashed]);
  } finally {
    clearTimeout(timer);
    clearTimeout(pacer);
    clearInterval(watch);
  }
  const cpu = meter.read();
  const peakRssBytes = rss.stop();
  rest(rooms);
  const wrongAcks = [...acksOf].findIndex((n) => n !== M);
  if (wrongAcks !== -1) throw new Error(`${label}: sender ${wrongAcks} got ${acksOf[wrongAcks]} acks for ${M} sends`);

  let last = 0;
  const latencies = new Float64Array(total);
  const spreads = new Float64Array(nRooms * M);
  rooms.forEach((room, k) => {
    const R = room.receivers.length;
    for (let j = 0; j < M; j++) {
      const sent = sendNs[k * M + j]!;
      let first = Infinity;
      let lastOfMessage = 0;
      for (let r = 0; r < R; r++) {
        const index = bases[k]! + r * M + j;
        const t = arrivalNs[index]!;
        if (t < first) first = t;
        if (t > lastOfMessage) lastOfMessage = t;
        latencies[index] = (t - sent) / 1e6;
      }
      spreads[k * M + j] = R > 0 ? (lastOfMessage - first) / 1e6 : 0;
      if (lastOfMessage > last) last = lastOfMessage;
    }
    room.firstSeq += M;
  });
  markWindow(label, t0, last);
  const seconds = (last - t0) / 1e9;
  return {
    messages: nRooms * M,
    deliveries: total,
    seconds,
    deliveriesPerSecond: total / seconds,
    latencyMs: summarize(latencies),
    spreadMs: summarize(spreads),
    cpu,
    peakRssBytes,
  };
}
