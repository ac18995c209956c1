/**
 * `npm run bench -- --vs ngircd [burst] [paced] [one-hop] [--pairs N]`: the same loads against
 * ngIRCd (lib/ngircd.ts, from Debian's package) and against Parley, alternating, in one run.
 *
 * Each comparison runs N pairs (default 3; --pairs or PARLEY_BENCH_PAIRS for a quicker run); the
 * side that goes first alternates from pair to pair (ngIRCd first in pair 1, Parley first in
 * pair 2, …) so that a machine getting busier or quieter does not favour one side. Every run
 * starts a fresh server process and warms it up (the loops in lib/fanout-loop.ts and
 * lib/hop-loop.ts). For each figure it prints both values and the ratio Parley ÷ ngIRCd per pair,
 * then the median ratio and its spread, and the targets as PASS/MISS on the median ratio.
 */
import { RECEIVERS, MESSAGES, PACED_RATE, runFanout, type FanoutMode, type FanoutResult } from './lib/fanout-loop.ts';
import { HOP_SAMPLES, runHop, type HopResult } from './lib/hop-loop.ts';
import { ircTarget } from './lib/irc-target.ts';
import { ngircdInstall } from './lib/ngircd.ts';
import { parleyTarget } from './lib/parley-target.ts';
import { checked, fmt, info, type Benchmark, type ResultRow } from './lib/report.ts';
import type { Target } from './lib/target.ts';

export const DEFAULT_PAIRS = 3;

type Side = 'ngIRCd' | 'Parley';

interface Figure<R> {
  metric: string;
  value: (result: R) => number;
  format: (v: number) => string;
  /** The target for the ratio Parley ÷ ngIRCd, when it sets one. */
  target?: { ratio: number; higherIsBetter: boolean };
}

interface Comparison<R> {
  name: string;
  title: string;
  start: (side: Side) => Promise<Target>;
  measure: (target: Target) => Promise<R>;
  figures: Figure<R>[];
  /** CPU reading and wall time of the measured phase, for the "others + steal" column. */
  load: (result: R) => { others: number; steal: number; seconds: number };
  /** Context per side shown under the table (e.g. bytes per delivery). */
  notes?: (result: R) => string;
}

