/**
 * The benchmark server's event-loop delay, asked for through server-loop-hook.ts (which a server
 * gets by starting with `loopHookNodeArgs()`): `read` returns the delay since the previous read.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerProcess } from './server-process.ts';

export interface LoopDelay {
  /** Event-loop delay percentiles and maximum in µs since the previous reading. */
  p50: number;
  p99: number;
  max: number;
}

/** Node flags that load the hook; `base` are the flags the server would get otherwise (a profiler's). */
export function loopHookNodeArgs(base: readonly string[]): string[] {
  const hook = pathToFileURL(resolve(import.meta.dirname, 'server-loop-hook.ts')).href;
  return [...base, '--import', hook];
}

/** SIGUSR2, then the JSON line the hook writes to stderr. */
export function readLoopDelay(server: ServerProcess, timeoutMs = 5000): Promise<LoopDelay> {
  const stderr = server.child.stderr!;
  return new Promise((resolvePromise, reject) => {
    let text = '';
    const onData = (chunk: string | Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((l) => l.includes('"benchLoop"'));
      if (line === undefined) return;
      done();
      resolvePromise((JSON.parse(line) as { benchLoop: LoopDelay }).benchLoop);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('server loop delay: no reading (was the server started with loopHookNodeArgs?)'));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      stderr.off('data', onData);
    };
    stderr.on('data', onData);
    server.child.kill('SIGUSR2');
  });
}
