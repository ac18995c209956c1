/**
 * The app's side of discovery, end to end in this process: a SessionManager with real LAN
 * discovery (real multicast) lists a room server announced by a real parley-server process,
 * connects to it through the addresses it advertised, marks its own hosted server, remembers the
 * interfaces the user switched off, and runs the diagnostics. Nothing here is a stand-in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../src/shared/api/contract.ts';
import { LanDiscovery } from '../../src/main/core/discovery/lan-discovery.ts';
import { ServiceAdvertiser } from '../../src/main/core/discovery/service-advertiser.ts';
import { HostedServer } from '../../src/main/core/host/hosted-server.ts';
import { buildTxtRecord } from '../../src/shared/discovery/txt-record.ts';
import { InMemoryProfileStore } from '../../src/main/core/session/profile.ts';
import { SessionManager } from '../../src/main/core/session/session-manager.ts';
import {
  cleanupAll,
  onCleanup,
  spawnCli,
  tempDir,
  waitFor,
  DESKTOP_APP_INFO,
  HOSTED_WORKER_URL,
} from '../support/harness.ts';
import { testInterface } from '../support/mdns-peer.ts';

afterEach(cleanupAll);

interface Setup {
  session: SessionManager;
  discovery: LanDiscovery;
  profile: InMemoryProfileStore;
  nearbyEvents: ApiEvents['nearbyChanged'][];
  host?: HostedServer;
}

async function setup(options: { host?: HostedServer; disabled?: string[] } = {}): Promise<Setup> {
  const discovery = new LanDiscovery({
    browser: { requeryMs: 500, staleAfterMs: 3000, debounceMs: 50 },
    selfTestTimeoutMs: 2000,
    ...(options.host ? { onDisabledInterfaces: (names) => options.host!.setDisabledInterfaces(names) } : {}),
  });
  onCleanup(() => discovery.stop());
  const profile = new InMemoryProfileStore({
    displayName: 'Ada',
    servers: [],
    disabledInterfaces: options.disabled ?? [],
  });
  const session = new SessionManager({
    app: DESKTOP_APP_INFO,
    profile,
    discovery,
    ...(options.host ? { host: options.host } : {}),
    clientOptions: { minBackoffMs: 20, maxBackoffMs: 200 },
  });
  onCleanup(() => session.close());
  const nearbyEvents: ApiEvents['nearbyChanged'][] = [];
  session.onEvent((event, payload) => {
    if (event === 'nearbyChanged') nearbyEvents.push(payload as ApiEvents['nearbyChanged']);
  });
  await discovery.ready();
  return { session, discovery, profile, nearbyEvents, ...(options.host ? { host: options.host } : {}) };
}

/** A parley-server process announcing on the LAN; resolves with its id and port. */
async function announcedServer(name: string): Promise<{ id: string; port: number; stop: () => Promise<unknown> }> {
  const cli = await spawnCli(['--port', '0', '--name', name, '--data-dir', tempDir()]);
  const id = cli.logs.find((l) => l['msg'] === 'listening')!['serverId'] as string;
  return {
    id,
    port: cli.port,
    stop: () => {
      cli.child.kill('SIGTERM'); // a clean stop: the goodbye goes out
      return cli.exited;
    },
  };
}

/** Polls until `find` returns something; returns it. */
async function eventually<T>(find: () => Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  let found: T | undefined;
  await waitFor(async () => (found = await find()) !== undefined, what, timeoutMs);
  return found!;
}

