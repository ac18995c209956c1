/**
 * The one-hop load, the same against every target (lib/target.ts) with one receiver: the sender
 * writes message i; message i + 1 is written only once the receiver got message i and (where the
 * target acknowledges) the sender got its acknowledgement, so the server is idle each time.
 * Latency = the sender's write → arrival of the message at the receiver, both from process.hrtime
 * in this process. The first WARMUP messages are not measured (but checked).
 */
import { CpuMeter } from './cpu.ts';
import { markWindow, nowNs, summarize, type Summary } from './stats.ts';
import { NOT_A_MESSAGE, type Target } from './target.ts';

export const HOP_WARMUP = 300;
export const HOP_SAMPLES = 2000;
const TIMEOUT_MS = 60_000;

export interface HopResult {
  latencyUs: Summary;
  /** CPU seconds of the process in the middle during the measured samples. */
  middleCpu: number;
  /** The whole CPU reading of the measured samples (server, load generator, others, steal). */
  cpu: ReturnType<CpuMeter['read']>;
  /** Wall seconds of the measured samples. */
  seconds: number;
  samples: number;
}

export function runHop(target: Target, label: string, samples = HOP_SAMPLES): Promise<HopResult> {
  const a = target.sender;
  const b = target.receivers[0]!;
  const total = HOP_WARMUP + samples;
  const frames = Array.from({ length: total }, (_, i) => target.encode(i));
  const latencyUs = new Float64Array(samples);
  return new Promise((resolve, reject) => {
    let index = 0;
    let sentAt = 0;
    let delivered = false;
    let acked = false;
    let meter: CpuMeter | undefined;
    let measuredFrom = 0;
    const finish = (error?: Error) => {
      clearTimeout(timer);
      clearInterval(watch);
      a.rawHandler = undefined;
      b.rawHandler = undefined;
      if (error) reject(error);
    };
    const timer = setTimeout(() => finish(new Error(`${label}: timed out after ${index} messages`)), TIMEOUT_MS);
    // A crashed server or a closed connection ends the run at once instead of at the timeout.
    const watch = setInterval(() => {
      if (!target.running) finish(new Error(`${label}: ${target.name} exited`));
      else if (a.closed || b.closed) finish(new Error(`${label}: ${target.name} closed a connection`));
    }, 50);
    const sendNext = () => {
      if (index === HOP_WARMUP) {
        meter = new CpuMeter(target.pid);
        measuredFrom = nowNs();
      }
      if (index === total) {
        const end = nowNs();
        markWindow(label, measuredFrom, end);
        const cpu = meter!.read();
        finish();
        resolve({
          latencyUs: summarize(latencyUs),
          middleCpu: cpu.server,
          cpu,
          seconds: (end - measuredFrom) / 1e9,
          samples,
        });
        return;
      }
      delivered = false;
      acked = !target.acks;
      sentAt = nowNs();
      a.socket.write(frames[index]!);
    };
    const step = () => {
      if (!delivered || !acked) return;
      index++;
      sendNext();
    };
    b.rawHandler = (payload, t) => {
      const got = target.messageIndex(payload);
      if (got === NOT_A_MESSAGE) {
        const problem = target.problem(payload, 'receiver');
        if (problem) finish(new Error(`${label}: receiver: ${problem}`));
        return;
      }
      if (got !== index || delivered) {
        finish(new Error(`${label}: receiver got message ${got} while waiting for ${index}`));
        return;
      }
      if (index >= HOP_WARMUP) latencyUs[index - HOP_WARMUP] = (t - sentAt) / 1e3;
      delivered = true;
      step();
    };
    a.rawHandler = (payload) => {
      if (target.isAck(payload)) {
        if (acked) {
          finish(new Error(`${label}: a second ack for message ${index}`));
          return;
        }
        acked = true;
        step();
        return;
      }
      const problem = target.problem(payload, 'sender');
      if (problem) finish(new Error(`${label}: sender: ${problem}`));
    };
    sendNext();
  });
}
