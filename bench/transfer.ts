/**
 * File transfer (issue 12): throughput of a 1 GiB file up and down on loopback, SHA-256 included
 * on both sides, and what a big transfer does to chat in the same room.
 *
 * Per round, on a fresh server (the real headless server as a child process, temp data folder):
 * a room with two chat clients A and B (lib/bench-conn.ts, as one-hop's) and four users, each a
 * real ParleyClient in a process of its own (lib/transfer-load.ts): an uploader and three
 * downloaders. Then, in order:
 *
 * 1. chat idle: one-hop A → server → B, one message at a time (lib/chat-probe.ts, the rules of
 *    lib/hop-loop.ts), 300 warm-up messages, 2000 measured;
 * 2. upload: the uploader sends file X (read from disk in 1 MiB chunks, hashed as it is sent,
 *    the hash stated in upload_finish) and attaches it to a message of the room;
 * 3. download: one downloader reads X to the end, hashes it and compares with FileInfo.sha256;
 *    then the three at once (aggregate: 3 × size over the wall time until the last is done);
 * 4. chat under load: the uploader sends a second file Y while the three download X, and the
 *    probe runs the whole time; the samples sent while all four transfers were running are
 *    compared with the idle ones (p99 ratio ≤ 2); every drop of a chat connection (the users'
 *    own, which receive the probe's messages while they transfer, and A's and B's) is counted.
 *
 * X and Y are written once per run with fresh random content (so dedup cannot help), into a temp
 * folder removed at the end, after a crash or on Ctrl-C too (lib/server-process.ts's exit hook).
 * PARLEY_BENCH_TRANSFER_MIB (default 1024) sets their size, PARLEY_BENCH_TRANSFER_ROUNDS (3) the
 * rounds; figures are the median over rounds, with every round's value.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BenchConn } from './lib/bench-conn.ts';
import { probeChat, samplesWithin } from './lib/chat-probe.ts';
import { CpuMeter } from './lib/cpu.ts';
import { checked, fmt, info, type Benchmark, type ResultRow } from './lib/report.ts';
import { runQueueWaitSeconds } from './lib/schedstat.ts';
import { loopHookNodeArgs, readLoopDelay, type LoopDelay } from './lib/server-loop.ts';
import { makeTempDir, removeTempDir, ServerProcess, serverDefaults } from './lib/server-process.ts';
import { nowNs, percentile, summarize, type Summary } from './lib/stats.ts';
import { TransferUser, USERS_NICE, writeRandomFile } from './lib/transfer-load.ts';
import { DEFAULT_LIMITS } from '../src/main/core/server/server-config.ts';

const NAME = 'transfer';
const TARGET_MB_PER_S = 300;
const TARGET_P99_RATIO = 2;
const IDLE_WARMUP = 300;
const IDLE_SAMPLES = 2000;
/** The server is warm by then (the idle probe ran on it): only a few messages before measuring. */
const LOAD_WARMUP = 10;
const LOAD_MIN_SAMPLES = 100;
const DOWNLOADERS = 3;

/**
 * BENCH_LIMITS lift the rate limits for the probe's back-to-back messages; the out-queue bound
 * stays the shipped one, so that "no chat client dropped as a slow consumer" is the real check.
 */
const TRANSFER_LIMITS = { max_queue_bytes: DEFAULT_LIMITS.maxQueueBytes };

function sizeWanted(): number {
  const raw = process.env['PARLEY_BENCH_TRANSFER_MIB'] ?? '1024';
  const mib = Number(raw);
  if (!Number.isInteger(mib) || mib < 1 || mib > 2048) {
    throw new Error(`PARLEY_BENCH_TRANSFER_MIB: a whole number of MiB from 1 to 2048, not ${raw}`);
  }
  return mib * 1024 * 1024;
}

function roundsWanted(): number {
  const raw = process.env['PARLEY_BENCH_TRANSFER_ROUNDS'] ?? '3';
  const rounds = Number(raw);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) {
    throw new Error(`PARLEY_BENCH_TRANSFER_ROUNDS: a whole number from 1 to 10, not ${raw}`);
  }
  return rounds;
}

type Cpu = ReturnType<CpuMeter['read']> & {
  wall: number;
  /** Seconds the server's main thread, and this process's, waited runnable for a CPU. */
  serverWait: number;
  probeWait: number;
  loop: LoopDelay;
};

