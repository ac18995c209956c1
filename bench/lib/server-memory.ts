/**
 * The benchmark server's memory after a garbage collection, asked for through server-gc-hook.ts
 * (which a server gets by starting with `gcHookNodeArgs()`), read until two readings agree.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sleep } from './stats.ts';
import type { ServerProcess } from './server-process.ts';

export interface MemoryReading {
  rss: number;
  /** V8 heap reserved (used + free space V8 keeps after a collection). */
  heapTotal: number;
  heapUsed: number;
  /** Memory outside the V8 heap owned by JS objects: Buffers' backing stores and the like. */
  external: number;
}

/** Node flags that load the hook; `base` are the flags the server would get otherwise (a profiler's). */
export function gcHookNodeArgs(base: readonly string[]): string[] {
  const hook = pathToFileURL(resolve(import.meta.dirname, 'server-gc-hook.ts')).href;
  return [...base, '--expose-gc', '--import', hook];
}

/** One reading: SIGUSR2, then the JSON line the hook writes to stderr. */
function readOnce(server: ServerProcess, timeoutMs = 10_000): Promise<MemoryReading> {
  const stderr = server.child.stderr!;
  return new Promise((resolvePromise, reject) => {
    let text = '';
    const onData = (chunk: string | Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((l) => l.includes('"benchMemory"'));
      if (line === undefined) return;
      done();
      const parsed = JSON.parse(line) as { benchMemory: MemoryReading | null; reason?: string };
      if (parsed.benchMemory) resolvePromise(parsed.benchMemory);
      else reject(new Error(`server memory: ${parsed.reason ?? 'no reading'}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('server memory: no reading from the GC hook (was the server started with gcHookNodeArgs?)'));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      stderr.off('data', onData);
    };
    stderr.on('data', onData);
    server.child.kill('SIGUSR2');
  });
}

/**
 * Reads until two consecutive readings' RSS differ by less than 1% (at most `attempts` readings,
 * `gapMs` apart) and returns the last: freed pages go back to the system with some delay.
 */
export async function settledMemory(server: ServerProcess, attempts = 6, gapMs = 250): Promise<MemoryReading> {
  let previous = await readOnce(server);
  for (let i = 1; i < attempts; i++) {
    await sleep(gapMs);
    const next = await readOnce(server);
    const stable = Math.abs(next.rss - previous.rss) < 0.01 * previous.rss;
    previous = next;
    if (stable) break;
  }
  return previous;
}
