/**
 * Fixtures for the browser end-to-end tests:
 *
 *  - `server`: the REAL headless server (`node src/main/core/cli/parley-server.ts --web`) as a
 *    child process on 127.0.0.1, with its own temporary data folder, serving the built UI
 *    (out/renderer: `npm run e2e` builds first). `stop()` / `start()` / `restart()` keep the data
 *    folder and the two ports it got the first time, so browsers can ride out a restart.
 *  - `openUser(name?)`: a fresh browser context (own localStorage, so own profile) on the
 *    server's web UI; with a name it also completes the first-run screen.
 *
 * Everything a test started is stopped and deleted afterwards; the server's logs and stderr are
 * attached to a failed test's report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI_PATH = join(ROOT, 'src', 'main', 'core', 'cli', 'parley-server.ts');
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

export interface ServerOptions {
  /** The server's name, shown in the UI (default "Kitchen": stable in screenshots). */
  name?: string;
  /** More CLI flags. */
  extraArgs?: string[];
  /**
   * Listen on every interface, so the server is announced on the LAN (mDNS skips a server that
   * only listens on loopback). Default: 127.0.0.1 only.
   */
  announce?: boolean;
}

type LogLine = Record<string, unknown>;

/** A running (or stopped) `parley-server --web`. */
export class ParleyServer {
  readonly dataDir: string;
  readonly name: string;
  /** Every JSON log line of every run, in order. */
  readonly logs: LogLine[] = [];
  private stderrText = '';
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private ports: { room: number; web: number } | undefined;
  private readonly extraArgs: string[];
  private readonly announce: boolean;

  constructor(dataDir: string, options: ServerOptions = {}) {
    this.dataDir = dataDir;
    this.name = options.name ?? 'Kitchen';
    this.extraArgs = options.extraArgs ?? [];
    this.announce = options.announce ?? false;
  }

  /** The room server's TCP port. */
  get port(): number {
    return this.requirePorts().room;
  }

  /** The web UI's HTTP port. */
  get webPort(): number {
    return this.requirePorts().web;
  }

  /** The web UI, e.g. http://127.0.0.1:41234/ */
  get url(): string {
    return `http://127.0.0.1:${this.webPort}/`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  stderr(): string {
    return this.stderrText;
  }

  /**
   * Starts the server and resolves once it logged "web ui". The first start takes any free ports
   * (0); later starts ask for the same ports again.
   */
  async start(): Promise<void> {
    if (this.child) throw new Error('the server is already running');
    const args = [
      CLI_PATH,
      ...(this.announce ? [] : ['--host', '127.0.0.1']),
      '--port',
      String(this.ports?.room ?? 0),
      '--web',
      '--web-host',
      '127.0.0.1',
      '--web-port',
      String(this.ports?.web ?? 0),
      '--data-dir',
      this.dataDir,
      '--name',
      this.name,
      ...this.extraArgs,
    ];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', () => done()));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderrText += chunk.toString()));
    let room: number | undefined;
    await new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`parley-server did not log "web ui" within ${START_TIMEOUT_MS} ms\n${this.stderrText}`));
      }, START_TIMEOUT_MS);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let entry: LogLine;
        try {
          entry = JSON.parse(line) as LogLine;
        } catch {
          return;
        }
        this.logs.push(entry);
        if (entry['msg'] === 'listening') room = entry['port'] as number;
        if (entry['msg'] === 'web ui') {
          clearTimeout(timer);
          const web = entry['port'] as number;
          if (room === undefined) return reject(new Error('"web ui" was logged before "listening"'));
          if (this.ports && (this.ports.room !== room || this.ports.web !== web)) {
            return reject(
              new Error(`restarted on other ports: ${room}/${web}, expected ${JSON.stringify(this.ports)}`),
            );
          }
          this.ports = { room, web };
          resolvePromise();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`parley-server exited (${code ?? signal}) before it was ready\n${this.stderrText}`));
      });
    }).catch(async (error: unknown) => {
      await this.kill();
      throw error;
    });
  }

  /** SIGTERM (a clean shutdown: clients are told, history is committed) and waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
    this.child = undefined;
  }

  /** Stops and starts again on the same data folder and ports. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** SIGKILL, for teardown and failed starts. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }

  private requirePorts(): { room: number; web: number } {
    if (!this.ports) throw new Error('the server has not started yet');
    return this.ports;
  }
}

/** One person: their own browser context (own localStorage) and page on the web UI. */
export interface User {
  name: string;
  context: BrowserContext;
  page: Page;
}

export interface OpenUserOptions {
  /** Complete the first-run screen with this display name (default: stop at the first-run screen). */
  name?: string;
  /** Context options, e.g. { colorScheme: 'dark', viewport: { width: 390, height: 844 } }. */
  contextOptions?: Parameters<Browser['newContext']>[0];
  /** Runs on the new context before the page loads (e.g. to route its WebSocket). */
  beforeLoad?: (context: BrowserContext) => Promise<unknown>;
}

interface Fixtures {
  serverOptions: ServerOptions;
  server: ParleyServer;
  openUser: (options?: OpenUserOptions) => Promise<User>;
}

export const test = base.extend<Fixtures>({
  serverOptions: [{}, { option: true }],

  server: async ({ serverOptions }, use, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
    const server = new ParleyServer(dataDir, serverOptions);
    try {
      await server.start();
      await use(server);
    } finally {
      await server.stop().catch(() => server.kill());
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('server-log.jsonl', {
          body: server.logs.map((l) => JSON.stringify(l)).join('\n'),
          contentType: 'text/plain',
        });
        if (server.stderr()) await testInfo.attach('server-stderr.txt', { body: server.stderr() });
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  },

  openUser: async ({ browser, server }, use, testInfo) => {
    const contexts: BrowserContext[] = [];
    const errors: string[] = [];
    await use(async ({ name, contextOptions: extra, beforeLoad } = {}) => {
      // Inherits the project's `use` options (viewport, locale, time zone…) like the built-in `context`.
      const context = await browser.newContext(extra);
      contexts.push(context);
      await beforeLoad?.(context);
      const page = await context.newPage();
      const label = name ?? `user ${contexts.length}`;
      page.on('pageerror', (error) => errors.push(`[${label}] ${error.stack ?? error.message}`));
      await page.goto(server.url);
      if (name !== undefined) await completeOnboarding(page, name);
      return { name: name ?? '', context, page };
    });
    if (errors.length > 0) await testInfo.attach('page-errors.txt', { body: errors.join('\n\n') });
    for (const context of contexts) await context.close().catch(() => {});
    // An uncaught exception in the UI fails the test even if every assertion held.
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };

/** Fills the first-run screen and waits for the app to replace it. */
export async function completeOnboarding(page: Page, name: string): Promise<void> {
  const heading = page.getByRole('heading', { name: 'Welcome to Parley' });
  await expect(heading).toBeVisible();
  await page.getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(heading).toHaveCount(0);
  // The app's main column (on a phone the sidebar is a closed drawer, hidden from the tree).
  await expect(page.getByRole('main')).toBeVisible();
}
