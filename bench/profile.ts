/**
 * `node bench/profile.ts <name>... [--out <dir>] [--top <n>]`: runs benchmarks with the server
 * under `node --cpu-prof` and prints where the server's CPU time went during the measured phase
 * only (setup, warm-up and shutdown samples are cut away using the windows the benchmarks mark).
 * The full .cpuprofile files stay in --out (default tmp/profiles) for Chrome DevTools / VS Code.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connections } from './connections.ts';
import { durable } from './durable.ts';
import { burst, paced } from './fanout.ts';
import { joinLarge } from './join-large.ts';
import { oneHop } from './one-hop.ts';
import { scale } from './scale.ts';
import { transfer } from './transfer.ts';
import type { Benchmark } from './lib/report.ts';
import { serverDefaults, startedServerPids } from './lib/server-process.ts';
import { measuredWindows, type Window } from './lib/stats.ts';

const BENCHMARKS: Benchmark[] = [burst, paced, oneHop, durable, joinLarge, connections, scale, transfer];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? url.split('/').slice(-2).join('/') : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

/** Self and inclusive sampled time per function, counting only samples inside `windows`. */
function summarize(profile: CpuProfile, windows: Window[], top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const weight = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample covers the interval up to the next one.
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (!windows.some((w) => t >= w.fromUs && t <= w.toUs)) continue;
    const id = profile.samples[i]!;
    weight.set(id, (weight.get(id) ?? 0) + dt);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, w] of weight) {
    total += w;
    const name = frameName(byId.get(id)!);
    if (name.startsWith('(idle)')) idle += w;
    self.set(name, (self.get(name) ?? 0) + w);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = frameName(byId.get(cur)!);
      if (seen.has(n)) continue;
      seen.add(n);
      inclusive.set(n, (inclusive.get(n) ?? 0) + w);
    }
  }
  const busy = total - idle;
  const line = (name: string, us: number) =>
    `${(us / 1e3).toFixed(1).padStart(9)} ms ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${name}`;
  const wall = windows.reduce((s, w) => s + (w.toUs - w.fromUs), 0);
  const out = [
    `measured window ${(wall / 1e3).toFixed(0)} ms: sampled ${(total / 1e3).toFixed(0)} ms, idle ${(idle / 1e3).toFixed(0)} ms, ` +
      `busy ${(busy / 1e3).toFixed(0)} ms (percentages are of busy)`,
    '  self time:',
    ...[...self]
      .filter(([n]) => !n.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([n, us]) => line(n, us)),
    '  inclusive time, project code and I/O:',
    ...[...inclusive]
      .filter(([n]) =>
        /(src\/|core\/|framing\/|store\/|server\/|shared\/)|writeBuffer|writev|Socket\._write|onStreamRead/.test(n),
      )
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([n, us]) => line(n, us)),
  ];
  return out.join('\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string', default: 'tmp/profiles' }, top: { type: 'string', default: '25' } },
  });
  const outDir = resolve(values.out);
  const top = Number(values.top);
  const selected = BENCHMARKS.filter((b) => positionals.includes(b.name));
  if (selected.length === 0) {
    process.stderr.write(
      `Usage: node bench/profile.ts <${BENCHMARKS.map((b) => b.name).join('|')}>... [--out dir] [--top n]\n`,
    );
    return 2;
  }
  mkdirSync(outDir, { recursive: true });
  serverDefaults.nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${outDir}`, '--cpu-prof-interval=100'];
  for (const bench of selected) {
    const firstPid = startedServerPids.length;
    const firstWindow = measuredWindows.length;
    process.stdout.write(`\n== ${bench.name}: ${bench.title}\n`);
    const rows = await bench.run();
    for (const r of rows) process.stdout.write(`  ${r.metric}: ${r.value} ${r.status}\n`);
    const windows = measuredWindows.slice(firstWindow);
    for (const pid of startedServerPids.slice(firstPid)) {
      const file = readdirSync(outDir).find((f) => f.includes(`.${pid}.`) && f.endsWith('.cpuprofile'));
      if (!file) {
        process.stdout.write(`  (no profile written by server ${pid})\n`);
        continue;
      }
      const profile = JSON.parse(readFileSync(resolve(outDir, file), 'utf8')) as CpuProfile;
      const inside = windows.filter((w) => w.toUs >= profile.startTime && w.fromUs <= profile.endTime);
      process.stdout.write(`  server ${pid}: ${resolve(outDir, file)}\n${summarize(profile, inside, top)}\n`);
    }
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`profile: ${String((error as Error)?.stack ?? error)}\n`);
    process.exitCode = 1;
  },
);