describe('the session with LAN discovery', () => {
  it('lists a nearby server live, connects to it by id, and links the entry to the connection', async () => {
    const { session, nearbyEvents } = await setup();
    const server = await announcedServer('Lab bench');

    const entry = await eventually(
      async () => (await session.listNearby()).find((s) => s.id === server.id),
      'the server in the Nearby list',
    );
    expect(entry).toMatchObject({ name: 'Lab bench', port: server.port, hosted: false, serverKey: null });
    expect(entry.addresses.length).toBeGreaterThan(0);
    await waitFor(
      () => nearbyEvents.some((list) => list.some((s) => s.id === server.id)),
      'a nearbyChanged event with the server',
    );

    const view = await session.connectNearby(server.id);
    expect(view).toMatchObject({ status: 'connected', serverId: server.id, port: server.port });
    const linked = (await session.listNearby()).find((s) => s.id === server.id);
    expect(linked?.serverKey).toBe(view.key);
    // The event said so too, without waiting for the next announcement.
    expect(nearbyEvents.at(-1)?.find((s) => s.id === server.id)?.serverKey).toBe(view.key);

    // Choosing it again shows the same connection rather than opening a second one.
    expect((await session.connectNearby(server.id)).key).toBe(view.key);

    await server.stop();
    await waitFor(
      async () => !(await session.listNearby()).some((s) => s.id === server.id),
      'the stopped server to leave the list',
      5000,
    );
  });

  it('refuses a server whose welcome names another id than its announcement, and forgets it', async () => {
    const { session } = await setup();
    const real = await announcedServer('The real one');
    // An announcement that claims another id for the real server's port (a spoofed or shared name).
    const fakeId = `s_fake${Math.random().toString(36).slice(2, 10)}`;
    const liar = new ServiceAdvertiser({
      name: 'Impostor',
      port: real.port,
      txt: buildTxtRecord({ version: 1, id: fakeId, name: 'Impostor', rooms: 0 }),
    });
    onCleanup(() => liar.stop());
    await liar.start();
    await waitFor(async () => (await session.listNearby()).some((s) => s.id === fakeId), 'the impostor listed');

    await expect(session.connectNearby(fakeId)).rejects.toMatchObject({ code: 'wrong_server' });
    expect((await session.listServers()).filter((s) => s.port === real.port)).toEqual([]);
  });

  it('answers not_found for a server that is not nearby', async () => {
    const { session } = await setup();
    await expect(session.connectNearby('s_not_here')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('marks the server this app hosts as its own', async () => {
    const host = new HostedServer({ workerUrl: HOSTED_WORKER_URL, dataDir: tempDir(), host: '' });
    onCleanup(() => host.stop());
    const { session } = await setup({ host });
    await session.startHosting({ port: 0, name: 'Ada hosts' });
    const own = await eventually(
      async () => (await session.listNearby()).find((s) => s.id === host.serverId),
      'the hosted server in the Nearby list',
    );
    expect(own).toMatchObject({ name: 'Ada hosts', hosted: true });
  });

  it('remembers switched-off interfaces, stops browsing there, and applies them to hosting', async () => {
    const { iface } = testInterface();
    const host = new HostedServer({ workerUrl: HOSTED_WORKER_URL, dataDir: tempDir(), host: '' });
    onCleanup(() => host.stop());
    const { session, profile } = await setup({ host });
    const server = await announcedServer('Behind a switch');
    await waitFor(
      async () => (await session.listNearby()).some((s) => s.id === server.id),
      'the server before the switch',
      5000,
    );

    const after = await session.setInterfaceEnabled(iface.name, false);
    expect(after.find((i) => i.name === iface.name)?.enabled).toBe(false);
    expect(profile.load().disabledInterfaces).toEqual([iface.name]);
    await waitFor(
      async () => !(await session.listNearby()).some((s) => s.id === server.id),
      'the server to leave once its interface is off',
      5000,
    );

    const on = await session.setInterfaceEnabled(iface.name, true);
    expect(on.find((i) => i.name === iface.name)?.enabled).toBe(true);
    expect(profile.load().disabledInterfaces).toEqual([]);
    await waitFor(
      async () => (await session.listNearby()).some((s) => s.id === server.id),
      'the server back once its interface is on again',
      8000,
    );
  });

  it('runs the diagnostics: host name, interfaces, a passing self-test, browsing', async () => {
    const { session } = await setup();
    const report = await session.runDiagnostics();
    expect(report.hostName).toMatch(/\.local$/);
    expect(report.interfaces.length).toBeGreaterThan(0);
    expect(report.selfTest).toMatchObject({ ok: true, error: null });
    expect(report.selfTest.heardOn.length).toBeGreaterThan(0);
    expect(report.browsing).toEqual({ active: true, error: null });
    expect(report.advertising).toBeNull();
  });

  it('answers not_supported where there is no discovery (the browser build)', async () => {
    const session = new SessionManager({
      app: { ...DESKTOP_APP_INFO, canDiscover: false },
      profile: new InMemoryProfileStore(),
    });
    onCleanup(() => session.close());
    await expect(session.listNearby()).resolves.toEqual([]);
    await expect(session.runDiagnostics()).rejects.toMatchObject({ code: 'not_supported' });
    await expect(session.listInterfaces()).rejects.toMatchObject({ code: 'not_supported' });
  });
});
