/**
 * The scale curve (issue 10): how deliveries/s, latency and the server's memory change with the
 * number of clients.
 *
 * - One room of 50, 200, 1,000 and 4,000 receivers with one sender, each size on a fresh server:
 *   a paced load (at most 100,000 deliveries/s, so that the load generator — one process receiving
 *   every delivery, on 2 cores it shares with the server — stays under a core; at 4,000 receivers it
 *   nearly reaches one, see docs/BENCHMARKS-scale.md) and then a burst.
 * - 100 rooms × 40 receivers, one sender per room: 20 msg/s from each sender (2,000 msg/s, 80,000
 *   deliveries/s), then a burst of 100 messages from every sender at once.
 * - Memory per idle connection: the server's RSS after a GC (lib/server-gc-hook.ts) with 0, 2,000
 *   and 4,000 receivers that said hello and joined the room (taken while the 4,000-receiver room is
 *   set up), and an in-process split of it: Node's socket vs the server's Connection object
 *   (lib/connection-memory.ts).
 *
 * Every delivery is checked exactly once per receiver and every send acknowledged (lib/room-load.ts).
 * PARLEY_BENCH_SCALE=50,200,rooms,memory picks parts (1000, 4000 too); PARLEY_BENCH_SCALE_FRACTION=0.2
 * sends a fifth of the messages (for development; the default is the full load);
 * PARLEY_BENCH_SCALE_LOADS=paced (or burst) runs one of the two loads, e.g. to profile it alone.
 */
import { measureConnectionMemory } from './lib/connection-memory.ts';
import { requireOpenFiles } from './lib/fd-limit.ts';
import { checked, fmt, info, type Benchmark, type ResultRow } from './lib/report.ts';
import {
  addReceivers,
  joinRaw,
  openRaw,
  quiet,
  closeAll,
  createRoom,
  measure,
  warmUp,
  type LoadResult,
  type LoadRoom,
} from './lib/room-load.ts';
import { MiB } from './lib/rss.ts';
import { gcHookNodeArgs, settledMemory, type MemoryReading } from './lib/server-memory.ts';
import { ServerProcess, serverDefaults } from './lib/server-process.ts';
import { nowNs } from './lib/stats.ts';

const NAME = 'scale';

interface Size {
  clients: number;
  burstMessages: number;
  pacedRate: number;
  pacedMessages: number;
}

/**
 * Paced: 500 msg/s (the paced benchmark's rate) up to 200 receivers, then 100,000 deliveries/s:
 * 500 × 4,000 = 2 M/s is more than this 2-core machine delivers even in a burst (1–1.8 M/s), and
 * the load generator, which receives every delivery, needs most of a core at 100,000/s from 4,000
 * sockets. Each paced run lasts 4–5 s. Burst: 2,000 messages, 500 at 4,000 receivers (2 M
 * deliveries, as at 1,000).
 */
const SIZES: Size[] = [
  { clients: 50, burstMessages: 2000, pacedRate: 500, pacedMessages: 2000 },
  { clients: 200, burstMessages: 2000, pacedRate: 500, pacedMessages: 2000 },
  { clients: 1000, burstMessages: 2000, pacedRate: 100, pacedMessages: 500 },
  { clients: 4000, burstMessages: 500, pacedRate: 25, pacedMessages: 125 },
];

const ROOMS = 100;
const PER_ROOM = 40;
const ROOMS_RATE = 20;
const ROOMS_PACED_MESSAGES = 100;
const ROOMS_BURST_MESSAGES = 100;

/** The 4,000-receiver room is filled in these steps, with a memory reading after each. */
const MEMORY_STEPS = [2000, 2000];
const TARGET_KB_PER_IDLE_CONNECTION = 20;
/** Sockets in the in-process split of a connection's memory. */
const PROBE_SOCKETS = 4000;

/** Warm-up messages per sender: about 200,000 deliveries, at most 200 messages. */
function warmUpMessages(receivers: number): number {
  return Math.min(200, Math.max(20, Math.floor(200_000 / receivers)));
}

const parts = new Set((process.env['PARLEY_BENCH_SCALE'] ?? '50,200,1000,4000,rooms,memory').split(','));
const fraction = Math.min(1, Number(process.env['PARLEY_BENCH_SCALE_FRACTION'] ?? 1) || 1);
/** Which loads to run on each size (for profiling one of them): paced, burst. */
const loads = new Set((process.env['PARLEY_BENCH_SCALE_LOADS'] ?? 'paced,burst').split(','));
const scaled = (messages: number) => Math.max(10, Math.round(messages * fraction));

const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const count = fmt.count;

function startServer(): Promise<ServerProcess> {
  return ServerProcess.start({ nodeArgs: gcHookNodeArgs(serverDefaults.nodeArgs) });
}

