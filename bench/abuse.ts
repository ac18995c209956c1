/**
 * One abusive client against everyone else (issue 9): 12 well-behaved clients each send a message
 * to their room every 100 ms and time its acknowledgement (send → result), first with the server
 * otherwise idle, then while ONE abusive connection works at its limits (the default limits:
 * 20 frames/s, burst 60; default byte budgets) in three phases:
 *
 * - room_list flood: a room_list every 50 ms, on a server holding 1,000 rooms of maximum size;
 * - large frames: 1 MiB frames written as fast as the socket takes them;
 * - history pipelining: a 200-message history page of 4,000-character messages every 50 ms.
 *
 * The abuser reads everything it gets (it is a reader, not a sloth); if the server drops it, it
 * reconnects at once and carries on (counted). Target: others' p99 within 2 × their idle p99.
 *
 * The rooms and history are made first on a server with the benchmark limits, which is then
 * restarted on the same data folder with the default rate limit for the measurement.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { BenchConn, messageText } from './lib/bench-conn.ts';
import type { AbusePhase, AbuserReport } from './lib/abuser.ts';
import { CpuMeter } from './lib/cpu.ts';
import { checked, fmt, info, type Benchmark, type ResultRow } from './lib/report.ts';
import { ServerProcess, makeTempDir, removeTempDir } from './lib/server-process.ts';
import { nowNs, sleep, summarize } from './lib/stats.ts';
import { DEFAULT_LIMITS } from '../src/main/core/server/server-config.ts';

const OTHERS = 12;
const OTHER_INTERVAL_MS = 100;
const PHASE_MS = 6000;
/** The first part of each phase is not measured: the abuser's burst, the server settling. */
const SETTLE_MS = 1000;
const ROOMS = 1000;
const HISTORY_MESSAGES = 200;

/** The shipped limits that matter here (BENCH_LIMITS lifts them for load generation). */
const DEFAULT_RATE = {
  rate_per_second: DEFAULT_LIMITS.ratePerSecond,
  rate_burst: DEFAULT_LIMITS.rateBurst,
  max_queue_bytes: DEFAULT_LIMITS.maxQueueBytes,
  in_bytes_per_second: DEFAULT_LIMITS.inBytesPerSecond,
  in_bytes_burst: DEFAULT_LIMITS.inBytesBurst,
  out_bytes_per_second: DEFAULT_LIMITS.outBytesPerSecond,
  out_bytes_burst: DEFAULT_LIMITS.outBytesBurst,
};

interface Setup {
  chatRoom: string;
  archiveRoom: string;
}

/** 998 maximum-size rooms (3-byte characters), an archive of 200 × 4,000 characters, a chat room. */
async function populate(port: number): Promise<Setup> {
  const admin = await BenchConn.hello(port, 'Builder');
  const topic = '話'.repeat(256);
  const creates: Promise<unknown>[] = [];
  for (let i = 0; i < ROOMS - 2; i++)
    creates.push(admin.call({ type: 'room_create', name: `room ${i} `.padEnd(64, '部'), topic }));
  await Promise.all(creates);
  const archive = (await admin.call({ type: 'room_create', name: 'archive' })) as { room: { id: string } };
  const chat = (await admin.call({ type: 'room_create', name: 'chat' })) as { room: { id: string } };
  await admin.call({ type: 'room_join', room: archive.room.id });
  const text = 'h'.repeat(4000);
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < HISTORY_MESSAGES; i++)
    sends.push(admin.call({ type: 'send', room: archive.room.id, msgId: `a${i}`, text }));
  await Promise.all(sends);
  admin.destroy();
  return { chatRoom: chat.room.id, archiveRoom: archive.room.id };
}

type PhaseName = 'idle' | AbusePhase;

const ABUSER_SCRIPT = resolve(import.meta.dirname, 'lib/abuser.ts');

/**
 * Runs the abusive client in its own process for `durationMs` (so that reading its replies costs
 * this process nothing) and returns what it reports.
 */
