/**
 * End to end, in the real Electron app (the built out/ folder): one instance hosts a room, a second
 * instance joins it and they chat — through the real preload, IPC handlers, session, hosted
 * server worker and TCP. Each instance gets its own profile folder (NODE_ENV=test hook in
 * src/main/index.ts).
 *
 * Needs the Electron binary (downloaded by electron's postinstall) and, on Linux, a display
 * (run under `xvfb-run` on CI). Where either is missing, every test reports itself as skipped with
 * the reason. Build first: `npm run build`.
 *
 * Run: npx playwright test e2e/electron.spec.ts
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { API_CALL_NAMES, type ApiEvents, type HostView, type ParleyApi } from '../src/shared/api/contract.ts';

const ROOT = resolve(import.meta.dirname, '..');
const MAIN_BUNDLE = join(ROOT, 'out', 'main', 'index.js');

/**
 * Where the Electron executable is, found the way node_modules/electron/index.js finds it — but
 * without require('electron'), which would try to download a missing binary.
 */
function findElectron(): { executable: string } | { missing: string } {
  const packageDir = join(ROOT, 'node_modules', 'electron');
  let relative = '';
  try {
    relative = readFileSync(join(packageDir, 'path.txt'), 'utf8').trim();
  } catch {
    // no path.txt: the binary was never downloaded
  }
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override) {
    const executable = join(override, relative || 'electron');
    return existsSync(executable) ? { executable } : { missing: `${executable} does not exist` };
  }
  if (!relative) return { missing: 'node_modules/electron/path.txt is missing (the binary was never downloaded)' };
  const executable = join(packageDir, 'dist', relative);
  return existsSync(executable) ? { executable } : { missing: `${executable} does not exist` };
}

function whyElectronCannotRun(): string | null {
  const found = findElectron();
  if ('missing' in found) return `Electron binary not available: ${found.missing}`;
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    return 'Electron binary not available: no display on this Linux machine (run under xvfb-run)';
  }
  return null;
}

const cannotRun = whyElectronCannotRun();
test.skip(cannotRun !== null, cannotRun ?? '');

/** The page's view of the bridge (the renderer declares the same global in get-api.ts). */
type ParleyWindow = typeof globalThis & {
  parley: ParleyApi;
  received?: { event: keyof ApiEvents; payload: unknown }[];
};

/** The few browser globals used in the page (this file is checked with Node types, no DOM lib). */
type PageGlobals = typeof globalThis & { location: { href: string }; open(url: string): unknown };

const launched: { app: ElectronApplication; userData: string }[] = [];

test.afterEach(async () => {
  for (const { app, userData } of launched.splice(0)) {
    await app.close().catch(() => {});
    rmSync(userData, { recursive: true, force: true });
  }
});

/** Starts the built app with a fresh profile folder; resolves once window.parley is there. */
async function launchApp(label: string): Promise<{ app: ElectronApplication; page: Page }> {
  if (!existsSync(MAIN_BUNDLE)) throw new Error(`${MAIN_BUNDLE} is missing: run \`npm run build\` first`);
  const found = findElectron();
  if ('missing' in found) throw new Error(found.missing);
  const userData = mkdtempSync(join(tmpdir(), `parley-e2e-${label}-`));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env['ELECTRON_RENDERER_URL']; // always the built renderer, never a dev server
  env['NODE_ENV'] = 'test';
  env['PARLEY_USER_DATA_DIR'] = userData;
  const app = await electron.launch({ executablePath: found.executable, args: [ROOT], cwd: ROOT, env });
  launched.push({ app, userData });
  const page = await app.firstWindow();
  await page.waitForFunction(() => typeof (globalThis as ParleyWindow).parley?.getAppInfo === 'function');
  // Record every event in the page, for the test to poll.
  await page.evaluate(() => {
    const w = globalThis as ParleyWindow;
    w.received = [];
    const names = ['serverChanged', 'message', 'memberJoined', 'hostChanged'] as const;
    for (const event of names) w.parley.on(event, (payload) => w.received!.push({ event, payload }));
  });
  return { app, page };
}

