/**
 * Test harness: real servers on 127.0.0.1 (port 0) with real SQLite files in temp folders,
 * a raw protocol client for byte-level tests, and the headless CLI as a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import {
  connect,
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  ParleyClient,
  type ParleyClientEvents,
  type ParleyClientOptions,
  type Target,
} from '../../src/main/core/client/parley-client.ts';
import type { AppInfo } from '../../src/shared/api/contract.ts';
import type { ChatMessage } from '../../src/shared/protocol/server-frames.ts';
import { encodeFrame, parseFrame, type ParsedFrame } from '../../src/main/core/framing/frame-codec.ts';
import { FrameDecoder } from '../../src/main/core/framing/frame-decoder.ts';
import { RoomServer } from '../../src/main/core/server/room-server.ts';
import {
  resolveServerConfig,
  type ServerConfig,
  type ServerLimitsConfig,
} from '../../src/main/core/server/server-config.ts';

export const CLI_PATH = resolve(import.meta.dirname, '../../src/main/core/cli/parley-server.ts');

/** The hosted room server's worker, run from source (Node 24 runs the .ts directly). */
export const HOSTED_WORKER_URL = new URL('../../src/main/core/host/hosted-server-worker.ts', import.meta.url);

/** What the desktop app reports about itself: hosts, connects anywhere, discovers. */
export const DESKTOP_APP_INFO: AppInfo = {
  platform: 'electron',
  canHost: true,
  canConnectAnywhere: true,
  canDiscover: true,
  version: '0.0.0-test',
};

const cleanups: (() => unknown)[] = [];

/** Runs everything registered with `onCleanup`, newest first. Call from afterEach. */
export async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()!();
}

export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

export function tempDir(prefix = 'parley-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface TestServer {
  server: RoomServer;
  port: number;
  /** Where transfer connections go (welcome.limits.files.transferPort). */
  transferPort: number;
  dataDir: string;
}

/** Starts a real server on 127.0.0.1 and a free port; closed automatically by cleanupAll. */
export async function startServer(
  options: Partial<Omit<ServerConfig, 'limits'>> & { limits?: Partial<ServerLimitsConfig> } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const server = await RoomServer.start(resolveServerConfig({ host: '127.0.0.1', port: 0, ...options, dataDir }));
  onCleanup(() => server.close());
  return { server, port: server.address.port, transferPort: server.transferPort, dataDir };
}

/** A connected ParleyClient (hello done); closed automatically by cleanupAll. */
export async function connectClient(
  port: number,
  name: string,
  options: Partial<ParleyClientOptions> = {},
): Promise<ParleyClient> {
  const client = new ParleyClient({ host: '127.0.0.1', port, name, minBackoffMs: 20, maxBackoffMs: 200, ...options });
  onCleanup(() => client.close());
  await client.connect();
  return client;
}

/** Resolves when `emitter` emits `event` with a payload matching `predicate`. */
export function waitForEvent<T>(
  emitter: { on(event: string, fn: (arg: T) => void): unknown; off(event: string, fn: (arg: T) => void): unknown },
  event: string,
  predicate: (arg: T) => boolean = () => true,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (arg: T) => {
      if (!predicate(arg)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolvePromise(arg);
    };
    emitter.on(event, listener);
  });
}

/**
 * A byte-level protocol client: send arbitrary bytes or frames, read decoded frames in order,
 * and observe the close. For hostile-input tests, where ParleyClient is too polite.
 */
