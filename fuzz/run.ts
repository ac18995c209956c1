/**
 * `npm run fuzz [-- --seed N --frames N --seconds N --connections N]`: one frame-fuzzing campaign
 * against the real headless server (fuzz/README.md). Prints the seed first, a report at the end;
 * exits 1 on a crash, an unclean shutdown, a hurt canary or a stored value that should have been
 * refused, so a failure can be replayed with the printed seed.
 */
import { parseArgs } from 'node:util';
import { runCampaign, type CampaignReport } from './lib/campaign.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    frames: { type: 'string', default: '200000' },
    seconds: { type: 'string', default: '120' },
    connections: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : positive('seed', values.seed);
console.log(`fuzz seed ${seed} (replay: npm run fuzz -- --seed ${seed})`);

function print(report: CampaignReport): void {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
  console.log(
    `frames sent      ${report.framesSent} in ${report.seconds.toFixed(1)} s over ${report.reconnects} connections`,
  );
  console.log(
    `  by kind        ${Object.entries(report.byKind)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log(`server           ${report.crash ?? 'no crash'}; exit after SIGTERM: ${report.shutdownExit}`);
  console.log(
    `server RSS (MB)  start ${f(report.rssMb.start)}, end ${f(report.rssMb.end)}, max ${f(report.rssMb.max)}`,
  );
  const c = report.canary;
  console.log(
    `canary           ${c.messages} messages, p50 ${f(c.idleP50Ms)} ms idle → p50 ${f(c.p50Ms)} ms, p99 ${f(c.p99Ms)} ms, max ${f(c.maxMs)} ms`,
  );
  for (const failure of c.failures) console.log(`  FAIL ${failure}`);
  const counts = Object.entries(report.audit.counts)
    .map(([table, n]) => `${n} ${table}`)
    .join(', ');
  console.log(`database         ${counts}`);
  console.log(
    `                 ${report.audit.rows} values checked, ${report.audit.bad.length} that should have been refused`,
  );
  for (const bad of report.audit.bad.slice(0, 20)) {
    console.log(`  BAD ${bad.table}.${bad.column} ${bad.key}: ${bad.problem}: ${bad.value}`);
  }
  console.log(report.ok ? `OK (seed ${report.seed})` : `FAILED (seed ${report.seed})`);
}

const report = await runCampaign({
  seed,
  frames: positive('frames', values.frames),
  seconds: positive('seconds', values.seconds),
  connections: Math.max(1, positive('connections', values.connections)),
  log: (line) => console.log(line),
});
if (values.json) console.log(JSON.stringify(report));
print(report);
process.exit(report.ok ? 0 : 1);
