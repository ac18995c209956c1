/**
 * ngIRCd, the C IRC server the benchmarks compare Parley with (`npm run bench -- --vs ngircd`).
 *
 * It comes from Debian's package and is never installed: `apt-get download` fetches the .deb
 * (and any library it needs that this machine lacks) into a cache folder, `dpkg-deb -x` unpacks
 * it there, and the binary runs from that folder with LD_LIBRARY_PATH pointing at the unpacked
 * libraries. The cache is reused by later runs. Each start writes its own ngircd.conf into a temp
 * folder (127.0.0.1, a free port, the limits a benchmark from one address would hit lifted), runs
 * `ngircd -n` (foreground, no daemon) as a child process, and waits until the port accepts.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { processCpuSeconds } from './cpu.ts';
import { makeTempDir, removeTempDir, trackChild, untrackChild } from './server-process.ts';

export const NGIRCD_HOST = '127.0.0.1';
/** The [Operator] block of the config: the sender opers up to set user mode +F (no flood control). */
export const NGIRCD_OPER = { name: 'bench', password: 'bench' } as const;

/** The cache folder; PARLEY_BENCH_CACHE moves it (default <tmpdir>/parley-bench-cache, as join-large's). */
const CACHE_DIR = join(process.env['PARLEY_BENCH_CACHE'] ?? join(tmpdir(), 'parley-bench-cache'), 'ngircd');
const ROOT_DIR = join(CACHE_DIR, 'root');
const BINARY = join(ROOT_DIR, 'usr', 'sbin', 'ngircd');

export interface NgircdInstall {
  binary: string;
  /** Environment for the binary: LD_LIBRARY_PATH with the unpacked libraries. */
  env: NodeJS.ProcessEnv;
  /** First line of `ngircd --version`, e.g. "ngIRCd 26.1-IDENT+IPv6+…". */
  version: string;
  /** The Debian package version the cache holds, e.g. "26.1-1+deb12u1". */
  packageVersion: string;
}

function requireTool(tool: string): void {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `--vs ngircd needs \`${tool}\` (Debian/Ubuntu's apt and dpkg) to fetch and unpack ngIRCd's package ` +
          `without installing it; it is not on PATH. On another system, put an ngIRCd binary at ${BINARY}.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** True when dpkg says `name` is installed on this machine. */
function installed(name: string): boolean {
  try {
    const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return status.includes('install ok installed');
  } catch {
    return false;
  }
}

/** `apt-get download <name>` into `dir`; returns the .deb's path. */
function download(name: string, dir: string): string {
  const before = new Set(readdirSync(dir));
  try {
    // apt warns (as root) that its sandbox user cannot write here; the download works all the same.
    execFileSync('apt-get', ['download', name], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(
      `apt-get download ${name} failed${stderr ? `: ${stderr.split('\n').slice(-2).join(' ')}` : ''}` +
        ` (if apt does not know the package yet, run \`apt-get update\` first)`,
      { cause: error },
    );
  }
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb') && f.startsWith(`${name}_`) && !before.has(f));
  if (!deb) throw new Error(`apt-get download ${name} left no ${name}_*.deb in ${dir}`);
  return join(dir, deb);
}

/**
 * The package names in a Depends field that this machine lacks ("a (>= 1) | b" takes the first
 * alternative unless another one is installed).
 */