interface Round {
  uploadMBps: number;
  downloadMBps: number;
  download3MBps: number;
  idle: Summary;
  /** Samples sent while the upload and the three downloads were all running. */
  loaded: Summary;
  /** Samples over the whole load, from its start until the last transfer was done. */
  loadWhole: Summary;
  loadUploadMBps: number;
  loadDownloadMBps: number;
  drops: string[];
  cpu: { idle: Cpu; upload: Cpu; download: Cpu; download3: Cpu; load: Cpu };
}

const mbPerS = (bytes: number, seconds: number) => bytes / 1e6 / seconds;

/**
 * A phase's CPU (server, load generator, others + steal), the time the server's main thread and
 * this process (the chat probe) waited runnable for a CPU, and the server's event-loop delay.
 */
async function measure(server: ServerProcess, users: TransferUser[]): Promise<{ read(): Promise<Cpu> }> {
  await readLoopDelay(server); // starts the server's histogram afresh
  const meter = new CpuMeter(
    server.pid,
    users.map((u) => u.pid),
  );
  const serverWait0 = runQueueWaitSeconds(server.pid);
  const probeWait0 = runQueueWaitSeconds(process.pid);
  const started = nowNs();
  return {
    read: async () => {
      const cpu = meter.read();
      const wall = (nowNs() - started) / 1e9;
      const serverWait = runQueueWaitSeconds(server.pid) - serverWait0;
      const probeWait = runQueueWaitSeconds(process.pid) - probeWait0;
      return { ...cpu, wall, serverWait, probeWait, loop: await readLoopDelay(server) };
    },
  };
}

/** Counts the server's own log of dropped readers (slow consumer: out-queue full, or stalled). */
function countServerDrops(server: ServerProcess): { readonly lines: string[] } {
  const seen = { lines: [] as string[] };
  createInterface({ input: server.child.stdout! }).on('line', (line) => {
    if (!line.includes('slow consumer') && !line.includes('"stalled"') && !line.includes('slow_consumer')) return;
    seen.lines.push(line.slice(0, 200));
  });
  return seen;
}

