/**
 * Preloaded into the benchmark's server process (`node --import <this file> …`, see
 * server-loop.ts) and inert until asked: it keeps an event-loop delay histogram
 * (perf_hooks.monitorEventLoopDelay, 1 ms resolution), and on SIGUSR2 writes one JSON line with
 * its p50 / p99 / max in µs to stderr and starts a new one. The delay includes both work that
 * blocked the loop and time the process waited for a CPU.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();

process.on('SIGUSR2', () => {
  const us = (ns: number) => Math.round(ns / 1e3);
  const benchLoop = {
    p50: us(histogram.percentile(50)),
    p99: us(histogram.percentile(99)),
    max: us(histogram.max),
    count: histogram.count,
  };
  histogram.reset();
  process.stderr.write(`${JSON.stringify({ benchLoop })}\n`);
});
