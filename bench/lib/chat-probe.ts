/**
 * One-hop chat latency in a room as a probe that runs for as long as a load does: the rules of
 * lib/hop-loop.ts (A writes message i; i + 1 only once B got i and A got its acknowledgement;
 * latency = A's write → the arrival at B, both on this process's hrtime; the first `warmup`
 * messages are checked but not measured), but instead of a fixed count it goes on until
 * `until()` holds, and every sample keeps its send time, so that the caller can keep the
 * samples of a window (e.g. while all four transfers were running).
 *
 * Each run learns the room's last seq first (room_join of a member answers it and announces
 * nothing), so that one pair of connections can be probed again and again in one room; message
 * i of a run is the room's seq firstSeq + i, read at a fixed offset (lib/recogniser.ts).
 */
import { encodeFrame } from '../../src/main/core/framing/frame-codec.ts';
import type { BenchConn } from './bench-conn.ts';
import { messageText } from './bench-conn.ts';
import { TYPE_RESULT } from './parley-target.ts';
import { recogniser } from './recogniser.ts';
import { markWindow, nowNs } from './stats.ts';
import { excerpt, NOT_A_MESSAGE, startsWith } from './target.ts';

export interface ProbeOptions {
  label: string;
  warmup: number;
  /** Measured samples at least (the probe stops after them when `until` is absent or holds). */
  minSamples: number;
  /** Keep going, after minSamples, until this holds (checked after every message). */
  until?: () => boolean;
  /** No result after this long is a failure. */
  timeoutMs: number;
  /** False once the server has exited: the probe stops at once instead of at its timeout. */
  serverRunning: () => boolean;
}

export interface ProbeResult {
  /** Send times (nowNs) of the measured samples, in order. */
  sentNs: Float64Array;
  latencyUs: Float64Array;
}

let runs = 0;

export async function probeChat(a: BenchConn, b: BenchConn, room: string, options: ProbeOptions): Promise<ProbeResult> {
  const joined = await a.call({ type: 'room_join', room, limit: 1 });
  const firstSeq = (joined['room'] as { lastSeq: number }).lastSeq + 1;
  const recognise = recogniser({ kind: 'parley-seq', firstSeq });
  const run = ++runs;
  const frame = (i: number) =>
    encodeFrame({ type: 'send', id: i + 1, room, msgId: `probe-${run}-${i}`, text: messageText(i) });
  const sentNs: number[] = [];
  const latencyUs: number[] = [];

  return new Promise<ProbeResult>((resolve, reject) => {
    let index = 0;
    let sentAt = 0;
    let delivered = false;
    let acked = false;
    const finish = (error?: Error) => {
      clearTimeout(timer);
      clearInterval(watch);
      a.rawHandler = undefined;
      b.rawHandler = undefined;
      if (error) {
        reject(error);
        return;
      }
      if (sentNs.length > 0) markWindow(options.label, sentNs[0]!, nowNs());
      resolve({ sentNs: Float64Array.from(sentNs), latencyUs: Float64Array.from(latencyUs) });
    };
    const timer = setTimeout(
      () => finish(new Error(`${options.label}: timed out after ${index} messages`)),
      options.timeoutMs,
    );
    const watch = setInterval(() => {
      if (!options.serverRunning()) finish(new Error(`${options.label}: the server exited`));
      else if (a.closed || b.closed) finish(new Error(`${options.label}: the server closed a chat connection`));
    }, 50);
    const sendNext = () => {
      const measured = index - options.warmup;
      if (measured >= options.minSamples && (options.until?.() ?? true)) {
        finish();
        return;
      }
      delivered = false;
      acked = false;
      sentAt = nowNs();
      a.socket.write(frame(index));
    };
    const step = () => {
      if (!delivered || !acked) return;
      if (index >= options.warmup) {
        sentNs.push(sentAt);
        latencyUs.push((deliveredAt - sentAt) / 1e3);
      }
      index++;
      sendNext();
    };
    let deliveredAt = 0;
    b.rawHandler = (payload, t) => {
      const got = recognise.messageIndex(payload);
      if (got === NOT_A_MESSAGE) {
        const problem = recognise.problem(payload);
        if (problem) finish(new Error(`${options.label}: receiver: ${problem}`));
        return;
      }
      if (got !== index || delivered) {
        finish(new Error(`${options.label}: receiver got message ${got} while waiting for ${index}`));
        return;
      }
      deliveredAt = t;
      delivered = true;
      step();
    };
    a.rawHandler = (payload) => {
      if (!startsWith(payload, TYPE_RESULT)) {
        finish(new Error(`${options.label}: sender: ${excerpt(payload)}`));
        return;
      }
      if (acked) {
        finish(new Error(`${options.label}: a second ack for message ${index}`));
        return;
      }
      acked = true;
      step();
    };
    sendNext();
  });
}

/** The latencies of the samples sent within [fromNs, toNs]. */
export function samplesWithin(result: ProbeResult, fromNs: number, toNs: number): Float64Array {
  const kept: number[] = [];
  for (let i = 0; i < result.sentNs.length; i++) {
    const t = result.sentNs[i]!;
    if (t >= fromNs && t <= toNs) kept.push(result.latencyUs[i]!);
  }
  return Float64Array.from(kept);
}
