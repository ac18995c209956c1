/**
 * The real headless server (src/main/core/cli/parley-server.ts) as a child process, for
 * benchmarks: a temp data folder, a TOML config that lifts the limits the load would hit, the
 * port read from the "listening" log line, CPU time read from /proc/<pid>/stat, and cleanup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { processCpuSeconds } from './cpu.ts';

/**
 * The server entry point. PARLEY_BENCH_CLI points the benchmarks at another checkout's
 * parley-server.ts (to compare a change against this one with the same load generator).
 */
export const CLI_PATH = resolve(
  process.env['PARLEY_BENCH_CLI'] ?? resolve(import.meta.dirname, '../../src/main/core/cli/parley-server.ts'),
);

/**
 * Limits for load generation from one address: rate limiting, the byte budgets and the per-IP
 * connection cap are anti-abuse features that would otherwise refuse or slow the benchmark's own
 * clients (the durable senders push ~11k messages/s each), and the heartbeat
 * timeouts are moved out of the way of receivers that only listen.
 */
export const BENCH_LIMITS: Record<string, number> = {
  rate_per_second: 1_000_000,
  rate_burst: 1_000_000,
  max_connections: 8192,
  max_connections_per_ip: 8192,
  max_queue_bytes: 64 * 1024 * 1024,
  heartbeat_ms: 600_000,
  idle_timeout_ms: 1_800_000,
  handshake_timeout_ms: 60_000,
  in_bytes_per_second: 1024 * 1024 * 1024,
  in_bytes_burst: 1024 * 1024 * 1024,
  out_bytes_per_second: 1024 * 1024 * 1024,
  out_bytes_burst: 1024 * 1024 * 1024,
};

/** Node flags for every server started without its own `nodeArgs` (bench/profile.ts sets --cpu-prof). */
export const serverDefaults: { nodeArgs: string[] } = { nodeArgs: [] };

/** Every server pid started so far, in order. */
export const startedServerPids: number[] = [];

/** Every child and temp folder still alive, so a crash or Ctrl-C still cleans up. */
const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function killAllSync(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllSync();
    process.exit(130);
  });
}

/** Kills `child` with the others if this process crashes or is interrupted (until `untrackChild`). */
export function trackChild(child: ChildProcess): void {
  live.add(child);
}

export function untrackChild(child: ChildProcess): void {
  live.delete(child);
}

/** A temp folder removed by `removeTempDir` or, at the latest, when the process exits. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

export interface StartOptions {
  /** Use this data folder instead of a fresh temp one (it is not deleted). */
  dataDir?: string;
  /** Extra [limits] keys, merged over BENCH_LIMITS. */
  limits?: Record<string, number>;
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  nodeArgs?: string[];
  timeoutMs?: number;
}

export class ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly dataDir: string;
  private readonly workDir: string;
  private readonly exited: Promise<void>;
  /** The last log lines, for error messages. */
  readonly recentLogs: string[];

  private constructor(
    child: ChildProcess,
    port: number,
    dataDir: string,
    workDir: string,
    exited: Promise<void>,
    recentLogs: string[],
  ) {
    this.child = child;
    this.port = port;
    this.dataDir = dataDir;
    this.workDir = workDir;
    this.exited = exited;
    this.recentLogs = recentLogs;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** CPU seconds (user + system) the server has used so far. */
  cpuSeconds(): number {
    return processCpuSeconds(this.pid);
  }

  /** Spawns `node parley-server.ts --host 127.0.0.1 --port 0 …` and waits for "listening". */
  static async start(options: StartOptions = {}): Promise<ServerProcess> {
    const workDir = makeTempDir('parley-bench-');
    const dataDir = options.dataDir ?? join(workDir, 'data');
    const configPath = join(workDir, 'bench.toml');
    const limits = { ...BENCH_LIMITS, ...options.limits };
    const toml = ['[limits]', ...Object.entries(limits).map(([k, v]) => `${k} = ${v}`), ''].join('\n');
    writeFileSync(configPath, toml);
    const args = [
      ...(options.nodeArgs ?? serverDefaults.nodeArgs),
      CLI_PATH,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--config',
      configPath,
      '--name',
      'bench',
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: workDir });
    const recentLogs: string[] = [];
    const remember = (line: string) => {
      recentLogs.push(line);
      if (recentLogs.length > 50) recentLogs.shift();
    };
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => remember(text.trimEnd()));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const proc = await new Promise<ServerProcess>((resolvePromise, reject) => {
      const fail = (why: string) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        removeTempDir(workDir);
        reject(new Error(`${why}\n${recentLogs.join('\n')}`));
      };
      const timer = setTimeout(() => fail('server did not start in time'), options.timeoutMs ?? 30_000);
      let started = false;
      // The log is drained for the whole run so that the server never blocks on a full pipe.
      createInterface({ input: child.stdout! }).on('line', (line) => {
        remember(line);
        if (started || !line.includes('"listening"')) return;
        let entry: { msg?: unknown; port?: unknown };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          return;
        }
        if (entry.msg !== 'listening' || typeof entry.port !== 'number') return;
        started = true;
        clearTimeout(timer);
        resolvePromise(new ServerProcess(child, entry.port, dataDir, workDir, exited, recentLogs));
      });
      void exited.then(() => {
        if (started) return;
        clearTimeout(timer);
        fail(`server exited (${child.exitCode ?? child.signalCode}) before listening`);
      });
    });
    live.add(child);
    startedServerPids.push(proc.pid);
    return proc;
  }

  /** True while the process runs; a benchmark checks it to tell a crash from a slow server. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM (clean shutdown, database checkpoint), SIGKILL after a grace period, then cleanup. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    live.delete(this.child);
    // The data folder is inside workDir unless the caller passed its own (which it keeps).
    removeTempDir(this.workDir);
  }
}

/** bench/lib/relay.ts as a child process (the one-hop floor). */
export async function startRelay(): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const script = resolve(import.meta.dirname, 'relay.ts');
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  live.add(child);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    live.delete(child);
  };
  const port = await new Promise<number>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('relay did not start')), 15_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolvePromise((JSON.parse(line) as { port: number }).port);
    });
    void exited.then(() => reject(new Error('relay exited')));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { port, pid: child.pid!, stop };
}
