/**
 * One-hop idle latency: two clients in a Parley room; A sends, B receives; the next message is
 * sent only after B got the previous one and A got its acknowledgement, so the server is idle
 * each time. The loop is lib/hop-loop.ts (shared with the ngIRCd comparison, bench/vs-ngircd.ts).
 *
 * The same loop is run against bench/lib/relay.ts, a bare Node process with the server's event-loop
 * shape but no JSON, validation or SQLite: the floor that Node and this machine's loopback allow.
 */
import { HOP_SAMPLES, runHop, type HopResult } from './lib/hop-loop.ts';
import { parleyTarget, relayTarget } from './lib/parley-target.ts';
import { checked, fmt, info, type Benchmark, type ResultRow } from './lib/report.ts';
import type { Target } from './lib/target.ts';

const TARGET_P50_US = 100;

export async function hopThrough(start: () => Promise<Target>, label: string): Promise<HopResult> {
  const target = await start();
  try {
    return await runHop(target, label);
  } finally {
    await target.stop();
  }
}

/** Server CPU per measured message, in µs. */
export function cpuPerMessageUs(result: HopResult): number {
  return (result.middleCpu / result.samples) * 1e6;
}

async function run(): Promise<ResultRow[]> {
  const server = await hopThrough(() => parleyTarget(1), 'one-hop');
  const relay = await hopThrough(relayTarget, 'one-hop relay');
  const s = server.latencyUs;
  return [
    checked('one-hop', 'latency p50 (A → server → B)', s.p50, fmt.us, TARGET_P50_US, false),
    info('one-hop', 'latency p99', fmt.us(s.p99)),
    info('one-hop', 'latency min / max', `${fmt.us(s.min)} / ${fmt.us(s.max)}`),
    info('one-hop', 'server CPU per message', fmt.us(cpuPerMessageUs(server))),
    info(
      'one-hop',
      'floor: bare Node relay p50 / p99',
      `${fmt.us(relay.latencyUs.p50)} / ${fmt.us(relay.latencyUs.p99)}`,
    ),
    info('one-hop', 'floor: relay CPU per message', fmt.us(cpuPerMessageUs(relay))),
  ];
}

export const oneHop: Benchmark = {
  name: 'one-hop',
  title: `idle one-hop latency, 2 clients, ${HOP_SAMPLES} sequential messages`,
  run,
};
