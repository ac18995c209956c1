/** Result rows and the table the runner prints. */

export type Status = 'PASS' | 'MISS' | '';

export interface ResultRow {
  /** Benchmark name, as given to `npm run bench -- <name>`. */
  bench: string;
  metric: string;
  /** The figure, formatted with its unit. */
  value: string;
  /** The target, formatted ('' when the row is context only). */
  target: string;
  status: Status;
}

export interface Benchmark {
  name: string;
  /** One line: what it measures. */
  title: string;
  run(): Promise<ResultRow[]>;
}

/** A row compared with a target: `higherIsBetter` decides which side of the target passes. */
export function checked(
  bench: string,
  metric: string,
  value: number,
  format: (v: number) => string,
  target: number,
  higherIsBetter: boolean,
): ResultRow {
  const pass = Number.isFinite(value) && (higherIsBetter ? value >= target : value <= target);
  return {
    bench,
    metric,
    value: format(value),
    target: `${higherIsBetter ? '≥' : '≤'} ${format(target)}`,
    status: pass ? 'PASS' : 'MISS',
  };
}

/** A row without a target (context for the analysis). */
export function info(bench: string, metric: string, value: string): ResultRow {
  return { bench, metric, value, target: '', status: '' };
}

/** CPU used during a phase of `wall` seconds: the server, this load generator, everything else. */
export function cpuRows(
  bench: string,
  cpu: { server: number; load: number; others: number; steal: number },
  wall: number,
): ResultRow[] {
  const share = (s: number) => `${fmt.seconds(s)} (${Math.round((s / wall) * 100)}% of a core)`;
  return [
    info(bench, 'server CPU', share(cpu.server)),
    info(bench, 'load-generator CPU', share(cpu.load)),
    info(bench, 'other processes + steal', share(cpu.others + cpu.steal)),
  ];
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const fmt = {
  count: (v: number) => grouped.format(v),
  perSecond: (v: number) => `${grouped.format(v)}/s`,
  ms: (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`,
  us: (v: number) => `${v.toFixed(0)} µs`,
  seconds: (v: number) => `${v.toFixed(2)} s`,
};

function pad(text: string, width: number, right = false): string {
  // Count code points so that 'µ' and '≥' do not shift the columns.
  const length = [...text].length;
  const fill = ' '.repeat(Math.max(0, width - length));
  return right ? fill + text : text + fill;
}

export function formatTable(rows: readonly ResultRow[]): string {
  const header: ResultRow = { bench: 'benchmark', metric: 'metric', value: 'result', target: 'target', status: '' };
  const all = [header, ...rows];
  const w = {
    bench: Math.max(...all.map((r) => [...r.bench].length)),
    metric: Math.max(...all.map((r) => [...r.metric].length)),
    value: Math.max(...all.map((r) => [...r.value].length)),
    target: Math.max(...all.map((r) => [...r.target].length)),
  };
  const line = (r: ResultRow) =>
    [pad(r.bench, w.bench), pad(r.metric, w.metric), pad(r.value, w.value, true), pad(r.target, w.target), r.status]
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(w.bench + w.metric + w.value + w.target + 14);
  const out = [line({ ...header, status: 'status' as Status }), rule];
  let previous = '';
  for (const row of rows) {
    if (previous && row.bench !== previous) out.push('');
    out.push(line(row));
    previous = row.bench;
  }
  return out.join('\n');
}