async function runRound(files: { x: string; y: string }, size: number, round: number): Promise<Round> {
  const server = await ServerProcess.start({
    limits: TRANSFER_LIMITS,
    nodeArgs: loopHookNodeArgs(serverDefaults.nodeArgs),
  });
  const serverDrops = countServerDrops(server);
  const conns: BenchConn[] = [];
  const users: TransferUser[] = [];
  const timeoutMs = Math.max(120_000, (size / 20e6) * 1000);
  try {
    const a = await BenchConn.hello(server.port, 'chat-a');
    conns.push(a);
    const b = await BenchConn.hello(server.port, 'chat-b');
    conns.push(b);
    const created = await a.call({ type: 'room_create', name: 'files' });
    const room = (created['room'] as { id: string }).id;
    await a.call({ type: 'room_join', room, limit: 1 });
    await b.call({ type: 'room_join', room, limit: 1 });
    const names = ['uploader', ...Array.from({ length: DOWNLOADERS }, (_, i) => `downloader${i + 1}`)];
    users.push(...(await Promise.all(names.map((name) => TransferUser.start({ port: server.port, name, room })))));
    const [uploader, ...downloaders] = users as [TransferUser, ...TransferUser[]];
    // Answered pings: every member_joined queued before them has been read; A and B are quiet.
    await a.call({ type: 'ping' });
    await b.call({ type: 'ping' });
    const probeBase = { serverRunning: () => server.running, timeoutMs };

    let meter = await measure(server, users);
    const idleRun = await probeChat(a, b, room, {
      ...probeBase,
      label: `transfer idle chat (round ${round})`,
      warmup: IDLE_WARMUP,
      minSamples: IDLE_SAMPLES,
    });
    const idleCpu = await meter.read();

    meter = await measure(server, users);
    const up = await uploader.upload(files.x, `x-${round}`, true, timeoutMs);
    const uploadCpu = await meter.read();
    const x = up.file;

    meter = await measure(server, users);
    const one = await downloaders[0]!.download(x.id, x.sha256, timeoutMs);
    const downloadCpu = await meter.read();

    meter = await measure(server, users);
    await Promise.all(downloaders.map((d) => d.download(x.id, x.sha256, timeoutMs)));
    const download3Cpu = await meter.read();

    // The load: Y up while X goes down three times; the probe runs until all four are done.
    meter = await measure(server, users);
    const loadStart = nowNs();
    let firstDone = Number.POSITIVE_INFINITY;
    let running = 1 + DOWNLOADERS;
    const track = <T>(p: Promise<T>): Promise<T> =>
      p.finally(() => {
        firstDone = Math.min(firstDone, nowNs());
        running--;
      });
    const loadUpload = track(uploader.upload(files.y, `y-${round}`, false, timeoutMs));
    const loadDownloads = downloaders.map((d) => track(d.download(x.id, x.sha256, timeoutMs)));
    const loadAll = Promise.all([loadUpload, ...loadDownloads]);
    // A failed transfer ends the probe too (its error is thrown by loadAll below).
    loadAll.catch(() => (running = 0));
    const loadRun = await probeChat(a, b, room, {
      ...probeBase,
      label: `transfer chat under load (round ${round})`,
      warmup: LOAD_WARMUP,
      minSamples: LOAD_MIN_SAMPLES,
      until: () => running === 0,
    });
    const [loadUp, ...loadDowns] = await loadAll;
    const loadEnd = nowNs();
    const loadCpu = await meter.read();
    const whole = samplesWithin(loadRun, loadStart, loadEnd);
    let loaded = samplesWithin(loadRun, loadStart, firstDone);
    if (loaded.length < LOAD_MIN_SAMPLES) {
      // A small PARLEY_BENCH_TRANSFER_MIB: too few samples to take a p99 of the all-four window.
      process.stdout.write(
        `  round ${round}: only ${loaded.length} chat samples while all four transfers ran; using the whole load (${whole.length})\n`,
      );
      loaded = whole;
    }

    const drops = [
      ...users.flatMap((u) => u.drops.map((d) => `${u.name}: ${d.code} (${d.message})`)),
      ...serverDrops.lines.map((line) => `server log: ${line}`),
    ];
    return {
      uploadMBps: mbPerS(up.bytes, up.seconds),
      downloadMBps: mbPerS(one.bytes, one.seconds),
      download3MBps: mbPerS(DOWNLOADERS * size, download3Cpu.wall),
      idle: summarize(idleRun.latencyUs),
      loaded: summarize(loaded),
      loadWhole: summarize(whole),
      loadUploadMBps: mbPerS(loadUp.bytes, loadUp.seconds),
      loadDownloadMBps: mbPerS(
        loadDowns.reduce((n, d) => n + d.bytes, 0),
        Math.max(...loadDowns.map((d) => d.seconds)),
      ),
      drops,
      cpu: { idle: idleCpu, upload: uploadCpu, download: downloadCpu, download3: download3Cpu, load: loadCpu },
    };
  } finally {
    await Promise.all(users.map((u) => u.stop()));
    for (const c of conns) c.destroy();
    await server.stop();
  }
}

function median(values: number[]): number {
  return percentile(Float64Array.from(values).sort(), 50);
}

/** "412 MB/s" with every round's value: "(rounds: 400, 412, 430)". */
function spread(values: number[], format: (v: number) => string): string {
  return values.length > 1 ? ` (rounds: ${values.map(format).join(', ')})` : '';
}

const mb = (v: number) => `${v.toFixed(0)} MB/s`;
const ratio = (v: number) => `${v.toFixed(2)} ×`;

/** The server's event-loop delay, and the share of the phase the server / the probe waited for a CPU. */
function waitRow(label: string, rounds: Round[], pick: (r: Round) => Cpu): ResultRow {
  const m = (f: (c: Cpu) => number) => median(rounds.map((r) => f(pick(r))));
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  return info(
    NAME,
    `${label}: server loop delay p99 / max; waited for a CPU: server / probe`,
    `${fmt.ms(m((c) => c.loop.p99) / 1e3)} / ${fmt.ms(m((c) => c.loop.max) / 1e3)}; ` +
      `${pct(m((c) => c.serverWait / c.wall))} / ${pct(m((c) => c.probeWait / c.wall))} of the phase`,
  );
}

function cpuRow(label: string, rounds: Round[], pick: (r: Round) => Cpu): ResultRow {
  const share = (key: 'server' | 'load' | 'others') =>
    median(
      rounds.map((r) => {
        const c = pick(r);
        return key === 'others' ? (c.others + c.steal) / c.wall : c[key] / c.wall;
      }),
    );
  const worstOthers = Math.max(...rounds.map((r) => (pick(r).others + pick(r).steal) / pick(r).wall));
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  return info(
    NAME,
    `${label}: server / load / others+steal CPU`,
    `${pct(share('server'))} / ${pct(share('load'))} / ${pct(share('others'))} of a core (worst others ${pct(worstOthers)})`,
  );
}

