/**
 * The desktop app's renderer against a REAL session, in Chromium: what Electron's preload and IPC
 * do (src/preload, src/main/ipc), done by Playwright instead, because no Electron binary can run
 * here. Everything behind the bridge is the real thing: a SessionManager (the same object
 * Electron main drives) with real LAN discovery over multicast, talking to real servers.
 *
 * Like main, the bridge validates every call's arguments with the contract's schemas; like the
 * preload, the page gets `window.parley` with exactly the contract's calls and `on()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from '@playwright/test';
import { API_ARGS, API_CALL_NAMES, type AppInfo } from '../../src/shared/api/contract.ts';
import { toErrorShape } from '../../src/shared/api/proxy.ts';
import { LanDiscovery } from '../../src/main/core/discovery/lan-discovery.ts';
import { HOSTED_SERVER_WORKER_FILE, HostedServer } from '../../src/main/core/host/hosted-server.ts';
import { InMemoryProfileStore } from '../../src/main/core/session/profile.ts';
import { SessionManager } from '../../src/main/core/session/session-manager.ts';
import { ROOT } from './fixtures.ts';

/** The hosted server's worker as the Electron build ships it (`npm run e2e` builds first). */
const BUILT_WORKER_URL = pathToFileURL(join(ROOT, 'out', 'main', HOSTED_SERVER_WORKER_FILE));

export interface DesktopSessionOptions {
  /** Offer "Host a room", run by the built worker bundle with a temporary data folder. */
  canHost?: boolean;
}

export interface DesktopSession {
  session: SessionManager;
  discovery: LanDiscovery;
  close(): Promise<void>;
}

/** Starts a desktop session for `displayName` and gives the context's pages its API. */
export async function desktopSession(
  context: BrowserContext,
  displayName: string,
  options: DesktopSessionOptions = {},
): Promise<DesktopSession> {
  // Wired as src/main/index.ts wires them.
  const dataDir = options.canHost ? mkdtempSync(join(tmpdir(), 'parley-e2e-host-')) : undefined;
  const host = dataDir ? new HostedServer({ workerUrl: BUILT_WORKER_URL, dataDir }) : undefined;
  const discovery = new LanDiscovery({
    selfTestTimeoutMs: 2000,
    onDisabledInterfaces: (names) => host?.setDisabledInterfaces(names),
  });
  const app: AppInfo = {
    platform: 'electron',
    canHost: host !== undefined,
    canConnectAnywhere: true,
    canDiscover: true,
    version: '0.0.0-e2e',
  };
  const session = new SessionManager({
    app,
    profile: new InMemoryProfileStore({ displayName, servers: [], disabledInterfaces: [] }),
    discovery,
    ...(host ? { host } : {}),
  });
  await discovery.ready();

  const pages = new Set<Page>();
  context.on('page', (page) => {
    pages.add(page);
    page.on('close', () => pages.delete(page));
  });
  session.onEvent((event, payload) => {
    for (const page of pages) {
      page
        .evaluate(([e, p]) => (globalThis as unknown as PageGlobals).__parleyEmit?.(e, p), [event, payload] as const)
        .catch(() => {});
    }
  });

  await context.exposeBinding('__parleyInvoke', async (_source, name: unknown, args: unknown) => {
    if (typeof name !== 'string' || !(API_CALL_NAMES as readonly string[]).includes(name)) {
      return { ok: false, error: { code: 'unknown_call', message: String(name) } };
    }
    const call = name as (typeof API_CALL_NAMES)[number];
    const parsed = API_ARGS[call].safeParse(args);
    if (!parsed.success) return { ok: false, error: { code: 'invalid_arguments', message: parsed.error.message } };
    try {
      const method = session[call] as (...a: unknown[]) => Promise<unknown>;
      return { ok: true, value: await method.apply(session, parsed.data as unknown[]) };
    } catch (error) {
      return { ok: false, error: toErrorShape(error) };
    }
  });
  await context.addInitScript((names: readonly string[]) => {
    type Listener = (payload: unknown) => void;
    const listeners = new Map<string, Set<Listener>>();
    const invoke = (globalThis as unknown as PageGlobals).__parleyInvoke;
    const api: Record<string, unknown> = {
      on(event: string, listener: Listener) {
        let set = listeners.get(event);
        if (!set) listeners.set(event, (set = new Set()));
        set.add(listener);
        return () => set.delete(listener);
      },
    };
    for (const name of names) {
      api[name] = async (...args: unknown[]) => {
        const response = (await invoke(name, args)) as
          { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
        if (response.ok) return response.value;
        throw Object.assign(new Error(response.error.message), { code: response.error.code });
      };
    }
    (globalThis as unknown as PageGlobals).__parleyEmit = (event: string, payload: unknown) => {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    };
    (globalThis as unknown as PageGlobals).parley = api;
  }, API_CALL_NAMES);

  return {
    session,
    discovery,
    async close() {
      await session.close();
      await discovery.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What the bridge puts on the page's global object (the page runs in the browser, not here). */
interface PageGlobals {
  __parleyInvoke: (name: string, args: unknown[]) => Promise<unknown>;
  __parleyEmit?: (event: string, payload: unknown) => void;
  parley?: unknown;
}
