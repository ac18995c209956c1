/**
 * Fan-out: 200 clients in one Parley room, one sender, 2000 messages of ~100 bytes of text,
 * written all at once (burst) or one every 2 ms (paced). The load loop, its checks and its
 * statistics are in lib/fanout-loop.ts (shared with the ngIRCd comparison, bench/vs-ngircd.ts);
 * the room on the real server is lib/parley-target.ts.
 */
import { MESSAGES, RECEIVERS, runFanout, type FanoutMode, type FanoutResult } from './lib/fanout-loop.ts';
import { parleyTarget } from './lib/parley-target.ts';
import { checked, cpuRows, fmt, info, type Benchmark, type ResultRow } from './lib/report.ts';

const TARGET_BURST_DELIVERIES = 1_000_000;
const TARGET_PACED_P99_MS = 13;
const LOAD = `${RECEIVERS} × ${MESSAGES}`;

function rows(mode: FanoutMode, result: FanoutResult): ResultRow[] {
  const out: ResultRow[] = [];
  const { latencyMs: l } = result;
  if (mode === 'burst') {
    out.push(
      checked(
        'burst',
        `deliveries/s (${LOAD})`,
        result.deliveriesPerSecond,
        fmt.perSecond,
        TARGET_BURST_DELIVERIES,
        true,
      ),
    );
  } else {
    out.push(info('paced', `deliveries/s (${LOAD})`, fmt.perSecond(result.deliveriesPerSecond)));
  }
  out.push(info(mode, 'first send → last delivery', fmt.seconds(result.seconds)));
  out.push(info(mode, 'latency p50', fmt.ms(l.p50)));
  if (mode === 'paced') out.push(checked('paced', 'latency p99', l.p99, fmt.ms, TARGET_PACED_P99_MS, false));
  else out.push(info(mode, 'latency p99', fmt.ms(l.p99)));
  out.push(info(mode, 'latency max', fmt.ms(l.max)));
  if (mode === 'paced') {
    const spread = result.spreadMs;
    out.push(info(mode, 'spread first → last receiver p50 / p99', `${fmt.ms(spread.p50)} / ${fmt.ms(spread.p99)}`));
  }
  out.push(...cpuRows(mode, result.cpu, result.seconds));
  return out;
}

async function run(mode: FanoutMode): Promise<ResultRow[]> {
  const target = await parleyTarget(RECEIVERS);
  try {
    return rows(mode, await runFanout(target, mode));
  } finally {
    await target.stop();
  }
}

export const burst: Benchmark = {
  name: 'burst',
  title: `fan-out, ${RECEIVERS} receivers, ${MESSAGES} messages sent at once`,
  run: () => run('burst'),
};

export const paced: Benchmark = {
  name: 'paced',
  title: `fan-out, ${RECEIVERS} receivers, ${MESSAGES} messages at 500 msg/s`,
  run: () => run('paced'),
};
