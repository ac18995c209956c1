/**
 * `npm run bench` runs every benchmark in sequence; `npm run bench -- burst join` runs some.
 * `npm run bench -- --list` lists them. Each benchmark starts the real headless server as a child
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
import { formatTable, type Benchmark, type ResultRow } from './lib/report.ts';

/** A benchmark that has not finished after this long counts as crashed (each has its own, shorter timeouts). */
const WATCHDOG_MS = 5 * 60_000;

const BENCHMARKS: Benchmark[] = [burst, paced, oneHop, durable, joinLarge, connections, abuseBench, scale];
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
  return `Usage: npm run bench [-- <name>...]\n\nBenchmarks:\n${names}\n  ${'fanout'.padEnd(12)} burst + paced\n`;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h') || args.includes('--list')) {
    process.stdout.write(usage());
    return 0;
  }
  const wanted = new Set(args.flatMap((a) => GROUPS[a] ?? [a]));
  const unknown = [...wanted].filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown benchmark: ${unknown.join(', ')}\n\n${usage()}`);
    return 2;
  }
  const selected = wanted.size === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => wanted.has(b.name));

  const machine = machineLine();
  process.stdout.write(`${machine}\n\n`);
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