interface LoadPlan {
  /** Starts each row's metric ("1,000 clients"). */
  prefix: string;
  /** Names the measured windows (bench/profile.ts). */
  tag: string;
  pacedRate: number;
  pacedMessages: number;
  burstMessages: number;
}

/** The paced load, then the burst (either can be left out with PARLEY_BENCH_SCALE_LOADS), as rows. */
async function runLoads(server: ServerProcess, rooms: LoadRoom[], plan: LoadPlan): Promise<ResultRow[]> {
  const { prefix: p } = plan;
  const receivers = rooms[0]!.receivers.length;
  const perSender = rooms.length > 1 ? ' per sender' : '';
  const cpu = (r: LoadResult) =>
    `${fmt.seconds(r.cpu.server)} / ${fmt.seconds(r.cpu.load)} / ${fmt.seconds(r.cpu.others + r.cpu.steal)} in ${fmt.seconds(r.seconds)}`;
  // CPU time depends much less than wall time on what else the machine runs: on a busy machine
  // the curve's shape shows best in this figure.
  const perDelivery = (r: LoadResult) => `${((r.cpu.server / r.deliveries) * 1e6).toFixed(2)} µs`;
  const rows: ResultRow[] = [];
  if (loads.has('paced')) {
    const messages = scaled(plan.pacedMessages);
    const r = await measure(server, rooms, {
      label: `scale ${plan.tag} paced`,
      mode: 'paced',
      messages,
      ratePerSender: plan.pacedRate,
    });
    const offered = plan.pacedRate * rooms.length * receivers;
    rows.push(
      info(
        NAME,
        `${p}: paced ${plan.pacedRate} msg/s × ${count(messages)}${perSender} (${count(offered)} deliveries/s): latency p50 / p99`,
        `${fmt.ms(r.latencyMs.p50)} / ${fmt.ms(r.latencyMs.p99)}`,
      ),
      info(
        NAME,
        `${p}: paced spread first → last receiver p50 / p99`,
        `${fmt.ms(r.spreadMs.p50)} / ${fmt.ms(r.spreadMs.p99)}`,
      ),
      info(NAME, `${p}: paced deliveries/s achieved`, fmt.perSecond(r.deliveriesPerSecond)),
      info(NAME, `${p}: paced CPU server / load gen / others+steal`, cpu(r)),
      info(NAME, `${p}: paced server CPU per delivery`, perDelivery(r)),
      info(NAME, `${p}: paced server peak RSS`, mib(r.peakRssBytes)),
    );
  }
  if (loads.has('burst')) {
    const messages = scaled(plan.burstMessages);
    const r = await measure(server, rooms, { label: `scale ${plan.tag} burst`, mode: 'burst', messages });
    const shape =
      rooms.length > 1
        ? `${rooms.length} senders × ${count(messages)} × ${receivers}`
        : `${count(receivers)} × ${count(messages)}`;
    rows.push(
      info(NAME, `${p}: burst deliveries/s (${shape})`, fmt.perSecond(r.deliveriesPerSecond)),
      info(NAME, `${p}: burst CPU server / load gen / others+steal`, cpu(r)),
      info(NAME, `${p}: burst server CPU per delivery`, perDelivery(r)),
      info(NAME, `${p}: burst server peak RSS`, mib(r.peakRssBytes)),
    );
  }
  return rows;
}

async function oneRoom(size: Size, rows: ResultRow[]): Promise<void> {
  const { clients } = size;
  requireOpenFiles(clients + 1, `scale (${clients} clients)`);
  const server = await startServer();
  const rooms: LoadRoom[] = [];
  try {
    const room = await createRoom(server.port, `scale-${clients}`);
    rooms.push(room);
    if (clients === 4000 && parts.has('memory')) {
      await idleMemory(server, room, rows);
    } else {
      const started = nowNs();
      await addReceivers(server.port, rooms, clients);
      rows.push(
        info(
          NAME,
          `${count(clients)} clients: set-up, hello + join (64 at a time)`,
          fmt.seconds((nowNs() - started) / 1e9),
        ),
      );
    }
    const idle = await settledMemory(server);
    await warmUp(rooms, warmUpMessages(clients));
    rows.push(
      info(NAME, `${count(clients)} clients: server RSS idle after set-up (GC)`, mib(idle.rss)),
      ...(await runLoads(server, rooms, { prefix: `${count(clients)} clients`, tag: String(clients), ...size })),
    );
  } finally {
    closeAll(rooms);
    await server.stop();
  }
}

/**
 * Fills the room in MEMORY_STEPS, reading the server's memory after a GC before the first step
 * and, in each step, once the new receivers have said hello and again once they have joined: the
 * join is where the N²/2 member_joined frames and member lists are sent.
 */
