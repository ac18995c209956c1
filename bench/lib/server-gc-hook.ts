/**
 * Preloaded into the benchmark's server process (`node --expose-gc --import <this file> …`, see
 * server-memory.ts) and inert until asked: on SIGUSR2 it runs full garbage collections and writes
 * one JSON line with process.memoryUsage() to stderr. A memory figure read from outside would
 * otherwise include whatever garbage the set-up left (every join broadcasts member_joined to every
 * member: N²/2 frames for N clients), and how much of it V8 has collected yet is luck.
 */
const collect = (globalThis as { gc?: () => void }).gc;

process.on('SIGUSR2', () => {
  if (!collect) {
    process.stderr.write(`${JSON.stringify({ benchMemory: null, reason: 'run node with --expose-gc' })}\n`);
    return;
  }
  collect();
  // Backing stores of collected Buffers are freed by tasks that run after the collection; a second
  // pass a little later also frees what the first one's finalizers released.
  setTimeout(() => {
    collect();
    setTimeout(() => process.stderr.write(`${JSON.stringify({ benchMemory: process.memoryUsage() })}\n`), 50);
  }, 50);
});