function abuse(port: number, phase: AbusePhase, setup: Setup, durationMs: number): Promise<AbuserReport> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [ABUSER_SCRIPT, String(port), phase, setup.archiveRoom, String(durationMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`abuser exited with ${code}`));
      else resolvePromise(JSON.parse(out) as AbuserReport);
    });
  });
}

/** Every other client sends to the chat room every OTHER_INTERVAL_MS and times the acknowledgement. */
async function measureOthers(others: BenchConn[], chatRoom: string, durationMs: number): Promise<number[]> {
  const latenciesMs: number[] = [];
  const started = Date.now();
  let n = 0;
  await Promise.all(
    others.map(async (other, index) => {
      await sleep((index * OTHER_INTERVAL_MS) / others.length);
      while (Date.now() - started < durationMs) {
        const sentAt = nowNs();
        const reply = await other.request({
          type: 'send',
          room: chatRoom,
          msgId: `o${index}-${n++}`,
          text: messageText(n),
        });
        if (reply.type !== 'result') throw new Error(`an innocent send failed: ${JSON.stringify(reply)}`);
        if (Date.now() - started >= SETTLE_MS) latenciesMs.push((nowNs() - sentAt) / 1e6);
        await sleep(Math.max(0, OTHER_INTERVAL_MS - (nowNs() - sentAt) / 1e6));
      }
    }),
  );
  return latenciesMs;
}

export const abuseBench: Benchmark = {
  name: 'abuse',
  title: "one abusive client at its limits: others' send latency p99 vs idle",
  async run(): Promise<ResultRow[]> {
    const dataDir = makeTempDir('parley-bench-abuse-');
    const rows: ResultRow[] = [];
    try {
      const builder = await ServerProcess.start({ dataDir });
      const setup = await populate(builder.port);
      await builder.stop();
      const server = await ServerProcess.start({ dataDir, limits: DEFAULT_RATE });
      try {
        const others: BenchConn[] = [];
        for (let i = 0; i < OTHERS; i++) {
          const other = await BenchConn.hello(server.port, `Other${i}`);
          await other.call({ type: 'room_join', room: setup.chatRoom });
          // Drain the rate-limit burst used by the setup.
          others.push(other);
        }
        await sleep(500);
        let idleP99 = Number.NaN;
        const phases: PhaseName[] = ['idle', 'room_list flood', 'large frames', 'history pipelining'];
        for (const phase of phases) {
          const meter = new CpuMeter(server.pid);
          const abusing = phase === 'idle' ? undefined : abuse(server.port, phase, setup, PHASE_MS);
          const latencies = await measureOthers(others, setup.chatRoom, PHASE_MS);
          const abuser = await abusing;
          const cpu = meter.read();
          const summary = summarize(latencies);
          if (phase === 'idle') {
            idleP99 = summary.p99;
            rows.push(info('abuse', "idle: others' p50", fmt.ms(summary.p50)));
            rows.push(info('abuse', "idle: others' p99", fmt.ms(summary.p99)));
          } else {
            rows.push(info('abuse', `${phase}: others' p50`, fmt.ms(summary.p50)));
            rows.push(checked('abuse', `${phase}: others' p99`, summary.p99, fmt.ms, 2 * idleP99, false));
            rows.push(
              info(
                'abuse',
                `${phase}: abuser`,
                `${fmt.count(abuser!.replies)} replies, dropped ${fmt.count(abuser!.drops)}×`,
              ),
            );
          }
          rows.push(
            info('abuse', `${phase}: server CPU`, `${Math.round((cpu.server / (PHASE_MS / 1000)) * 100)}% of a core`),
          );
          // Let the server finish what the abuser left queued before the next phase.
          await sleep(1000);
        }
        for (const other of others) other.destroy();
      } finally {
        await server.stop();
      }
    } finally {
      removeTempDir(dataDir);
    }
    return rows;
  },
};
