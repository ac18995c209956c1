/**
 * The transfer benchmark's users (lib/transfer-client.ts), one forked process each, and the
 * random files they send.
 *
 * `TransferUser.start` forks a user that connects, joins the room and says ready; `upload` and
 * `download` run one job in it and resolve with what it measured (or reject with its error, or
 * after a timeout). Drops of the user's chat connection are counted here as they are reported.
 * The processes are tracked by lib/server-process.ts, so a crash or Ctrl-C of the benchmark
 * kills them too.
 *
 * The users run at nice USERS_NICE (19 unless PARLEY_BENCH_TRANSFER_USERS_NICE says otherwise):
 * they stand for other machines on the LAN, whose hashing and socket work would not compete with
 * the server for its cores. On this 2-core machine at normal priority they do (six busy processes
 * for two cores), and the chat probe then measures the machine's run queue, not the server;
 * reniced, they still use every cycle the server and the probe leave. An idle machine gives them
 * all of it, so the throughput figures are the same either way. `0` measures the shared machine.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { createCipheriv, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FileInfo } from '../../src/shared/protocol/server-frames.ts';
import { trackChild, untrackChild } from './server-process.ts';
import type { ClientArgs, FromTransferClient, ToTransferClient } from './transfer-ipc.ts';

const CHILD = resolve(import.meta.dirname, 'transfer-client.ts');
const START_TIMEOUT_MS = 30_000;
export const USERS_NICE = Number(process.env['PARLEY_BENCH_TRANSFER_USERS_NICE'] ?? 19);

/** Sets the nice value of every thread of `pid` (Linux: /proc/<pid>/task); elsewhere the process's. */
function reniceThreads(pid: number, nice: number): void {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of tids) {
    try {
      setPriority(Number(tid), nice);
    } catch {
      // the thread ended meanwhile
    }
  }
}

export interface UploadResult {
  file: FileInfo;
  bytes: number;
  /** As the user measured it: file_upload asked → upload_done read. */
  seconds: number;
}

export interface DownloadResult {
  bytes: number;
  /** As the user measured it: download opened → last byte hashed. */
  seconds: number;
}

type JobReply = Extract<FromTransferClient, { job: number }>;

export class TransferUser {
  readonly name: string;
  /** Drops of this user's chat connection so far, with the server's code (slow_consumer …). */
  readonly drops: { code: string; message: string }[] = [];
  private readonly child: ChildProcess;
  private readonly jobs = new Map<number, (reply: JobReply) => void>();
  private nextJob = 1;
  private exitedEarly: string | undefined;
  private stopping = false;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.child = child;
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(args: ClientArgs): Promise<TransferUser> {
    // No inherited flags (bench/profile.ts's --cpu-prof is for the server): a user is load.
    const child = fork(CHILD, [JSON.stringify(args)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    trackChild(child);
    if (USERS_NICE !== 0) setPriority(child.pid!, USERS_NICE); // its main thread, at once
    const user = new TransferUser(args.name, child);
    const ready = new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${args.name}: not ready in ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.on('message', (message: FromTransferClient) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolvePromise();
        } else user.onMessage(message);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        user.onExit(`${args.name} exited (${signal ?? code})`);
        reject(new Error(user.exitedEarly ?? `${args.name} exited`));
      });
    });
    try {
      await ready;
      // Every thread of it: on Linux a nice value is per thread, and Node's platform threads
      // (the GC's helpers, libuv's pool) started before the line above kept the old one.
      if (USERS_NICE !== 0) reniceThreads(child.pid!, USERS_NICE);
    } catch (error) {
      await user.stop();
      throw error;
    }
    return user;
  }

  /** Uploads the file at `path` under `key`; with `attach`, sends it to the room as an attachment. */
  async upload(path: string, key: string, attach: boolean, timeoutMs: number): Promise<UploadResult> {
    const reply = await this.run((job) => ({ type: 'upload', job, path, key, attach }), timeoutMs);
    if (reply.type !== 'uploaded') throw new Error(`${this.name}: unexpected ${reply.type}`);
    return { file: reply.file, bytes: reply.bytes, seconds: reply.seconds };
  }

  /** Downloads `file` to the end; the user checks the bytes against `sha256` and the FileInfo. */
  async download(file: string, sha256: string, timeoutMs: number): Promise<DownloadResult> {
    const reply = await this.run((job) => ({ type: 'download', job, file, sha256 }), timeoutMs);
    if (reply.type !== 'downloaded') throw new Error(`${this.name}: unexpected ${reply.type}`);
    return { bytes: reply.bytes, seconds: reply.seconds };
  }

  /** Closes the user's client and ends the process (SIGKILL if it does not end by itself). */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      if (child.connected) child.send({ type: 'stop' } satisfies ToTransferClient);
      else child.kill('SIGKILL');
      await exited;
      clearTimeout(timer);
    }
    untrackChild(child);
  }

  private run(make: (job: number) => ToTransferClient, timeoutMs: number): Promise<JobReply> {
    if (this.exitedEarly) return Promise.reject(new Error(this.exitedEarly));
    const job = this.nextJob++;
    return new Promise<JobReply>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.jobs.delete(job);
        reject(new Error(`${this.name}: job ${job} not done in ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.jobs.set(job, (reply) => {
        clearTimeout(timer);
        if (reply.type === 'failed') reject(new Error(`${this.name}: ${reply.message}`));
        else resolvePromise(reply);
      });
      this.child.send(make(job));
    });
  }

  private onMessage(message: FromTransferClient): void {
    if (message.type === 'dropped') {
      this.drops.push({ code: message.code, message: message.message });
      return;
    }
    if (!('job' in message)) return;
    const waiter = this.jobs.get(message.job);
    this.jobs.delete(message.job);
    waiter?.(message);
  }

  private onExit(why: string): void {
    if (this.stopping) return;
    this.exitedEarly = why;
    for (const waiter of this.jobs.values()) waiter({ type: 'failed', job: 0, message: why });
    this.jobs.clear();
  }
}

/**
 * Writes `bytes` of fresh pseudo-random content to `path`: AES-256-CTR under a random key over
 * zeros (as unpredictable as random bytes for content addressing, and several times faster than
 * randomBytes for a gigabyte), in 4 MiB writes, fsync'd so the writeback does not land in a
 * measured phase.
 */
export async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const cipher = createCipheriv('aes-256-ctr', randomBytes(32), randomBytes(16));
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  const handle = await open(path, 'wx');
  try {
    for (let at = 0; at < bytes; at += zeros.length) {
      const part = cipher.update(zeros.subarray(0, Math.min(zeros.length, bytes - at)));
      await handle.write(part, 0, part.length, at);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}
