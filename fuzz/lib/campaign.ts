/**
 * One fuzz campaign against the real headless server (a child process on 127.0.0.1 with a temp
 * data folder): several fuzz connections write mutated frames while the canary keeps chatting;
 * bounded by a frame count and a time limit, fully determined by the seed (but for timing).
 * Afterwards the server is stopped with SIGTERM and its database audited.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir, ServerProcess } from '../../bench/lib/server-process.ts';
import { percentile } from '../../bench/lib/stats.ts';
import { DATABASE_FILE } from '../../src/main/core/store/history-store.ts';
import { auditDatabase, type AuditResult } from './audit.ts';
import { Canary } from './canary.ts';
import { fuzzStep, KnownIds } from './frames.ts';
import { Rng } from './rng.ts';
import { WireConnection } from './wire.ts';

export interface CampaignOptions {
  seed: number;
  frames: number;
  seconds: number;
  connections: number;
  /** Printed as the run goes (the CLI passes console.log; the test passes nothing). */
  log?: (line: string) => void;
}

export interface CampaignReport {
  seed: number;
  framesSent: number;
  byKind: Record<string, number>;
  reconnects: number;
  seconds: number;
  /** Set when the server process ended before it was asked to (a crash). */
  crash?: string;
  /** Exit code (or signal) after SIGTERM; 0 is a clean shutdown. */
  shutdownExit: number | string | null;
  rssMb: { start: number; end: number; max: number };
  /** Latencies while fuzzing; `idleP50Ms` from the half second before the fuzzers started. */
  canary: { messages: number; idleP50Ms: number; p50Ms: number; p99Ms: number; maxMs: number; failures: string[] };
  audit: AuditResult;
  ok: boolean;
}

/** Default limits but rate and connection caps lifted: every fuzzed frame reaches a handler. */
const FUZZ_LIMITS = { rate_per_second: 1_000_000, rate_burst: 1_000_000, max_connections_per_ip: 1000 };

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN; // not Linux, or the process is gone
  }
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const log = options.log ?? (() => {});
  const rng = new Rng(options.seed);
  const workDir = makeTempDir('parley-fuzz-');
  const dataDir = join(workDir, 'data');
  const server = await ServerProcess.start({ dataDir, limits: FUZZ_LIMITS });
  let crash: string | undefined;
  let stopping = false;
  server.child.once('exit', (code, signal) => {
    if (!stopping) crash = `server exited (${code ?? signal}) during the run`;
  });
  const canary = new Canary();
  await canary.start(server.port);
  const rss = { start: rssMb(server.pid), end: 0, max: 0 };
  const rssTimer = setInterval(() => (rss.max = Math.max(rss.max, rssMb(server.pid) || 0)), 250);
  log(
    `seed ${options.seed}: ${options.frames} frames, ${options.seconds} s, ${options.connections} connections, server pid ${server.pid} on port ${server.port}`,
  );

  // The canary alone for half a second: its idle latency, the baseline for the figures under load.
  await new Promise((wake) => setTimeout(wake, 500));
  const idle = canary.latenciesMs.splice(0).sort((a, b) => a - b);

  const ids = new KnownIds();
  ids.rooms.push(canary.roomId);
  const byKind: Record<string, number> = {};
  let sent = 0;
  let reconnects = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const more = () => sent < options.frames && performance.now() < deadline && crash === undefined;

  // Each worker draws from its own generator (seeded from the campaign's) so that interleaving
  // across sockets does not change what any one of them sends.
  const worker = async (workerRng: Rng) => {
    let n = 0; // this worker's frame counter: request ids and msgIds do not depend on interleaving
    while (more()) {
      const connection = await WireConnection.open(server.port, (frame) => ids.learn(frame)).catch(() => undefined);
      if (!connection) {
        await new Promise((wake) => setTimeout(wake, 50));
        continue;
      }
      reconnects++;
      if (workerRng.chance(0.8)) {
        const name = `Fuzzer ${workerRng.int(1e9).toString(36)}`;
        await connection.request({ type: 'hello', protocol: 1, name, client: 'fuzz' }, 'welcome', 5000);
      }
      for (let steps = 50 + workerRng.int(300); steps > 0 && more() && !connection.closed; steps--) {
        const step = fuzzStep(workerRng, ids, n++, canary.maxFrameBytes);
        sent++;
        byKind[step.kind] = (byKind[step.kind] ?? 0) + 1;
        await connection.write(step.bytes);
        if (step.close) break;
        // Let replies flow now and then, as a client that reads would.
        if (steps % 16 === 0) await new Promise((wake) => setImmediate(wake));
      }
      connection.close();
    }
  };
  const progress = setInterval(
    () => log(`  ${sent} frames, canary ${canary.latenciesMs.length} messages, rss ${rssMb(server.pid).toFixed(0)} MB`),
    5000,
  );
  await Promise.all(Array.from({ length: options.connections }, () => worker(new Rng(rng.int(2 ** 32)))));
  clearInterval(progress);
  const seconds = (performance.now() - started) / 1000;

  // A last canary round trip after the storm: the server still answers a normal user.
  await new Promise((wake) => setTimeout(wake, 200));
  await canary.stop();
  clearInterval(rssTimer);
  rss.end = rssMb(server.pid);
  rss.max = Math.max(rss.max, rss.end || 0);
  stopping = true;
  if (crash === undefined && !server.running) crash = 'server is not running';
  await server.stop();
  const shutdownExit = server.child.exitCode ?? server.child.signalCode;
  const audit = auditDatabase(join(dataDir, DATABASE_FILE), canary.maxTextChars);
  removeTempDir(workDir);

  const latencies = [...canary.latenciesMs].sort((a, b) => a - b);
  const report: CampaignReport = {
    seed: options.seed,
    framesSent: sent,
    byKind,
    reconnects,
    seconds,
    ...(crash === undefined ? {} : { crash }),
    shutdownExit,
    rssMb: rss,
    canary: {
      messages: latencies.length,
      idleP50Ms: percentile(idle, 50),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      failures: canary.failures,
    },
    audit,
    ok: false,
  };
  report.ok =
    crash === undefined &&
    shutdownExit === 0 &&
    canary.failures.length === 0 &&
    latencies.length > 0 &&
    audit.bad.length === 0;
  return report;
}