test('the window is sandboxed and exposes exactly the Parley API', async () => {
  const { app, page } = await launchApp('sandbox');
  const inPage = await page.evaluate(() => ({
    keys: Object.keys((globalThis as ParleyWindow).parley).sort(),
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    ipcRenderer: typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer,
  }));
  expect(inPage).toEqual({
    keys: [...API_CALL_NAMES, 'on'].sort(),
    require: 'undefined',
    process: 'undefined',
    ipcRenderer: 'undefined',
  });
  // Electron reports whether each renderer process is sandboxed on macOS and Windows.
  const renderers = await app.evaluate(({ app: electronApp }) =>
    electronApp.getAppMetrics().filter((metric) => metric.type === 'Tab'),
  );
  expect(renderers.length).toBeGreaterThan(0);
  for (const renderer of renderers) if (renderer.sandboxed !== undefined) expect(renderer.sandboxed).toBe(true);
  expect(await page.evaluate(() => (globalThis as ParleyWindow).parley.getAppInfo())).toMatchObject({
    platform: 'electron',
    canHost: true,
  });
});

test('the page cannot navigate away or open windows', async () => {
  const { app, page } = await launchApp('navigation');
  const before = page.url();
  expect(before).toMatch(/^file:.*\/out\/renderer\/index\.html/);
  await page.evaluate(() => {
    (globalThis as PageGlobals).location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
  expect(await page.evaluate(() => (globalThis as PageGlobals).open('https://example.com/') === null)).toBe(true);
  expect(app.windows()).toHaveLength(1);
  await expect(page.evaluate(() => (globalThis as ParleyWindow).parley.openLink('file:///etc/passwd'))).rejects.toThrow(
    /http and https/,
  );
});

test('host a room in one app and join it from another', async () => {
  const ada = await launchApp('host');
  const bob = await launchApp('join');

  // Ada hosts (port 0: any free port, so parallel runs do not collide).
  const hosting = await ada.page.evaluate(async () => {
    const { parley } = globalThis as ParleyWindow;
    await parley.setDisplayName('Ada');
    return parley.startHosting({ port: 0, name: 'Kitchen' });
  });
  expect(hosting).toMatchObject({ status: 'running', name: 'Kitchen' } satisfies Partial<HostView>);
  const serverKey = hosting.serverKey!;
  const room = await ada.page.evaluate(async (key) => {
    const { parley } = globalThis as ParleyWindow;
    const created = await parley.createRoom(key, { name: 'General' });
    await parley.joinRoom(key, created.id);
    return created;
  }, serverKey);

  // Bob joins by address and finds the room.
  const joined = await bob.page.evaluate(
    async ({ port, roomId }) => {
      const { parley } = globalThis as ParleyWindow;
      await parley.setDisplayName('Bob');
      const view = await parley.connectServer({ host: '127.0.0.1', port });
      const { rooms } = await parley.listRooms(view.key);
      await parley.joinRoom(view.key, roomId);
      await parley.sendMessage(view.key, { room: roomId }, 'hello Ada', 'e2e-msg-1');
      return { view, roomNames: rooms.map((r) => r.name) };
    },
    { port: hosting.port!, roomId: room.id },
  );
  expect(joined.view).toMatchObject({ status: 'connected', name: 'Kitchen', self: { name: 'Bob' } });
  expect(joined.roomNames).toContain('General');

  // Ada sees Bob arrive and receives his message as a live event.
  await expect
    .poll(() =>
      ada.page.evaluate(() =>
        (globalThis as ParleyWindow).received!.filter((e) => e.event === 'memberJoined' || e.event === 'message'),
      ),
    )
    .toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'memberJoined', payload: expect.objectContaining({ room: room.id }) }),
        expect.objectContaining({
          event: 'message',
          payload: expect.objectContaining({ message: expect.objectContaining({ text: 'hello Ada' }) }),
        }),
      ]),
    );

  // Ada quits: the hosted server says goodbye and Bob's app notices.
  await ada.app.close();
  await expect
    .poll(() =>
      bob.page.evaluate(
        (key) =>
          (globalThis as ParleyWindow)
            .received!.filter((e) => e.event === 'serverChanged')
            .map((e) => e.payload as { key: string; status: string })
            .filter((view) => view.key === key)
            .at(-1)?.status,
        joined.view.key,
      ),
    )
    .not.toBe('connected');
});