async function idleMemory(server: ServerProcess, room: LoadRoom, rows: ResultRow[]): Promise<void> {
  const base = await settledMemory(server);
  const steps: { n: number; hello: MemoryReading; joined: MemoryReading; joinSeconds: number }[] = [];
  for (const step of MEMORY_STEPS) {
    const from = room.receivers.length;
    const conns = await openRaw(
      server.port,
      Array.from({ length: step }, (_, i) => `r0-${from + i}`),
    );
    await quiet(conns);
    const hello = await settledMemory(server);
    const started = nowNs();
    await joinRaw(conns.map((conn) => ({ room, conn })));
    await quiet([room.sender, ...room.receivers]);
    const joinSeconds = (nowNs() - started) / 1e9;
    steps.push({ n: step, hello, joined: await settledMemory(server), joinSeconds });
  }
  const n = steps.reduce((sum, s) => sum + s.n, 0);
  const last = steps[steps.length - 1]!.joined;
  const perStep = (pick: (s: (typeof steps)[number], before: MemoryReading) => number) =>
    steps.map((s, i) => kb(pick(s, i === 0 ? base : steps[i - 1]!.joined) / s.n)).join(', ');
  rows.push(
    checked(
      NAME,
      `idle connection (hello + join one room), RSS 0 → ${count(n)}, per connection`,
      (last.rss - base.rss) / n / 1024,
      (v) => `${v.toFixed(1)} KB`,
      TARGET_KB_PER_IDLE_CONNECTION,
      false,
    ),
    info(
      NAME,
      `idle connection: RSS per connection for hello, per step of ${MEMORY_STEPS.join(', ')}`,
      perStep((s, before) => s.hello.rss - before.rss),
    ),
    info(
      NAME,
      'idle connection: RSS per connection for the join, per step',
      perStep((s) => s.joined.rss - s.hello.rss),
    ),
    info(
      NAME,
      'idle connection: time to join, per step (64 at a time; each join is sent to all and lists all)',
      steps.map((s) => fmt.seconds(s.joinSeconds)).join(', '),
    ),
    info(
      NAME,
      'idle connection, 0 → all joined, per connection: V8 heap used / V8 heap reserved / external',
      [last.heapUsed - base.heapUsed, last.heapTotal - base.heapTotal, last.external - base.external]
        .map((v) => kb(v / n))
        .join(' / '),
    ),
    info(
      NAME,
      'idle connection: server RSS at 0, then hello / joined per step (GC)',
      [mib(base.rss), ...steps.map((s) => `${mib(s.hello.rss)} / ${mib(s.joined.rss)}`)].join(', '),
    ),
  );
}

async function manyRooms(rows: ResultRow[]): Promise<void> {
  requireOpenFiles(ROOMS * (PER_ROOM + 1), 'scale (100 rooms)');
  const server = await startServer();
  const rooms: LoadRoom[] = [];
  try {
    for (let k = 0; k < ROOMS; k++) rooms.push(await createRoom(server.port, `scale-room-${k}`));
    const started = nowNs();
    await addReceivers(server.port, rooms, PER_ROOM);
    const setUpSeconds = (nowNs() - started) / 1e9;
    const idle = await settledMemory(server);
    await warmUp(rooms, warmUpMessages(ROOMS * PER_ROOM));
    rows.push(
      info(NAME, `${ROOMS} rooms × ${PER_ROOM}: set-up, hello + join (64 at a time)`, fmt.seconds(setUpSeconds)),
      info(NAME, `${ROOMS} rooms × ${PER_ROOM}: server RSS idle after set-up (GC)`, mib(idle.rss)),
      ...(await runLoads(server, rooms, {
        prefix: `${ROOMS} rooms × ${PER_ROOM}`,
        tag: 'rooms',
        pacedRate: ROOMS_RATE,
        pacedMessages: ROOMS_PACED_MESSAGES,
        burstMessages: ROOMS_BURST_MESSAGES,
      })),
    );
  } finally {
    closeAll(rooms);
    await server.stop();
  }
}

async function run(): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const size of SIZES) if (parts.has(String(size.clients))) await oneRoom(size, rows);
  if (parts.has('rooms')) await manyRooms(rows);
  if (parts.has('memory')) {
    requireOpenFiles(PROBE_SOCKETS, 'scale (socket vs Connection)');
    const split = await measureConnectionMemory(PROBE_SOCKETS);
    const both = (v: { rss: number; heapAndExternal: number }) => `${kb(v.rss)} / ${kb(v.heapAndExternal)}`;
    rows.push(
      info(NAME, `in-process (${count(PROBE_SOCKETS)}), accepted Node socket: RSS / heap+external`, both(split.socket)),
      info(
        NAME,
        `in-process (${count(PROBE_SOCKETS)}), + Connection object: RSS / heap+external`,
        both(split.connection),
      ),
    );
  }
  return rows;
}

export const scale: Benchmark = {
  name: NAME,
  title: 'scale curve: 50–4,000 clients in one room, 100 rooms × 40, memory per idle connection',
  run,
};