export class RawClient {
  readonly socket: Socket;
  readonly frames: ParsedFrame[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);
  private waiters: (() => void)[] = [];
  private nextId = 1;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(chunk, (payload) => {
        const parsed = parseFrame(payload);
        if (parsed.ok) this.frames.push(parsed.frame);
      });
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolvePromise, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        const client = new RawClient(socket);
        onCleanup(() => socket.destroy());
        resolvePromise(client);
      });
    });
  }

  /** Connects and completes hello; returns the welcome. */
  static async hello(port: number, name: string): Promise<{ client: RawClient; welcome: ParsedFrame }> {
    const client = await RawClient.open(port);
    client.send({ type: 'hello', protocol: 1, name });
    const welcome = await client.next((f) => f.type === 'welcome');
    return { client, welcome };
  }

  send(frame: object): void {
    this.socket.write(encodeFrame(frame));
  }

  /** Sends a request with a fresh id and waits for its reply (result or error). */
  async request(frame: Record<string, unknown>): Promise<ParsedFrame> {
    const id = this.nextId++;
    this.send({ ...frame, id });
    return this.next((f) => f['re'] === id);
  }

  writeRaw(bytes: Buffer | Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The first received frame (consumed) matching `predicate`; earlier non-matching frames stay. */
  async next(predicate: (frame: ParsedFrame) => boolean = () => true, timeoutMs = 5000): Promise<ParsedFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex(predicate);
      if (index >= 0) return this.frames.splice(index, 1)[0]!;
      if (this.closed) throw new Error(`connection closed; frames left: ${JSON.stringify(this.frames)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; frames received: ${JSON.stringify(this.frames).slice(0, 2000)}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  /** Resolves when the server has closed the connection (throws after timeoutMs). */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('connection still open');
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export interface CliProcess {
  child: ChildProcess;
  port: number;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  /** Like `exited`, but only once stdout and stderr are drained too (every log line is in `logs`). */
  closed: Promise<number | string>;
  /** Everything written to stderr so far. */
  stderr(): string;
}

export interface CliSpawnOptions {
  /** Environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * A full disk, for real: the child may not grow any file past this many KiB (`ulimit -f`, so
   * writes beyond it fail with EFBIG, which SQLite reports as SQLITE_FULL).
   */
  maxFileKiB?: number;
}

/** The command that runs the CLI with `args` (under `ulimit -f` when asked). */
function cliCommand(args: string[], options: CliSpawnOptions): [string, string[]] {
  if (options.maxFileKiB === undefined) return [process.execPath, [CLI_PATH, ...args]];
  const script = `ulimit -f ${Math.floor(options.maxFileKiB)} && exec "$0" "$@"`;
  return ['bash', ['-c', script, process.execPath, CLI_PATH, ...args]];
}

/** Spawns the headless server CLI and waits for its "listening" log line. */
export function spawnCli(args: string[], timeoutMs = 15_000, options: CliSpawnOptions = {}): Promise<CliProcess> {
  const [command, commandArgs] = cliCommand(args, options);
  const child = spawn(command, commandArgs, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: options.env } : {}),
  });
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? -1)));
  const closed = new Promise<number | string>((done) =>
    child.on('close', (code, signal) => done(code ?? signal ?? -1)),
  );
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${stderr}`)), timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry['msg'] === 'listening') {
        clearTimeout(timer);
        resolvePromise({ child, port: entry['port'] as number, logs, exited, closed, stderr: () => stderr });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code} before listening: ${stderr}`));
    });
  });
}

/** Runs the CLI to completion (for flags that make it exit) and returns its exit code and output. */
export function runCli(
  args: string[],
  options: CliSpawnOptions & { timeoutMs?: number } = {},
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: options.env } : {}),
  });
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI did not exit: ${stdout}${stderr}`));
    }, options.timeoutMs ?? 15_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? signal ?? -1, stdout, stderr });
    });
  });
}

/** A TCP port that was free a moment ago (bind port 0, read it, close): for restarts on the same port. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePromise(port));
    });
  });
}

/** Polls `condition` until it returns true (throws after timeoutMs). For state that emits no event. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what = 'condition',
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 10));
  }
}

/**
 * A TCP relay on 127.0.0.1 in front of a server port, to take one client off the network while
 * others stay connected: `cut()` drops every relayed connection and refuses new ones until `restore()`.
 */
export class TcpProxy {
  readonly port: number;
  private readonly listener: NetServer;
  private readonly pairs = new Set<Socket>();
  private isCut = false;

  /** Use start(). */
  constructor(listener: NetServer) {
    this.listener = listener;
    this.port = (listener.address() as AddressInfo).port;
  }

  /** Starts a relay of this class (TcpProxy, or a subclass such as FrameProxy). */
  static start<P extends TcpProxy>(this: new (listener: NetServer) => P, targetPort: number): Promise<P> {
    return new Promise((resolvePromise, reject) => {
      let proxy: P | undefined;
      const listener = createNetServer((downstream) => {
        downstream.on('error', () => {});
        if (!proxy || proxy.isCut) {
          downstream.destroy();
          return;
        }
        const upstream = connect({ host: '127.0.0.1', port: targetPort, noDelay: true });
        upstream.on('error', () => {});
        const pairs = proxy.pairs;
        pairs.add(downstream);
        pairs.add(upstream);
        // One side closed: let the other finish writing what it has, then close it too.
        downstream.on('close', () => {
          pairs.delete(downstream);
          upstream.end();
        });
        upstream.on('close', () => {
          pairs.delete(upstream);
          downstream.end();
        });
        proxy.forward(downstream, upstream);
        upstream.pipe(downstream);
      });
      listener.once('error', reject);
      listener.listen({ host: '127.0.0.1', port: 0 }, () => {
        proxy = new this(listener);
        onCleanup(() => proxy!.close());
        resolvePromise(proxy);
      });
    });
  }

  /** Carries what the client sends to the server (as it is; FrameProxy filters it). */
  protected forward(downstream: Socket, upstream: Socket): void {
    downstream.pipe(upstream);
  }

  /** Drops every relayed connection (both sides) and refuses new ones. */
  cut(): void {
    this.isCut = true;
    for (const socket of this.pairs) socket.destroy();
    this.pairs.clear();
  }

  restore(): void {
    this.isCut = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolvePromise) => this.listener.close(() => resolvePromise()));
  }
}

/** Records every event of a kind a client emits, in order. */
export function record<T>(client: ParleyClient, event: keyof ParleyClientEvents): T[] {
  const seen: T[] = [];
  client.on(event, (arg: unknown) => seen.push(arg as T));
  return seen;
}

/**
 * A round trip: the server answers in order on each connection, so once the ping's reply is in,
 * every event the server queued for this client before it has been emitted.
 */
export async function barrier(...clients: ParleyClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.request('ping', {})));
}

/** Every message of a conversation, oldest first, walking history forwards. */
export async function fullHistory(client: ParleyClient, target: Target): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  for (;;) {
    const page = await client.history(target, { after: all.at(-1)?.seq ?? 0, limit: 200 });
    all.push(...page.messages);
    if (!page.hasMore) return all;
  }
}