async function run(): Promise<ResultRow[]> {
  const size = sizeWanted();
  const roundCount = roundsWanted();
  const dir = makeTempDir('parley-bench-transfer-');
  const rounds: Round[] = [];
  try {
    const files = { x: join(dir, 'x.bin'), y: join(dir, 'y.bin') };
    await writeRandomFile(files.x, size);
    await writeRandomFile(files.y, size);
    for (let r = 1; r <= roundCount; r++) rounds.push(await runRound(files, size, r));
  } finally {
    removeTempDir(dir);
  }

  const sizeLabel = size >= 1024 ** 3 ? `${size / 1024 ** 3} GiB` : `${size / 1024 ** 2} MiB`;
  const of = (pick: (r: Round) => number) => rounds.map(pick);
  const idleP99 = of((r) => r.idle.p99);
  const loadedP99 = of((r) => r.loaded.p99);
  const ratios = rounds.map((r) => r.loaded.p99 / r.idle.p99);
  const drops = rounds.flatMap((r) => r.drops);
  for (const drop of drops) process.stdout.write(`  dropped: ${drop}\n`);
  const us = fmt.us;
  return [
    checked(
      NAME,
      `upload ${sizeLabel}, SHA-256 both sides`,
      median(of((r) => r.uploadMBps)),
      mb,
      TARGET_MB_PER_S,
      true,
    ),
    info(
      NAME,
      'upload, each round',
      of((r) => r.uploadMBps)
        .map(mb)
        .join(', '),
    ),
    checked(NAME, `download ${sizeLabel}, one receiver`, median(of((r) => r.downloadMBps)), mb, TARGET_MB_PER_S, true),
    info(
      NAME,
      'download, each round',
      of((r) => r.downloadMBps)
        .map(mb)
        .join(', '),
    ),
    info(
      NAME,
      `download, ${DOWNLOADERS} receivers at once (aggregate)`,
      mb(median(of((r) => r.download3MBps))) +
        spread(
          of((r) => r.download3MBps),
          mb,
        ),
    ),
    info(
      NAME,
      'chat idle p50 / p99',
      `${us(median(of((r) => r.idle.p50)))} / ${us(median(idleP99))}${spread(idleP99, us)}`,
    ),
    info(
      NAME,
      'chat under load p50 / p99',
      `${us(median(of((r) => r.loaded.p50)))} / ${us(median(loadedP99))}${spread(loadedP99, us)}`,
    ),
    checked(NAME, 'chat p99 under load ÷ idle', median(ratios), ratio, TARGET_P99_RATIO, false),
    info(NAME, 'ratio, each round', ratios.map(ratio).join(', ')),
    info(
      NAME,
      'under load: samples; p99 over the whole load',
      `${median(of((r) => r.loaded.count))}; ${us(median(of((r) => r.loadWhole.p99)))}`,
    ),
    info(
      NAME,
      'under load: upload / downloads (aggregate)',
      `${mb(median(of((r) => r.loadUploadMBps)))} / ${mb(median(of((r) => r.loadDownloadMBps)))}`,
    ),
    checked(NAME, 'chat clients dropped (slow_consumer)', drops.length, fmt.count, 0, false),
    info(NAME, "users' nice value (they stand for other machines)", String(USERS_NICE)),
    cpuRow('idle chat', rounds, (r) => r.cpu.idle),
    cpuRow('upload', rounds, (r) => r.cpu.upload),
    cpuRow('download', rounds, (r) => r.cpu.download),
    cpuRow(`${DOWNLOADERS} downloads`, rounds, (r) => r.cpu.download3),
    cpuRow('chat under load', rounds, (r) => r.cpu.load),
    waitRow('idle chat', rounds, (r) => r.cpu.idle),
    waitRow('upload', rounds, (r) => r.cpu.upload),
    waitRow('chat under load', rounds, (r) => r.cpu.load),
  ];
}

export const transfer: Benchmark = {
  name: NAME,
  title: 'file transfer: 1 GiB up and down (SHA-256 both sides), chat p99 during 1 up + 3 down vs idle',
  run,
};
