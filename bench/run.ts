/**
 * `npm run bench` runs every benchmark in sequence; `npm run bench -- burst join` runs some.
 * `npm run bench -- --list` lists them. `npm run bench -- --vs ngircd [burst paced one-hop]
 * [--pairs N]` runs those loads against ngIRCd and Parley side by side instead (bench/vs-ngircd.ts).
 * `--receiver-procs K` (or PARLEY_BENCH_RECEIVER_PROCS) spreads the fan-out loads' receivers over K
 * load-generator processes (bench/lib/receiver-pool.ts). Each benchmark starts the real headless server as a child
 * process on 127.0.0.1 with a temp data folder (see bench/lib/server-process.ts) and stops it.
 *
 * Prints a results table (PASS/MISS against the targets from the issue) and a machine line.
 * Benchmarks are measurements, not tests: a MISS does not fail the process; only a benchmark
 * that crashed or timed out makes the exit code 1.
 */
import { cpus, totalmem } from 'node:os';
import { abuseBench } from './abuse.ts';
import { connections } from './connections.ts';
import { durable } from './durable.ts';
import { burst, paced } from './fanout.ts';
import { joinLarge } from './join-large.ts';
import { oneHop } from './one-hop.ts';
import { scale } from './scale.ts';
import { transfer } from './transfer.ts';
import { receiverProcsWanted } from './lib/receiver-pool.ts';
import { formatTable, type Benchmark, type ResultRow } from './lib/report.ts';
import { DEFAULT_PAIRS, ngircdLine, pairsWanted, VS_NGIRCD } from './vs-ngircd.ts';

/** A benchmark that has not finished after this long counts as crashed (each has its own, shorter timeouts). */
const WATCHDOG_MS = 5 * 60_000;

const BENCHMARKS: Benchmark[] = [burst, paced, oneHop, durable, joinLarge, connections, abuseBench, scale, transfer];
/** Group names accepted on the command line besides the benchmark names. */
const GROUPS: Record<string, string[]> = { fanout: ['burst', 'paced'] };

function machineLine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  const memory = `${Math.round(totalmem() / 1024 ** 3)} GiB`;
  return `machine: ${model}, ${list.length} cores, ${memory}, Node ${process.version}, ${process.platform}-${process.arch}`;
}

function usage(): string {
  const names = BENCHMARKS.map((b) => `  ${b.name.padEnd(12)} ${b.title}`).join('\n');
  const vs = VS_NGIRCD.map((b) => `  ${b.name.padEnd(12)} ${b.title}`).join('\n');
  return (
    `Usage: npm run bench [-- <name>...] [--receiver-procs K]\n` +
    `       npm run bench -- --vs ngircd [<name>...] [--pairs N] [--receiver-procs K]\n\n` +
    `Benchmarks:\n${names}\n  ${'fanout'.padEnd(12)} burst + paced\n\n` +
    `With --vs ngircd (${DEFAULT_PAIRS} pairs unless --pairs N or PARLEY_BENCH_PAIRS):\n${vs}\n\n` +
    `--receiver-procs K (or PARLEY_BENCH_RECEIVER_PROCS): burst and paced read their receivers in K\n` +
    `load-generator processes instead of 1 (the same design against every target).\n`
  );
}

/**
 * Splits off `--vs <name>`, `--pairs <n>` (read again by bench/vs-ngircd.ts) and
 * `--receiver-procs <k>` (read again by bench/lib/receiver-pool.ts) from the names.
 */
function parseArgs(args: string[]): { vs: string | undefined; names: string[] } {
  let vs: string | undefined;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--vs') vs = args[++i] ?? '';
    else if (args[i] === '--pairs' || args[i] === '--receiver-procs') i++;
    else names.push(args[i]!);
  }
  return { vs, names };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h') || args.includes('--list')) {
    process.stdout.write(usage());
    return 0;
  }
  const { vs, names } = parseArgs(args);
  if (vs !== undefined && vs !== 'ngircd') {
    process.stderr.write(`--vs knows only ngircd, not ${JSON.stringify(vs)}\n\n${usage()}`);
    return 2;
  }
  let receiverProcs: number;
  try {
    if (vs !== undefined) pairsWanted();
    receiverProcs = receiverProcsWanted();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const pool = vs === undefined ? BENCHMARKS : VS_NGIRCD;
  const wanted = new Set(names.flatMap((a) => GROUPS[a] ?? [a]));
  const unknown = [...wanted].filter((name) => !pool.some((b) => b.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown benchmark${vs ? ` for --vs ${vs}` : ''}: ${unknown.join(', ')}\n\n${usage()}`);
    return 2;
  }
  const selected = wanted.size === 0 ? pool : pool.filter((b) => wanted.has(b.name));

  const machine = machineLine();
  process.stdout.write(`${machine}\n`);
  if (receiverProcs > 1) process.stdout.write(`load generator: fan-out receivers read by ${receiverProcs} processes\n`);
  // Fetched and unpacked here on the first run, so that a missing apt-get is reported before any load.
  if (vs === 'ngircd') {
    try {
      process.stdout.write(`${ngircdLine()}\n`);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
  }
  process.stdout.write('\n');
  const rows: ResultRow[] = [];
  let crashed = 0;
  for (const bench of selected) {
    process.stdout.write(`running ${bench.name}: ${bench.title} …\n`);
    const started = Date.now();
    let watchdog: NodeJS.Timeout | undefined;
    try {
      const timedOut = new Promise<never>((_, reject) => {
        watchdog = setTimeout(() => reject(new Error(`no result after ${WATCHDOG_MS / 1000} s`)), WATCHDOG_MS);
      });
      const result = await Promise.race([bench.run(), timedOut]);
      rows.push(...result);
      process.stdout.write(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      crashed++;
      const message = error instanceof Error ? error.message : String(error);
      process.stdout.write(`  FAILED: ${message}\n`);
      rows.push({
        bench: bench.name,
        metric: 'crashed',
        value: message.split('\n')[0]!.slice(0, 60),
        target: '',
        status: '',
      });
    } finally {
      clearTimeout(watchdog);
    }
  }
  const statuses = rows.map((r) => r.status);
  const pass = statuses.filter((s) => s === 'PASS').length;
  const miss = statuses.filter((s) => s === 'MISS').length;
  process.stdout.write(`\n${formatTable(rows)}\n\n`);
  process.stdout.write(`${pass} PASS, ${miss} MISS${crashed > 0 ? `, ${crashed} CRASHED` : ''}\n${machine}\n`);
  return crashed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    // After a crash something may still hold the event loop open: exit (children are killed and
    // temp folders removed by the exit handler in lib/server-process.ts).
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${String((error as Error)?.stack ?? error)}\n`);
    process.exitCode = 1;
  },
);
