/**
 * The session layer (the app contract over the protocol client) against real servers on
 * 127.0.0.1: names, connecting and remembering servers, credentials, renames across servers,
 * event mapping, sending (exactly once across a restart), the browser allowlist, untrusted
 * profiles, and hosting a room server in a worker thread.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HostedServer } from '../src/main/core/host/hosted-server.ts';
import {
  InMemoryProfileStore,
  MAX_REMEMBERED_SERVERS,
  parseProfile,
  PROFILE_SCHEMA,
} from '../src/main/core/session/profile.ts';
import {
  cleanupAll,
  connectClient,
  freePort,
  onCleanup,
  startServer,
  TcpProxy,
  tempDir,
  waitFor,
  DESKTOP_APP_INFO,
  HOSTED_WORKER_URL,
} from './support/harness.ts';
import { expectApiError, key, namedSession, newSession } from './support/session-recorder.ts';

afterEach(cleanupAll);

describe('settings', () => {
  it('requires a display name on first run and validates it', async () => {
    const { port } = await startServer();
    const t = newSession();
    expect(await t.session.getSettings()).toEqual({ displayName: null });
    expect(await t.session.getAppInfo()).toEqual(DESKTOP_APP_INFO);
    await expectApiError(t.session.connectServer({ host: '127.0.0.1', port }), 'name_required');
    await expectApiError(t.session.setDisplayName('   '), 'name_invalid');
    await expectApiError(t.session.setDisplayName('a\u0000b'), 'name_invalid');
    await expectApiError(t.session.setDisplayName('x'.repeat(33)), 'name_invalid');
    expect(t.all('settingsChanged')).toEqual([]);

    const result = await t.session.setDisplayName('  Ada  ');
    expect(result).toEqual({ displayName: 'Ada', servers: [] });
    expect(t.all('settingsChanged')).toEqual([{ displayName: 'Ada' }]);
    expect(await t.session.getSettings()).toEqual({ displayName: 'Ada' });
  });

  it('refuses what the session does not do: openLink, hosting without a host controller', async () => {
    const t = await namedSession('Ada');
    await expectApiError(t.session.openLink('https://example.org'), 'not_supported');
    await expectApiError(t.session.startHosting({}), 'not_supported');
    await expectApiError(t.session.stopHosting(), 'not_supported');
    expect(await t.session.getHostStatus()).toEqual({
      status: 'stopped',
      name: null,
      port: null,
      serverKey: null,
      error: null,
    });
  });
});

describe('servers', () => {
  it('connects, lists, disconnects (kept as idle) and forgets', async () => {
    const { port } = await startServer({ name: 'Kitchen' });
    const profile = new InMemoryProfileStore();
    const t = await namedSession('Ada', { profile });

    const view = await t.session.connectServer({ host: '127.0.0.1', port });
    expect(view).toMatchObject({
      key: key(port),
      host: '127.0.0.1',
      port,
      name: 'Kitchen',
      status: 'connected',
      retryAt: null,
      error: null,
      hosted: false,
      unsent: 0,
    });
    expect(view.self?.name).toBe('Ada');
    expect(view.serverId).toMatch(/\S/);
    expect(view.lastConnected).toBeGreaterThan(Date.now() - 10_000);
    expect(t.all('serverChanged').map((v) => v.status)).toEqual(['connecting', 'connected']);

    // Connecting again to a connected server returns its view, without a second client.
    const again = await t.session.connectServer({ host: '127.0.0.1', port });
    expect(again.self?.id).toBe(view.self?.id);
    expect(await t.session.listServers()).toEqual([view]);
    expect((await t.session.listRooms(key(port))).rooms.length).toBe(0);

    await t.session.disconnectServer(key(port));
    const idle = await t.session.listServers();
    expect(idle).toHaveLength(1);
    expect(idle[0]).toMatchObject({ key: key(port), status: 'idle', name: 'Kitchen', self: null });
    expect(t.all('serverChanged').at(-1)?.status).toBe('idle');
    await expectApiError(t.session.listRooms(key(port)), 'not_connected');
    await expectApiError(t.session.sendMessage(key(port), { room: 'r' }, 'hi', 'm1'), 'not_connected');
    await expectApiError(t.session.listRooms('nowhere:1'), 'not_connected');

    await t.session.forgetServer(key(port));
    expect(await t.session.listServers()).toEqual([]);
    expect(t.all('serverRemoved')).toEqual([{ key: key(port) }]);
    expect(profile.load().servers).toEqual([]);
  });

  it('persists credentials and comes back as the same user', async () => {
    const { port, server } = await startServer({ name: 'Kitchen' });
    const profile = new InMemoryProfileStore();
    const first = await namedSession('Ada', { profile });
    const view = await first.session.connectServer({ host: '127.0.0.1', port });
    const saved = profile.load();
    expect(saved.displayName).toBe('Ada');
    expect(saved.servers).toEqual([
      {
        host: '127.0.0.1',
        port,
        name: 'Kitchen',
        serverId: server.id,
        credentials: { userId: view.self!.id, token: expect.any(String) },
        lastConnected: expect.any(Number),
      },
    ]);
    expect(PROFILE_SCHEMA.safeParse(saved).success).toBe(true);
    await first.session.close();

    const second = newSession({ profile });
    expect(await second.session.getSettings()).toEqual({ displayName: 'Ada' });
    const listed = await second.session.listServers();
    expect(listed).toEqual([expect.objectContaining({ key: key(port), status: 'idle', name: 'Kitchen' })]);
    const back = await second.session.connectServer({ host: '127.0.0.1', port });
    expect(back.status).toBe('connected');
    expect(back.self).toEqual(view.self);
  });

  it('reports an unreachable server as reconnecting and a refused hello as failed', async () => {
    const deadPort = await freePort();
    const { port } = await startServer();
    await connectClient(port, 'Ada');
    const t = await namedSession('ada');

    const started = Date.now();
    const unreachable = await t.session.connectServer({ host: '127.0.0.1', port: deadPort });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(unreachable.status).toBe('reconnecting');
    expect(unreachable.retryAt).toBeGreaterThanOrEqual(started);
    expect(unreachable.error?.code).toBe('disconnected');
    expect(unreachable.error?.message).toMatch(/\S/);

    const refused = await t.session.connectServer({ host: '127.0.0.1', port });
    expect(refused.status).toBe('failed');
    expect(refused.error?.code).toBe('name_taken');
    expect(refused.error?.message).toMatch(/already called/);

    // Live servers are listed before remembered ones; failed ones stay until dismissed.
    const list = await t.session.listServers();
    expect(list.map((v) => v.status).sort()).toEqual(['failed', 'reconnecting']);
    await t.session.disconnectServer(key(deadPort));
    await t.session.disconnectServer(key(port));
    expect((await t.session.listServers()).map((v) => v.status)).toEqual(['idle', 'idle']);
  });

  it('orders hosted first, then live servers, then remembered ones by recency', async () => {
    const a = await startServer({ name: 'A' });
    const b = await startServer({ name: 'B' });
    const c = await startServer({ name: 'C' });
    const profile = new InMemoryProfileStore({
      displayName: 'Ada',
      servers: [
        { host: '127.0.0.1', port: a.port, name: 'A', serverId: null, credentials: null, lastConnected: 1000 },
        { host: '127.0.0.1', port: b.port, name: 'B', serverId: null, credentials: null, lastConnected: 3000 },
        { host: '127.0.0.1', port: c.port, name: 'C', serverId: null, credentials: null, lastConnected: null },
      ],
    });
    const t = newSession({ profile });
    expect((await t.session.listServers()).map((v) => v.name)).toEqual(['B', 'A', 'C']);
    await t.session.connectServer({ host: '127.0.0.1', port: c.port });
    expect((await t.session.listServers()).map((v) => `${v.name}:${v.status}`)).toEqual([
      'C:connected',
      'B:idle',
      'A:idle',
    ]);
  });

  it('refuses any server but the allowed one (browser build)', async () => {
    const allowed = await startServer();
    const other = await startServer();
    const t = await namedSession('Ada', { allowedServer: { host: '127.0.0.1', port: allowed.port } });
    const error = await expectApiError(t.session.connectServer({ host: '127.0.0.1', port: other.port }), 'not_allowed');
    expect(error.message).toContain(String(allowed.port));
    await expectApiError(t.session.connectServer({ host: 'localhost', port: allowed.port }), 'not_allowed');
    expect(await t.session.listServers()).toEqual([]);
    const view = await t.session.connectServer({ host: '127.0.0.1', port: allowed.port });
    expect(view.status).toBe('connected');
  });
});

describe('names', () => {
  it('renames on every connected server; one refusal does not stop the others', async () => {
    const a = await startServer({ name: 'A' });
    const b = await startServer({ name: 'B' });
    await connectClient(b.port, 'Bob');
    const t = await namedSession('Ada');
    await t.session.connectServer({ host: '127.0.0.1', port: a.port });
    await t.session.connectServer({ host: '127.0.0.1', port: b.port });

    const result = await t.session.setDisplayName('Bob');
    expect(result.displayName).toBe('Bob');
    const byKey = new Map(result.servers.map((s) => [s.key, s]));
    expect(byKey.get(key(a.port))).toEqual({ key: key(a.port), ok: true });
    expect(byKey.get(key(b.port))).toMatchObject({ key: key(b.port), ok: false, code: 'name_taken' });
    expect(byKey.get(key(b.port))?.message).toMatch(/\S/);
    expect(t.all('settingsChanged').at(-1)).toEqual({ displayName: 'Bob' });

    const views = new Map((await t.session.listServers()).map((v) => [v.key, v]));
    expect(views.get(key(a.port))?.self?.name).toBe('Bob');
    expect(views.get(key(b.port))?.self?.name).toBe('Ada');
  });

  it('a server that was unreachable during the rename gets the new name when it reconnects', async () => {
    const { port } = await startServer();
    const proxy = await TcpProxy.start(port);
    const t = await namedSession('Ada');
    const view = await t.session.connectServer({ host: '127.0.0.1', port: proxy.port });
    expect(view.self?.name).toBe('Ada');

    proxy.cut();
    await t.waitFor('serverChanged', (v) => v.key === key(proxy.port) && v.status === 'reconnecting');
    const result = await t.session.setDisplayName('Cleo');
    expect(result.servers).toEqual([]); // not connected right now
    proxy.restore();
    const renamed = await t.waitFor('serverChanged', (v) => v.status === 'connected' && v.self?.name === 'Cleo');
    expect(renamed.self?.id).toBe(view.self?.id);

    expect((await t.session.listServers())[0]?.self?.name).toBe('Cleo');

    // The server knows the new name: others see it.
    const k = key(proxy.port);
    const room = await t.session.createRoom(k, { name: 'Lobby' });
    await t.session.joinRoom(k, room.id);
    const observer = await connectClient(port, 'Dan');
    const { members } = await observer.joinRoom(room.id);
    expect(members.map((m) => m.name).sort()).toEqual(['Cleo', 'Dan']);
  });
});

describe('events and messages', () => {
  it('maps client events to contract events tagged with the server key', async () => {
    const { port } = await startServer();
    const k = key(port);
    const ada = await namedSession('Ada');
    const bob = await namedSession('Bob');
    await ada.session.connectServer({ host: '127.0.0.1', port });
    await bob.session.connectServer({ host: '127.0.0.1', port });

    const room = await ada.session.createRoom(k, { name: 'Kitchen', topic: 'Food' });
    expect(room).toMatchObject({ name: 'Kitchen', topic: 'Food' });
    expect(await bob.waitFor('roomCreated')).toEqual({ server: k, room });
    await expectApiError(ada.session.createRoom(k, { name: 'kitchen' }), 'room_exists');
    await expectApiError(ada.session.joinRoom(k, 'nope'), 'room_not_found');

    await ada.session.joinRoom(k, room.id);
    const joined = await bob.session.joinRoom(k, room.id);
    expect(joined.members.map((m) => m.name).sort()).toEqual(['Ada', 'Bob']);
    const bobView = (await bob.session.listServers())[0]!;
    expect(await ada.waitFor('memberJoined')).toEqual({ server: k, room: room.id, user: bobView.self });

    await ada.session.sendMessage(k, { room: room.id }, 'hello', 'ada-1');
    const received = await bob.waitFor('message', (m) => m.message.msgId === 'ada-1');
    expect(received).toMatchObject({ server: k, message: { room: room.id, text: 'hello', fromName: 'Ada', seq: 1 } });

    await ada.session.setDisplayName('Ada L');
    const renamed = await bob.waitFor('userRenamed');
    expect(renamed).toMatchObject({ server: k, user: { name: 'Ada L' }, oldName: 'Ada' });

    // Direct messages, and the DM list.
    const adaId = (await ada.session.listServers())[0]!.self!.id;
    await bob.session.sendMessage(k, { user: adaId }, 'psst', 'bob-dm-1');
    const dm = await ada.waitFor('message', (m) => m.message.msgId === 'bob-dm-1');
    expect(dm).toMatchObject({ server: k, message: { to: adaId, text: 'psst' } });
    expect(await ada.session.listDms(k)).toEqual([expect.objectContaining({ user: bobView.self, lastSeq: 1 })]);
    expect((await ada.session.loadLatest(k, { user: bobView.self!.id })).messages.map((m) => m.text)).toEqual(['psst']);

    await bob.session.leaveRoom(k, room.id);
    expect(await ada.waitFor('memberLeft')).toEqual({ server: k, room: room.id, user: bobView.self, reason: 'left' });
    await bob.session.joinRoom(k, room.id);
    await bob.session.disconnectServer(k);
    expect(await ada.waitFor('memberLeft', (e) => e.reason === 'disconnected')).toEqual({
      server: k,
      room: room.id,
      user: bobView.self,
      reason: 'disconnected',
    });
  });

  it('sendMessage: own message event with the same msgId, unsent count, sendFailed on refusal', async () => {
    const { port } = await startServer({ limits: { maxTextChars: 10 } });
    const k = key(port);
    const t = await namedSession('Ada');
    await t.session.connectServer({ host: '127.0.0.1', port });
    const room = await t.session.createRoom(k, { name: 'Notes' });
    await t.session.joinRoom(k, room.id);

    await t.session.sendMessage(k, { room: room.id }, 'short', 'm-1');
    const own = await t.waitFor('message', (m) => m.message.msgId === 'm-1');
    expect(own).toMatchObject({ server: k, message: { room: room.id, text: 'short', seq: 1 } });
    await waitFor(async () => (await t.session.listServers())[0]?.unsent === 0, 'the ack');

    await t.session.sendMessage(k, { room: room.id }, 'far too long for this server', 'm-2');
    const failed = await t.waitFor('sendFailed');
    expect(failed).toMatchObject({ server: k, msgId: 'm-2', code: 'text_too_long' });
    expect(failed.reason).toMatch(/longer than 10/);
    await t.session.sendMessage(k, { room: 'no-such-room' }, 'hi', 'm-3');
    expect(await t.waitFor('sendFailed', (f) => f.msgId === 'm-3')).toMatchObject({ code: 'room_not_found' });
    await waitFor(async () => (await t.session.listServers())[0]?.unsent === 0, 'unsent back to 0');
    expect(t.all('message').map((m) => m.message.msgId)).toEqual(['m-1']);

    // History pages through the same call shape.
    for (let i = 2; i <= 4; i++) await t.session.sendMessage(k, { room: room.id }, `n${i}`, `m-n${i}`);
    await t.waitFor('message', (m) => m.message.msgId === 'm-n4');
    const older = await t.session.loadOlder(k, { room: room.id }, 3);
    expect(older.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(older.hasMore).toBe(false);
  });

  it('survives a server restart: reconnecting (retryAt) then connected; a message sent meanwhile arrives once', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const first = await startServer({ port, dataDir });
    const k = key(port);
    const t = await namedSession('Ada');
    await t.session.connectServer({ host: '127.0.0.1', port });
    const room = await t.session.createRoom(k, { name: 'Lobby' });
    await t.session.joinRoom(k, room.id);

    await first.server.close();
    const down = await t.waitFor('serverChanged', (v) => v.status === 'reconnecting');
    expect(down.error?.code).toBe('server_shutdown');
    expect(down.retryAt).toBeGreaterThan(Date.now() - 5000);
    await expectApiError(t.session.listRooms(k), 'not_connected');

    await t.session.sendMessage(k, { room: room.id }, 'sent while down', 'while-down');
    await t.waitFor('serverChanged', (v) => v.unsent === 1 && v.status !== 'connected');

    await startServer({ port, dataDir });
    const up = await t.waitFor('serverChanged', (v) => v.status === 'connected' && v.unsent === 0, 10_000);
    expect(up.error).toBeNull();
    expect(up.retryAt).toBeNull();
    await t.waitFor('message', (m) => m.message.msgId === 'while-down');
    const page = await t.session.loadLatest(k, { room: room.id });
    expect(page.messages.filter((m) => m.msgId === 'while-down')).toHaveLength(1);
    // Give a duplicate the time to show up, then count.
    await new Promise((wake) => setTimeout(wake, 200));
    expect(t.all('message').filter((m) => m.message.msgId === 'while-down')).toHaveLength(1);

    // Sending the same msgId again stores nothing new and emits nothing new.
    await t.session.sendMessage(k, { room: room.id }, 'sent while down', 'while-down');
    await waitFor(async () => (await t.session.listServers())[0]?.unsent === 0, 'the resend to settle');
    const again = await t.session.loadLatest(k, { room: room.id });
    expect(again.messages.filter((m) => m.msgId === 'while-down')).toHaveLength(1);
  });
});

describe('profiles', () => {
  it('parseProfile never throws and keeps only what is valid', () => {
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      'profile',
      [],
      [{ displayName: 'Ada' }],
      { displayName: 5, servers: 'many' },
      { displayName: '\u0000', servers: {} },
      JSON.parse('{"__proto__": {"displayName": "Eve"}, "servers": null}'),
      new Proxy(
        {},
        {
          get() {
            throw new Error('hostile');
          },
          has() {
            throw new Error('hostile');
          },
          getOwnPropertyDescriptor() {
            throw new Error('hostile');
          },
        },
      ),
    ];
    for (const input of garbage) {
      const profile = parseProfile(input);
      expect(profile).toEqual({ displayName: null, servers: [], disabledInterfaces: [] });
      expect(PROFILE_SCHEMA.safeParse(profile).success).toBe(true);
    }

    const good = {
      host: 'kitchen.lan',
      port: 7275,
      name: 'Kitchen',
      serverId: 's1',
      credentials: null,
      lastConnected: 5,
    };
    const mixed = parseProfile({
      displayName: ' Ada ',
      extra: 'ignored',
      servers: [
        good,
        { ...good, name: 'duplicate' },
        { ...good, port: 0 },
        { ...good, port: 70000 },
        { ...good, host: '' },
        { ...good, host: 'x'.repeat(300) },
        null,
        'kitchen.lan:7275',
        { host: 'old.lan', port: 1 }, // written by an older build: defaults filled in
        { ...good, host: 'bad-fields.lan', serverId: 7, credentials: { userId: '' }, lastConnected: -1, name: 9 },
        { ...good, host: 'creds.lan', credentials: { userId: 'u1', token: 't1', extra: 1 } },
      ],
    });
    expect(mixed.displayName).toBe('Ada');
    expect(mixed.servers).toEqual([
      good,
      { host: 'old.lan', port: 1, name: 'old.lan:1', serverId: null, credentials: null, lastConnected: null },
      {
        host: 'bad-fields.lan',
        port: 7275,
        name: 'bad-fields.lan:7275',
        serverId: null,
        credentials: null,
        lastConnected: null,
      },
      { ...good, host: 'creds.lan', credentials: { userId: 'u1', token: 't1' } },
    ]);
    expect(PROFILE_SCHEMA.safeParse(mixed).success).toBe(true);

    const many = parseProfile({
      displayName: 'Ada',
      servers: Array.from({ length: 5000 }, (_, i) => ({ ...good, port: i + 1 })),
    });
    expect(many.servers).toHaveLength(MAX_REMEMBERED_SERVERS);
    expect(many.servers[0]?.port).toBe(1);
  });

  it('InMemoryProfileStore hands out copies', () => {
    const store = new InMemoryProfileStore({ displayName: 'Ada', servers: [] });
    const loaded = store.load();
    loaded.displayName = 'Mallory';
    expect(store.load().displayName).toBe('Ada');
    store.save(loaded);
    loaded.displayName = 'Eve';
    expect(store.load().displayName).toBe('Mallory');
  });

  it('remembers at most MAX_REMEMBERED_SERVERS servers, most recent first', async () => {
    const servers = Array.from({ length: MAX_REMEMBERED_SERVERS }, (_, i) => ({
      host: `h${i}.lan`,
      port: 7275,
      name: `H${i}`,
      serverId: null,
      credentials: null,
      lastConnected: i,
    }));
    const profile = new InMemoryProfileStore({ displayName: 'Ada', servers });
    const { port } = await startServer({ name: 'New' });
    const t = newSession({ profile });
    await t.session.connectServer({ host: '127.0.0.1', port });
    const saved = profile.load().servers;
    expect(saved).toHaveLength(MAX_REMEMBERED_SERVERS);
    expect(saved[0]?.name).toBe('New');
    expect(saved.at(-1)?.name).toBe(`H${MAX_REMEMBERED_SERVERS - 2}`);
  });
});

describe('hosting', () => {
  it('hosts a room server in a worker: others join and chat; stopping tells them server_shutdown', async () => {
    const host = new HostedServer({ workerUrl: HOSTED_WORKER_URL, dataDir: tempDir(), host: '127.0.0.1' });
    onCleanup(() => host.stop());
    const ada = await namedSession('Ada', { host });

    const view = await ada.session.startHosting({ port: 0 });
    expect(view).toMatchObject({ status: 'running', name: "Ada's rooms", error: null });
    expect(view.port).toBeGreaterThan(0);
    const k = key(view.port!);
    expect(view.serverKey).toBe(k);
    expect(ada.all('hostChanged').map((h) => h.status)).toEqual(['starting', 'running']);
    expect(await ada.session.getHostStatus()).toEqual(view);
    // A second start while running changes nothing.
    expect(await ada.session.startHosting({ port: 0 })).toEqual(view);

    const list = await ada.session.listServers();
    expect(list[0]).toMatchObject({ key: k, hosted: true, status: 'connected', name: "Ada's rooms" });

    const bob = await namedSession('Bob');
    const bobView = await bob.session.connectServer({ host: '127.0.0.1', port: view.port! });
    expect(bobView).toMatchObject({ status: 'connected', name: "Ada's rooms", hosted: false });

    const room = await ada.session.createRoom(k, { name: 'Games' });
    await ada.session.joinRoom(k, room.id);
    await bob.session.joinRoom(k, room.id);
    await bob.session.sendMessage(k, { room: room.id }, 'hi Ada', 'bob-1');
    expect(await ada.waitFor('message', (m) => m.message.msgId === 'bob-1')).toMatchObject({
      server: k,
      message: { text: 'hi Ada', fromName: 'Bob' },
    });
    await ada.session.sendMessage(k, { room: room.id }, 'hi Bob', 'ada-1');
    await bob.waitFor('message', (m) => m.message.msgId === 'ada-1');

    // Disconnected from the hosted server by hand: starting again reconnects to it.
    await ada.session.disconnectServer(k);
    expect(await ada.session.startHosting({})).toEqual(view);
    expect((await ada.session.listServers())[0]).toMatchObject({ key: k, hosted: true, status: 'connected' });

    const stopped = await ada.session.stopHosting();
    expect(stopped).toEqual({ status: 'stopped', name: null, port: null, serverKey: null, error: null });
    expect(ada.all('hostChanged').at(-1)?.status).toBe('stopped');
    const bobDown = await bob.waitFor('serverChanged', (v) => v.status === 'reconnecting');
    expect(bobDown.error?.code).toBe('server_shutdown');
    const adaList = await ada.session.listServers();
    expect(adaList.find((v) => v.key === k)).toMatchObject({ status: 'idle', hosted: false });
    expect(host.running).toBe(false);
  });

  it('reports a host that cannot start as failed, with the reason', async () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const host = new HostedServer({ workerUrl: HOSTED_WORKER_URL, dataDir: file, host: '127.0.0.1' });
    const ada = await namedSession('Ada', { host });

    const view = await ada.session.startHosting({ port: 0, name: 'Broken' });
    expect(view).toMatchObject({ status: 'failed', name: 'Broken', port: null, serverKey: null });
    expect(view.error).toMatch(/\S/);
    expect(ada.all('hostChanged').map((h) => h.status)).toEqual(['starting', 'failed']);
    expect(ada.all('hostChanged').at(-1)?.error).toBe(view.error);
    expect(await ada.session.listServers()).toEqual([]);
    expect(host.running).toBe(false);

    // Stopping a failed host resets it.
    expect((await ada.session.stopHosting()).status).toBe('stopped');
    await expectApiError(ada.session.startHosting({ name: '\u0007' }), 'name_invalid');
  });

  it('reports a hosted server that stops by itself (crash) as failed', async () => {
    // A stand-in worker that starts "successfully" and then dies: the crash path of HostedServer.
    const dir = tempDir();
    const crashing = join(dir, 'crashing-worker.mjs');
    writeFileSync(
      crashing,
      "import { parentPort } from 'node:worker_threads';\n" +
        "parentPort.postMessage({ type: 'started', port: 1, serverId: 's_crashing' });\n" +
        "setTimeout(() => { throw new Error('boom'); }, 100);\n",
    );
    const host = new HostedServer({ workerUrl: pathToFileURL(crashing), dataDir: dir });
    const ada = await namedSession('Ada', { host });
    const view = await ada.session.startHosting({});
    expect(view.status).toBe('running');
    const failed = await ada.waitFor('hostChanged', (h) => h.status === 'failed');
    expect(failed.error).toMatch(/unexpectedly/);
    expect(host.running).toBe(false);
    expect((await ada.session.stopHosting()).status).toBe('stopped');
  });

  it('falls back to any free port when the default port is taken; an explicit taken port fails', async () => {
    // A port this test holds, standing in for DEFAULT_PORT (which other processes may use).
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    onCleanup(() => new Promise((resolve) => blocker.close(resolve)));
    const taken = (blocker.address() as AddressInfo).port;

    const host = new HostedServer({
      workerUrl: HOSTED_WORKER_URL,
      dataDir: tempDir(),
      host: '127.0.0.1',
      defaultPort: taken,
    });
    onCleanup(() => host.stop());
    const { port } = await host.start({ name: 'Fallback' });
    expect(port).not.toBe(taken);
    expect(port).toBeGreaterThan(0);
    await host.stop();
    expect(host.running).toBe(false);

    await expect(host.start({ name: 'Explicit', port: taken })).rejects.toThrow(/EADDRINUSE|in use/i);
    expect(host.running).toBe(false);
    // Usable again after a failed start.
    expect((await host.start({ name: 'Again', port: 0 })).port).toBeGreaterThan(0);
    await host.stop();
  });
});