function missingDependencies(depends: string): string[] {
  const missing: string[] = [];
  for (const clause of depends.split(',')) {
    const alternatives = clause
      .split('|')
      .map((a) => a.trim().split(/[\s(:]/)[0]!)
      .filter((a) => a.length > 0);
    if (alternatives.length > 0 && !alternatives.some(installed)) missing.push(alternatives[0]!);
  }
  return missing;
}

/** Downloads and unpacks ngIRCd and the libraries it lacks into a fresh folder, then moves it to ROOT_DIR. */
function unpack(): void {
  requireTool('apt-get');
  requireTool('dpkg-deb');
  mkdirSync(CACHE_DIR, { recursive: true });
  const staging = join(CACHE_DIR, `staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const debs = join(staging, 'debs');
  const root = join(staging, 'root');
  mkdirSync(debs, { recursive: true });
  mkdirSync(root, { recursive: true });
  try {
    const main = download('ngircd', debs);
    const depends = execFileSync('dpkg-deb', ['-f', main, 'Depends'], { encoding: 'utf8' }).trim();
    // Typically only libident0 is missing: ngIRCd links it even with `Ident = no`.
    const extra = missingDependencies(depends).map((name) => download(name, debs));
    for (const deb of [main, ...extra]) execFileSync('dpkg-deb', ['-x', deb, root]);
    const version = execFileSync('dpkg-deb', ['-f', main, 'Version'], { encoding: 'utf8' }).trim();
    writeFileSync(join(root, 'package-version'), `${version}\n`);
    rmSync(ROOT_DIR, { recursive: true, force: true });
    renameSync(root, ROOT_DIR);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Every lib folder in the unpacked packages (usr/lib/x86_64-linux-gnu, lib/…), for LD_LIBRARY_PATH. */
function libraryPath(): string {
  const dirs: string[] = [];
  for (const base of ['lib', 'usr/lib']) {
    const dir = join(ROOT_DIR, base);
    if (!existsSync(dir)) continue;
    dirs.push(dir);
    for (const sub of readdirSync(dir, { withFileTypes: true })) {
      if (sub.isDirectory() && sub.name.includes('-linux-')) dirs.push(join(dir, sub.name));
    }
  }
  return [...dirs, process.env['LD_LIBRARY_PATH'] ?? ''].filter((d) => d.length > 0).join(':');
}

let cached: NgircdInstall | undefined;

/** ngIRCd from the cache, fetched and unpacked first if the cache is empty. */
export function ngircdInstall(): NgircdInstall {
  if (cached) return cached;
  if (!existsSync(BINARY)) unpack();
  const env = { ...process.env, LD_LIBRARY_PATH: libraryPath() };
  let output: string;
  try {
    output = execFileSync(BINARY, ['--version'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`${BINARY} --version failed: ${stderr || String(error)} (delete ${CACHE_DIR} to fetch it again)`, {
      cause: error,
    });
  }
  // Written by unpack(); absent when someone put an ngIRCd there by hand.
  const versionFile = join(ROOT_DIR, 'package-version');
  const packageVersion = existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : 'unknown';
  cached = { binary: BINARY, env, version: output.split('\n', 1)[0]!.trim(), packageVersion };
  return cached;
}

/** A port that was free a moment ago (ngIRCd cannot be told to pick one and report it). */
function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host: NGIRCD_HOST, port: 0 }, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePromise(port));
    });
  });
}

/**
 * The config. Each relaxed limit, and why (docs/BENCHMARKS.md repeats this):
 * - MaxConnectionsIP = 0 (default 5): all 201 clients come from 127.0.0.1.
 * - MaxPenaltyTime = 0 (default: unlimited): ngIRCd delays a client by whole seconds for MODE,
 *   errors and when its command limit triggers; the setup's MODE/JOINs would stall for seconds.
 * - The sender opers up and sets user mode +F ("disable flood protection"), so ngIRCd handles 10 of
 *   its commands per main-loop pass instead of 3 and never throttles it: the counterpart of the
 *   rate limits that bench/lib/server-process.ts lifts for Parley. The per-client write buffer
 *   (32 KiB, compiled in) is not configurable; a receiver that fell that far behind is disconnected,
 *   which the benchmark reports as a failure.
 * - PingTimeout/PongTimeout raised: the receivers only listen (they still answer PING).
 * - DNS = no, Ident = no, PAM = no: no lookups at connect (Parley does none either).
 * - MaxNickLength 30: the bench's nick names; MaxJoins 0: no per-user channel limit (one is used).
 * - PidFile empty, IncludeDir an empty temp folder, no MOTD file: nothing read or written outside
 *   the temp folder. No [SSL] section: plain TCP, as Parley's bench uses.
 */
function configText(port: number, workDir: string, helpFile: string): string {
  return [
    '[Global]',
    'Name = bench.parley.invalid',
    'Info = Parley benchmark anchor',
    'AdminInfo1 = Parley benchmark',
    'AdminInfo2 = 127.0.0.1',
    'AdminEMail = bench@parley.invalid',
    `HelpFile = ${helpFile}`,
    `Listen = ${NGIRCD_HOST}`,
    `Ports = ${port}`,
    'PidFile =',
    'MotdPhrase = Parley benchmark',
    '',
    '[Limits]',
    'MaxConnections = 0',
    'MaxConnectionsIP = 0',
    'MaxJoins = 0',
    'MaxNickLength = 30',
    'MaxPenaltyTime = 0',
    'PingTimeout = 600',
    'PongTimeout = 600',
    '',
    '[Options]',
    'DNS = no',
    'Ident = no',
    'PAM = no',
    `IncludeDir = ${join(workDir, 'conf.d')}`,
    '',
    '[Operator]',
    `Name = ${NGIRCD_OPER.name}`,
    `Password = ${NGIRCD_OPER.password}`,
    '',
  ].join('\n');
}

/** Resolves once a TCP connection to the port succeeds (the probe is closed at once). */
async function waitForPort(port: number, alive: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((done) => {
      const socket = connect({ host: NGIRCD_HOST, port });
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (ok) return;
    if (!alive()) throw new Error('ngircd exited before its port accepted');
    if (Date.now() > deadline) throw new Error(`ngircd's port ${port} did not accept within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export class NgircdProcess {
  readonly child: ChildProcess;
  readonly port: number;
  private readonly workDir: string;
  private readonly exited: Promise<void>;
  /** The last log lines, for error messages. */
  readonly recentLogs: string[];

  private constructor(child: ChildProcess, port: number, workDir: string, exited: Promise<void>, logs: string[]) {
    this.child = child;
    this.port = port;
    this.workDir = workDir;
    this.exited = exited;
    this.recentLogs = logs;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  cpuSeconds(): number {
    return processCpuSeconds(this.pid);
  }

  /** Writes a config, spawns `ngircd -n -f <config>` and waits until its port accepts. */
  static async start(timeoutMs = 15_000): Promise<NgircdProcess> {
    const install = ngircdInstall();
    // The port may be taken between freePort() and ngIRCd's bind: try again with another one.
    for (let attempt = 1; ; attempt++) {
      try {
        return await NgircdProcess.startOnce(install, await freePort(), timeoutMs);
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }

  private static async startOnce(install: NgircdInstall, port: number, timeoutMs: number): Promise<NgircdProcess> {
    const workDir = makeTempDir('parley-bench-ngircd-');
    mkdirSync(join(workDir, 'conf.d'));
    const configPath = join(workDir, 'ngircd.conf');
    const helpFile = join(ROOT_DIR, 'usr', 'share', 'doc', 'ngircd', 'Commands.txt');
    writeFileSync(configPath, configText(port, workDir, helpFile));
    const child = spawn(install.binary, ['--nodaemon', '--config', configPath], {
      env: install.env,
      cwd: workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(child);
    const logs: string[] = [];
    const remember = (line: string) => {
      logs.push(line);
      if (logs.length > 50) logs.shift();
    };
    // Drained for the whole run so that ngIRCd never blocks on a full pipe.
    createInterface({ input: child.stdout! }).on('line', remember);
    createInterface({ input: child.stderr! }).on('line', remember);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const proc = new NgircdProcess(child, port, workDir, exited, logs);
    try {
      await waitForPort(port, () => proc.running, timeoutMs);
    } catch (error) {
      await proc.stop();
      throw new Error(`${(error as Error).message}\n${logs.join('\n')}`, { cause: error });
    }
    return proc;
  }

  /** SIGTERM (ngIRCd closes its connections and exits), SIGKILL after a grace period, then cleanup. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    untrackChild(this.child);
    removeTempDir(this.workDir);
  }
}
