/**
 * Smoke test of an installed/packaged Parley (`npm run test:packaged`, playwright.packaged.config.ts):
 * what a person does on first run, on the real executable electron-builder made — fuses, asar,
 * the unpacked hosted-server worker, node:sqlite and mDNS included. Two instances with their own
 * profile folders: Ada clicks "Host a room", Bob sees her server under Nearby, both quit.
 *
 * PARLEY_PACKAGED_APP is the executable: `dist/linux-unpacked/parley`,
 * `dist/mac-arm64/Parley.app/Contents/MacOS/Parley`, `dist/win-unpacked/Parley.exe`… Without it,
 * when it does not exist, or on Linux without a display, every test skips with the reason.
 * PARLEY_PACKAGED_APP_ARGS adds arguments (space-separated), e.g. `--no-sandbox` for an AppImage
 * where no AppArmor profile allows Electron's sandbox.
 *
 * Why not Playwright's `_electron.launch`: it needs Node's --inspect, which the packaged app's
 * EnableNodeCliInspectArguments fuse turns off (Playwright's docs say so). This launches the
 * executable itself with Chromium's --remote-debugging-port and attaches with `connectOverCDP`,
 * which drives the page as well and tests the app as shipped. The profile folders come from the
 * app's test hook (NODE_ENV=test + PARLEY_USER_DATA_DIR, src/main/index.ts): the single-instance
 * lock lives in the profile folder, so two instances with two folders both run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';

const executable = process.env['PARLEY_PACKAGED_APP'] ?? '';
const extraArgs = (process.env['PARLEY_PACKAGED_APP_ARGS'] ?? '').split(' ').filter(Boolean);

function whyNotRunnable(): string | null {
  if (!executable) return 'PARLEY_PACKAGED_APP is not set (the path of a packaged Parley executable)';
  if (!existsSync(executable)) return `PARLEY_PACKAGED_APP=${executable} does not exist`;
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    return 'no display on this Linux machine (run under xvfb-run)';
  }
  return null;
}

const notRunnable = whyNotRunnable();
test.skip(notRunnable !== null, notRunnable ?? '');

interface RunningApp {
  label: string;
  child: ChildProcess;
  userData: string;
  browser: Browser;
  page: Page;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: string[];
}

const running: RunningApp[] = [];

/** The DevTools endpoint: from the "DevTools listening on ws://…" line, or the DevToolsActivePort file. */
async function devToolsEndpoint(output: string[], userData: string, exited: () => boolean): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const line = output.join('').match(/DevTools listening on (ws:\/\/\S+)/u);
    if (line) return line[1]!;
    const portFile = join(userData, 'DevToolsActivePort');
    if (existsSync(portFile)) {
      const [port, path] = readFileSync(portFile, 'utf8').split('\n');
      if (port && path) return `ws://127.0.0.1:${port.trim()}${path.trim()}`;
    }
    if (exited()) throw new Error(`the app exited before it opened its window:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no DevTools endpoint within 30 s:\n${output.join('')}`);
}

/** Starts the packaged app with a fresh profile folder; resolves with its window's page. */
async function launchPackaged(label: string): Promise<RunningApp> {
  const userData = mkdtempSync(join(tmpdir(), `parley-packaged-${label}-`));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  env['NODE_ENV'] = 'test';
  env['PARLEY_USER_DATA_DIR'] = userData;
  delete env['ELECTRON_RUN_AS_NODE'];
  const child = spawn(executable, [...extraArgs, '--remote-debugging-port=0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  let hasExited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
    }),
  );
  const endpoint = await devToolsEndpoint(output, userData, () => hasExited);
  const browser = await chromium.connectOverCDP(endpoint);
  const page = await appPage(browser);
  const app: RunningApp = { label, child, userData, browser, page, exit, output };
  running.push(app);
  return app;
}

/** The window showing our index.html (the first target may still be about:blank). */
async function appPage(browser: Browser): Promise<Page> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const context of browser.contexts()) {
      const page = context.pages().find((p) => p.url().endsWith('/index.html') || p.url().includes('/index.html#'));
      if (page) return page;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the app window did not show out/renderer/index.html within 30 s');
}

/** Quits like a person: closes the window (Windows, Linux: the app quits); SIGTERM where it does not. */
async function quit(app: RunningApp): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  await app.page.evaluate(() => (globalThis as typeof globalThis & { close(): void }).close()).catch(() => {});
  await app.browser.close().catch(() => {});
  const closedByWindow = await Promise.race([app.exit, new Promise((r) => setTimeout(() => r(null), 10_000))]);
  if (closedByWindow === null) app.child.kill('SIGTERM'); // macOS keeps running without a window
  const result = await Promise.race([app.exit, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
  if (result === null) {
    app.child.kill('SIGKILL');
    throw new Error(`${app.label} did not quit within 25 s:\n${app.output.join('')}`);
  }
  return result;
}

test.afterEach(async () => {
  for (const app of running.splice(0)) {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await app.exit;
    rmSync(app.userData, { recursive: true, force: true });
  }
});

/** First run: the name form, then the app. */
async function chooseName(page: Page, name: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Display name' }).fill(name);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('region', { name: 'Nearby' })).toBeVisible();
}

test('host a room in one packaged app, see it under Nearby in a second, quit both', async () => {
  test.setTimeout(180_000);
  const ada = await launchPackaged('ada');
  const bob = await launchPackaged('bob');

  await chooseName(ada.page, 'Ada');
  await chooseName(bob.page, 'Bob');

  // Ada hosts with the defaults: one click in the sidebar, one in the dialog.
  await ada.page.getByRole('button', { name: 'Host a room' }).click();
  const dialog = ada.page.getByRole('dialog', { name: 'Host a room' });
  await dialog.getByRole('button', { name: 'Start hosting' }).click();
  await expect(ada.page.getByText("Hosting Ada's rooms").first()).toBeVisible({ timeout: 30_000 });

  // Bob's app finds it on the LAN (mDNS through the real, unpacked worker).
  const nearby = bob.page.getByRole('region', { name: 'Nearby' });
  await expect(nearby.getByText("Ada's rooms").first()).toBeVisible({ timeout: 60_000 });

  const adaExit = await quit(ada);
  const bobExit = await quit(bob);
  // A clean quit (window closed, or SIGTERM handled by app.quit()), not a crash.
  for (const exit of [adaExit, bobExit]) expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
});