interface Run<R> {
  pair: number;
  side: Side;
  result: R;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ratioText = (v: number) => v.toFixed(2);
const mega = (v: number) => `${(v / 1e6).toFixed(2)} M/s`;

function othersText(load: { others: number; steal: number; seconds: number }): string {
  const s = load.others + load.steal;
  return `${fmt.seconds(s)} (${Math.round((s / load.seconds) * 100)}% of a core)`;
}

/** Aligned columns: the first column left-aligned, the others right-aligned. */
function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => {
          const fill = ' '.repeat(widths[c]! - [...cell].length);
          return c === 0 ? cell + fill : fill + cell;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function once<R>(comparison: Comparison<R>, side: Side): Promise<R> {
  const target = await comparison.start(side);
  try {
    return await comparison.measure(target);
  } finally {
    await target.stop();
  }
}

/** --pairs N or PARLEY_BENCH_PAIRS, else DEFAULT_PAIRS; throws on a value that is not a count. */
export function pairsWanted(): number {
  const args = process.argv.slice(2);
  const at = args.indexOf('--pairs');
  const raw = at >= 0 ? args[at + 1] : process.env['PARLEY_BENCH_PAIRS'];
  if (raw === undefined) return DEFAULT_PAIRS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--pairs wants a whole number ≥ 1, not ${raw}`);
  return n;
}

async function compare<R>(comparison: Comparison<R>): Promise<ResultRow[]> {
  const pairs = pairsWanted();
  const runs: Run<R>[] = [];
  for (let pair = 1; pair <= pairs; pair++) {
    const order: Side[] = pair % 2 === 1 ? ['ngIRCd', 'Parley'] : ['Parley', 'ngIRCd'];
    for (const side of order) {
      const result = await once(comparison, side);
      runs.push({ pair, side, result });
      const first = comparison.figures[0]!;
      process.stdout.write(
        `  pair ${pair} ${side.padEnd(6)}  ${first.metric} ${first.format(first.value(result))}, ` +
          `other processes + steal ${othersText(comparison.load(result))}\n`,
      );
    }
  }
  const of = (pair: number, side: Side) => runs.find((r) => r.pair === pair && r.side === side)!.result;
  const pairNumbers = Array.from({ length: pairs }, (_, i) => i + 1);

  const table: string[][] = [['figure', 'pair', 'first', 'ngIRCd', 'Parley', 'Parley ÷ ngIRCd']];
  const rows: ResultRow[] = [];
  for (const figure of comparison.figures) {
    const ratios = pairNumbers.map((p) => figure.value(of(p, 'Parley')) / figure.value(of(p, 'ngIRCd')));
    pairNumbers.forEach((p, i) => {
      table.push([
        i === 0 ? figure.metric : '',
        String(p),
        p % 2 === 1 ? 'ngIRCd' : 'Parley',
        figure.format(figure.value(of(p, 'ngIRCd'))),
        figure.format(figure.value(of(p, 'Parley'))),
        ratioText(ratios[i]!),
      ]);
    });
    const mid = median(ratios);
    const spread = `${ratioText(Math.min(...ratios))}–${ratioText(Math.max(...ratios))}`;
    table.push(['', 'median', '', '', '', `${ratioText(mid)} (${spread})`]);
    const metric = `${figure.metric}, Parley ÷ ngIRCd`;
    const value = `${ratioText(mid)} (${spread})`;
    if (figure.target) {
      const { ratio, higherIsBetter } = figure.target;
      rows.push({ ...checked(comparison.name, metric, mid, ratioText, ratio, higherIsBetter), value });
    } else {
      rows.push(info(comparison.name, metric, value));
    }
    const sideMedian = (side: Side) =>
      figure.format(median(runs.filter((r) => r.side === side).map((r) => figure.value(r.result))));
    rows.push(info(comparison.name, '  ngIRCd / Parley, medians', `${sideMedian('ngIRCd')} / ${sideMedian('Parley')}`));
  }
  rows.unshift(info(comparison.name, 'pairs (ratio: median (min–max))', String(pairs)));
  const loads = runs.map((r) => comparison.load(r.result));
  const shares = loads.map((l) => Math.round(((l.others + l.steal) / l.seconds) * 100));
  rows.push(
    info(
      comparison.name,
      'other processes + steal, per run',
      `${Math.min(...shares)}–${Math.max(...shares)}% of a core`,
    ),
  );

  process.stdout.write(`\n${columns(table)}\n`);
  if (comparison.notes) {
    for (const side of ['ngIRCd', 'Parley'] as const) {
      process.stdout.write(`  ${side}: ${comparison.notes(of(1, side))}\n`);
    }
  }
  process.stdout.write('\n');
  return rows;
}

const startFanout = (side: Side) => (side === 'ngIRCd' ? ircTarget(RECEIVERS) : parleyTarget(RECEIVERS));
const startHop = (side: Side) => (side === 'ngIRCd' ? ircTarget(1) : parleyTarget(1));

function fanoutComparison(mode: FanoutMode, figures: Figure<FanoutResult>[]): Comparison<FanoutResult> {
  return {
    name: mode,
    title:
      mode === 'burst'
        ? `fan-out, ${RECEIVERS} receivers, ${MESSAGES} messages sent at once`
        : `fan-out, ${RECEIVERS} receivers, ${MESSAGES} messages at ${PACED_RATE} msg/s`,
    start: startFanout,
    measure: (target) => runFanout(target, mode),
    figures,
    load: (r) => ({ ...r.cpu, seconds: r.seconds }),
    notes: (r) =>
      `${r.bytesPerSend.toFixed(0)} bytes per send, ${r.bytesPerDelivery.toFixed(0)} bytes per delivery (framing included)`,
  };
}

const burstComparison = fanoutComparison('burst', [
  {
    metric: 'deliveries/s',
    value: (r) => r.deliveriesPerSecond,
    format: mega,
    target: { ratio: 1.2, higherIsBetter: true },
  },
  { metric: 'latency p99', value: (r) => r.latencyMs.p99, format: fmt.ms },
  // On 2 cores the load generator (one process reading 200 sockets) is what bounds a burst: these
  // two say whose CPU the burst took, which deliveries/s alone cannot (docs/BENCHMARKS.md).
  { metric: 'server CPU', value: (r) => r.cpu.server, format: fmt.seconds },
  { metric: 'load-generator CPU', value: (r) => r.cpu.load, format: fmt.seconds },
]);

const pacedComparison = fanoutComparison('paced', [
  { metric: 'latency p50', value: (r) => r.latencyMs.p50, format: fmt.ms },
  {
    metric: 'latency p99',
    value: (r) => r.latencyMs.p99,
    format: fmt.ms,
    target: { ratio: 1, higherIsBetter: false },
  },
  {
    metric: 'server CPU',
    value: (r) => r.cpu.server,
    format: fmt.seconds,
    target: { ratio: 1, higherIsBetter: false },
  },
]);

const cpuPerMessageUs = (r: HopResult) => (r.middleCpu / r.samples) * 1e6;

const oneHopComparison: Comparison<HopResult> = {
  name: 'one-hop',
  title: `idle one-hop latency, 2 clients, ${HOP_SAMPLES} sequential messages`,
  start: startHop,
  measure: (target) => runHop(target, `one-hop ${target.name}`),
  figures: [
    { metric: 'latency p50', value: (r) => r.latencyUs.p50, format: fmt.us },
    { metric: 'latency p99', value: (r) => r.latencyUs.p99, format: fmt.us },
    // One clock tick of /proc CPU time is 10 ms, so over 2000 messages the resolution is 5 µs.
    { metric: 'server CPU per message', value: cpuPerMessageUs, format: fmt.us },
  ],
  load: (r) => ({ ...r.cpu, seconds: r.seconds }),
};

function benchmark<R>(comparison: Comparison<R>): Benchmark {
  return {
    name: comparison.name,
    title: `${comparison.title}: ngIRCd and Parley, alternating`,
    run: () => compare(comparison),
  };
}

/** The comparisons, as the runner's benchmarks (bench/run.ts selects them with --vs ngircd). */
export const VS_NGIRCD: Benchmark[] = [
  benchmark(burstComparison),
  benchmark(pacedComparison),
  benchmark(oneHopComparison),
];

/** A line naming the ngIRCd build (fetching and unpacking it first if the cache is empty). */
export function ngircdLine(): string {
  const install = ngircdInstall();
  return `ngIRCd: ${install.version} (Debian package ${install.packageVersion}), ${install.binary}`;
}
