/**
 * The browser gateway (src/main/core/web): static files and their headers, path traversal,
 * the WebSocket RPC against a real room server (init → connect → rooms → messages → events,
 * profiles with credentials, resume), hostile messages and origins, the browser client
 * (src/renderer/src/api/web-api.ts) over Node's own WebSocket, and `parley-server --web`.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiEvents, ServerView } from '../src/shared/api/contract.ts';
import { ApiError, type ApiResponse } from '../src/shared/api/proxy.ts';
import type { Profile } from '../src/main/core/session/profile.ts';
import { hostNameOf, isLanHostName, originMatchesHost } from '../src/main/core/web/lan-host-names.ts';
import { staticTarget, WebRootError } from '../src/main/core/web/static-files.ts';
import type { WebLimits } from '../src/main/core/web/web-connection.ts';
import { startWebServer, type WebServer } from '../src/main/core/web/web-server.ts';
import { PROFILE_STORAGE_KEY, WebApiConnection } from '../src/renderer/src/api/web-api.ts';
import { cleanupAll, onCleanup, runCli, spawnCli, startServer, TcpProxy, tempDir, waitFor } from './support/harness.ts';

afterEach(cleanupAll);

const INDEX_HTML = '<!doctype html><title>Parley test</title><p>hello from the web root</p>\n';
const ASSET_JS = 'console.log("asset");\n';
/** A script large enough to be worth compressing (tiny files are sent as they are). */
const BIG_JS = Array.from({ length: 400 }, (_, i) => `export const line${i} = "Parley line ${i}";\n`).join('');
const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';

/** A fake built renderer: index.html, a hashed asset, a dotfile and a symlink out of the root. */
function makeWebRoot(): { root: string; outside: string } {
  const base = tempDir('parley-web-');
  const root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX_HTML);
  writeFileSync(join(root, 'assets', 'index-C_Z9-d1M.js'), ASSET_JS);
  writeFileSync(join(root, 'assets', 'style.css'), 'p{}');
  writeFileSync(join(root, 'assets', 'big-Q1w2E3r4.js'), BIG_JS);
  writeFileSync(join(root, 'assets', 'logo-Z9y8X7w6.png'), Buffer.alloc(4096, 7));
  writeFileSync(join(root, '.env'), SECRET);
  const outside = join(base, 'secret.txt');
  writeFileSync(outside, SECRET);
  symlinkSync(outside, join(root, 'escape.txt'));
  symlinkSync(base, join(root, 'up'));
  return { root, outside };
}

interface Setup {
  web: WebServer;
  port: number;
  roomPort: number;
  roomKey: string;
  url: string;
  roomServer: Awaited<ReturnType<typeof startServer>>['server'];
}

async function setup(limits: Partial<WebLimits> = {}): Promise<Setup> {
  const { server, port: roomPort } = await startServer({ name: 'Web test rooms' });
  const { root } = makeWebRoot();
  const web = await startWebServer({
    host: '127.0.0.1',
    port: 0,
    staticDir: root,
    roomServer: { host: '127.0.0.1', port: roomPort },
    version: '9.8.7',
    limits,
  });
  onCleanup(() => web.close());
  const port = web.address.port;
  return {
    web,
    port,
    roomPort,
    roomKey: `127.0.0.1:${roomPort}`,
    url: `ws://127.0.0.1:${port}/api`,
    roomServer: server,
  };
}

// ── HTTP helpers ─────────────────────────────────────────────────────────────────────────────

interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body's bytes as they came over the wire (compressed, if they were). */
  raw: Buffer;
}

/** An HTTP request with the target sent exactly as given (fetch would normalize `..`). */
function http(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body: raw.toString('utf8'), raw });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function expectSecurityHeaders(headers: IncomingHttpHeaders): void {
  const csp = headers['content-security-policy'];
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("img-src 'self' data:");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
}

// ── WebSocket RPC helper ─────────────────────────────────────────────────────────────────────

type Incoming =
  | { t: 'result'; id: number; response: ApiResponse }
  | { t: 'event'; name: keyof ApiEvents; payload: unknown }
  | { t: 'profile'; profile: Profile }
  | { t: 'error'; code: string; message: string };

class Rpc {
  readonly messages: Incoming[] = [];
  closeCode: number | undefined;
  private nextId = 1;
  private waiters = new Set<() => void>();
  readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Incoming);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    ws.on('error', () => {});
  }

  static open(url: string, options: { origin?: string; headers?: Record<string, string> } = {}): Promise<Rpc> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...options, handshakeTimeout: 5000 });
      onCleanup(() => ws.terminate());
      ws.once('open', () => resolve(new Rpc(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  static async init(url: string, profile: unknown = null): Promise<Rpc> {
    const rpc = await Rpc.open(url);
    rpc.send({ t: 'init', profile });
    return rpc;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a call and resolves with its response envelope. */
  async call(name: string, ...args: unknown[]): Promise<ApiResponse> {
    const id = this.nextId++;
    this.send({ t: 'call', id, name, args });
    const result = await this.next((m) => m.t === 'result' && m.id === id);
    return (result as Extract<Incoming, { t: 'result' }>).response;
  }

  /** Like call, but expects success and returns the value. */
  async ok<T = unknown>(name: string, ...args: unknown[]): Promise<T> {
    const response = await this.call(name, ...args);
    if (!response.ok) throw new Error(`${name} failed: ${response.error.code}: ${response.error.message}`);
    return response.value as T;
  }

  /** The first message (consumed) matching `predicate`. */
  async next(predicate: (m: Incoming) => boolean, timeoutMs = 5000): Promise<Incoming> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex(predicate);
      if (index >= 0) return this.messages.splice(index, 1)[0]!;
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received ${JSON.stringify(this.messages).slice(0, 1500)}`);
      await new Promise<void>((wake) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          wake();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  event<E extends keyof ApiEvents>(name: E, predicate: (p: ApiEvents[E]) => boolean = () => true) {
    return this.next((m) => m.t === 'event' && m.name === name && predicate(m.payload as ApiEvents[E])).then(
      (m) => (m as { payload: ApiEvents[E] }).payload,
    );
  }

  /** The newest profile message received so far. */
  lastProfile(): Profile | undefined {
    const profiles = this.messages.filter((m) => m.t === 'profile');
    return profiles.at(-1)?.profile;
  }

  async closed(timeoutMs = 5000): Promise<number> {
    await waitFor(() => this.closeCode !== undefined, 'socket close', timeoutMs);
    return this.closeCode!;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Connects a fresh session as `name` and returns the connected view. */
async function connectAs(s: Setup, name: string, profile: unknown = null): Promise<{ rpc: Rpc; view: ServerView }> {
  const rpc = await Rpc.init(s.url, profile);
  await rpc.ok('setDisplayName', name);
  const view = await rpc.ok<ServerView>('connectServer', { host: '127.0.0.1', port: s.roomPort });
  expect(view.status).toBe('connected');
  return { rpc, view };
}

// ── static files ─────────────────────────────────────────────────────────────────────────────

describe('static files', () => {
  it('serves index.html for / with the security headers and no caching', async () => {
    const { port } = await setup();
    const reply = await http(port, '/');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(INDEX_HTML);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(INDEX_HTML)));
    expect(reply.headers['cache-control']).toBe('no-cache');
    expectSecurityHeaders(reply.headers);
    expect((await http(port, '/index.html')).body).toBe(INDEX_HTML);
    expect((await http(port, '/?utm=1')).body).toBe(INDEX_HTML);
  });

  it('serves hashed assets with their type and a long immutable cache', async () => {
    const { port } = await setup();
    const js = await http(port, '/assets/index-C_Z9-d1M.js');
    expect(js.status).toBe(200);
    expect(js.body).toBe(ASSET_JS);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(js.headers);
    const css = await http(port, '/assets/style.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('no-cache');
  });

  it('answers HEAD without a body, revalidates with ETag, refuses other methods', async () => {
    const { port } = await setup();
    const head = await http(port, '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(INDEX_HTML)));
    const again = await http(port, '/', { headers: { 'If-None-Match': head.headers.etag! } });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const reply = await http(port, '/', { method });
      expect(reply.status).toBe(405);
      expect(reply.headers['allow']).toBe('GET, HEAD');
      expectSecurityHeaders(reply.headers);
    }
  });

  it('sends text gzip-compressed to browsers that accept it, and the same bytes to others', async () => {
    const { port } = await setup();
    const path = '/assets/big-Q1w2E3r4.js';
    const plain = await http(port, path);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(BIG_JS);
    expect(plain.headers['vary']).toBe('Accept-Encoding');

    for (const accept of ['gzip, deflate, br, zstd', 'br;q=1.0, gzip;q=0.8', '*']) {
      const packed = await http(port, path, { headers: { 'Accept-Encoding': accept } });
      expect(packed.status, accept).toBe(200);
      expect(packed.headers['content-encoding'], accept).toBe('gzip');
      expect(packed.headers['vary']).toBe('Accept-Encoding');
      expect(packed.headers['content-length']).toBe(String(packed.raw.length));
      expect(packed.raw.length).toBeLessThan(Buffer.byteLength(BIG_JS) / 4);
      expect(gunzipSync(packed.raw).toString('utf8')).toBe(BIG_JS);
      expect(packed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expectSecurityHeaders(packed.headers);
    }
    const head = await http(port, path, { method: 'HEAD', headers: { 'Accept-Encoding': 'gzip' } });
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.raw.length).toBe(0);

    // Refused by q=0, not offered, or not worth it (tiny, or an image): sent as it is.
    for (const accept of ['gzip;q=0', 'identity', 'br', 'gzip;q=0, *;q=0']) {
      const reply = await http(port, path, { headers: { 'Accept-Encoding': accept } });
      expect(reply.headers['content-encoding'], accept).toBeUndefined();
      expect(reply.body).toBe(BIG_JS);
    }
    const tiny = await http(port, '/assets/index-C_Z9-d1M.js', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body).toBe(ASSET_JS);
    const image = await http(port, '/assets/logo-Z9y8X7w6.png', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(image.headers['content-encoding']).toBeUndefined();
    expect(image.raw.length).toBe(4096);
  });

  it('answers 404 with the headers for anything else', async () => {
    const { port } = await setup();
    for (const path of ['/nope', '/assets', '/assets/', '/api', '/assets/missing-abcdefgh.js']) {
      const reply = await http(port, path);
      expect(reply.status, path).toBe(404);
      expectSecurityHeaders(reply.headers);
      expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    }
  });

  it('never serves anything outside the root: traversal, encodings, absolute paths, symlinks, dotfiles', async () => {
    const { port } = await setup();
    const attempts = [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/%252e%252e/secret.txt',
      '/..\\secret.txt',
      '/..%5csecret.txt',
      '//etc/passwd',
      '/etc/passwd',
      '/%2fetc%2fpasswd',
      'http://127.0.0.1/etc/passwd',
      '/escape.txt',
      '/up/secret.txt',
      '/.env',
      '/assets/./index-C_Z9-d1M.js',
      '/index.html%00.js',
      '/%ff',
      '/C:/Windows/win.ini',
    ];
    for (const path of attempts) {
      const reply = await http(port, path);
      expect([400, 404], `${path} → ${reply.status}`).toContain(reply.status);
      expect(reply.body).not.toContain(SECRET);
      expect(reply.body).not.toContain('root:');
      expectSecurityHeaders(reply.headers);
    }
  });

  it('refuses host names a DNS-rebinding page would use, accepts LAN names', async () => {
    const { port } = await setup();
    for (const host of ['evil.example', 'evil.example:80', `attacker.com:${port}`]) {
      const reply = await http(port, '/', { headers: { Host: host } });
      expect(reply.status, host).toBe(421);
      expect(reply.body).not.toContain('hello from the web root');
    }
    for (const host of ['raspberrypi', `kitchen.local:${port}`, 'nas.lan', `[::1]:${port}`, 'localhost', '10.0.0.7']) {
      expect((await http(port, '/', { headers: { Host: host } })).status, host).toBe(200);
    }
  });

  it('refuses to start without index.html, telling to build', async () => {
    const empty = tempDir();
    const start = startWebServer({
      host: '127.0.0.1',
      port: 0,
      staticDir: empty,
      roomServer: { host: '127.0.0.1', port: 1 },
      version: '0',
    });
    await expect(start).rejects.toBeInstanceOf(WebRootError);
    await expect(start).rejects.toThrow(/npm run build/);
  });
});

describe('request target and host rules', () => {
  it('staticTarget maps and refuses targets', () => {
    expect(staticTarget('/')).toEqual({ relative: 'index.html' });
    expect(staticTarget('/assets/a-b.js?x#y')).toEqual({ relative: 'assets/a-b.js' });
    expect(staticTarget('/a%20b.txt')).toEqual({ relative: 'a b.txt' });
    for (const bad of ['', '*', 'x', '/../a', '/a/../b', '/%2e%2e/a', '//a', '/a//b', '/a\\b', '/%00', '/%e0%a4%a'])
      expect(staticTarget(bad), bad).toEqual({ status: 400 });
    for (const hidden of ['/.git/config', '/a/.env', '/C:/x']) expect(staticTarget(hidden)).toEqual({ status: 404 });
  });

  it('classifies host names and origins', () => {
    expect(hostNameOf('Example.COM:80')).toBe('example.com');
    expect(hostNameOf('[::1]:7280')).toBe('::1');
    expect(hostNameOf('pi.local.')).toBe('pi.local');
    expect(hostNameOf('a@b')).toBeUndefined();
    expect(hostNameOf('a/b')).toBeUndefined();
    for (const ok of ['192.168.1.5', '::1', 'localhost', 'pi', 'pi.local', 'x.home.arpa', 'box.lan'])
      expect(isLanHostName(ok), ok).toBe(true);
    for (const bad of ['evil.example', 'local.evil.com', 'lan.attacker.net'])
      expect(isLanHostName(bad), bad).toBe(false);
    expect(isLanHostName('chat.example.org', ['chat.example.org'])).toBe(true);
    expect(originMatchesHost('http://192.168.1.5:7280', '192.168.1.5:7280')).toBe(true);
    expect(originMatchesHost('https://pi.local', 'pi.local')).toBe(true);
    expect(originMatchesHost('http://pi.local:80', 'pi.local')).toBe(true);
    expect(originMatchesHost('http://evil.example', '192.168.1.5:7280')).toBe(false);
    expect(originMatchesHost('http://192.168.1.5:7281', '192.168.1.5:7280')).toBe(false);
    expect(originMatchesHost('null', '192.168.1.5:7280')).toBe(false);
    expect(originMatchesHost('file://', 'localhost')).toBe(false);
  });
});

// ── the WebSocket RPC ────────────────────────────────────────────────────────────────────────

describe('WebSocket RPC', () => {
  it('lists the serving room server before connecting, then connects, chats and receives events', async () => {
    const s = await setup();
    const ada = await Rpc.init(s.url);
    expect(await ada.ok('getAppInfo')).toEqual({
      platform: 'web',
      canHost: false,
      canConnectAnywhere: false,
      canDiscover: false,
      version: '9.8.7',
    });
    const before = await ada.ok<ServerView[]>('listServers');
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ key: s.roomKey, host: '127.0.0.1', port: s.roomPort, status: 'idle' });

    await ada.ok('setDisplayName', 'Ada');
    expect(ada.lastProfile()?.displayName).toBe('Ada');
    const view = await ada.ok<ServerView>('connectServer', { host: '127.0.0.1', port: s.roomPort });
    expect(view).toMatchObject({ key: s.roomKey, status: 'connected', name: 'Web test rooms' });
    expect(view.self?.name).toBe('Ada');

    // The profile the browser is told to persist carries the credentials the server issued.
    await waitFor(() => ada.lastProfile()?.servers[0]?.credentials != null, 'credentials in a profile message');
    const profile = ada.lastProfile()!;
    expect(profile.servers).toHaveLength(1);
    expect(profile.servers[0]).toMatchObject({ host: '127.0.0.1', port: s.roomPort, serverId: s.roomServer.id });
    expect(profile.servers[0]!.credentials!.userId).toBe(view.self!.id);
    expect(profile.servers[0]!.credentials!.token.length).toBeGreaterThan(10);

    const room = await ada.ok<{ id: string }>('createRoom', s.roomKey, { name: 'General' });
    await ada.ok('joinRoom', s.roomKey, room.id);

    const { rpc: bob } = await connectAs(s, 'Bob');
    await bob.ok('joinRoom', s.roomKey, room.id);
    const joined = await ada.event('memberJoined', (e) => e.user.name === 'Bob');
    expect(joined).toMatchObject({ server: s.roomKey, room: room.id });

    expect(await ada.ok('sendMessage', s.roomKey, { room: room.id }, 'hello from a browser', 'msg-1')).toBeUndefined();
    const own = await ada.event('message', (e) => e.message.msgId === 'msg-1');
    const theirs = await bob.event('message', (e) => e.message.msgId === 'msg-1');
    for (const event of [own, theirs]) {
      expect(event.server).toBe(s.roomKey);
      expect(event.message).toMatchObject({ room: room.id, text: 'hello from a browser', fromName: 'Ada', seq: 1 });
    }
    const latest = await bob.ok<{ messages: { text: string }[] }>('loadLatest', s.roomKey, { room: room.id });
    expect(latest.messages.map((m) => m.text)).toEqual(['hello from a browser']);
  });

  it('a second socket with the saved profile resumes as the same user', async () => {
    const s = await setup();
    const { rpc: first, view } = await connectAs(s, 'Ada');
    await waitFor(() => first.lastProfile()?.servers[0]?.credentials != null, 'credentials');
    const saved = JSON.parse(JSON.stringify(first.lastProfile())) as Profile;
    first.ws.close();
    await first.closed();
    await waitFor(() => s.roomServer.connectionCount === 0, 'the session to leave the room server');

    const second = await Rpc.init(s.url, saved);
    expect(await second.ok('getSettings')).toEqual({ displayName: 'Ada' });
    const again = await second.ok<ServerView>('connectServer', { host: '127.0.0.1', port: s.roomPort });
    expect(again.status).toBe('connected');
    expect(again.self).toEqual(view.self);

    // Without the profile it is someone else.
    const { view: other } = await connectAs(s, 'Ada2');
    expect(other.self!.id).not.toBe(view.self!.id);
  });

  it('only the serving room server can be joined; hosting is not available', async () => {
    const s = await setup();
    const elsewhere = await startServer();
    const rpc = await Rpc.init(s.url, { displayName: 'Ada', servers: [{ host: '127.0.0.1', port: elsewhere.port }] });
    // A remembered server from elsewhere in the browser's storage is not offered either.
    expect((await rpc.ok<ServerView[]>('listServers')).map((v) => v.key)).toEqual([s.roomKey]);
    for (const address of [
      { host: '127.0.0.1', port: elsewhere.port },
      { host: 'localhost', port: s.roomPort },
      { host: '10.1.2.3', port: s.roomPort },
    ]) {
      const response = await rpc.call('connectServer', address);
      expect(response, JSON.stringify(address)).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    }
    expect(elsewhere.server.connectionCount).toBe(0);
    expect(await rpc.call('startHosting', {})).toMatchObject({ ok: false, error: { code: 'not_supported' } });
  });

  it('answers bad messages with errors and keeps the connection', async () => {
    const s = await setup();
    const rpc = await Rpc.open(s.url);
    rpc.send({ t: 'call', id: 1, name: 'getAppInfo', args: [] });
    expect(await rpc.next((m) => m.t === 'result' && m.id === 1)).toMatchObject({
      response: { ok: false, error: { code: 'not_initialized' } },
    });
    rpc.send({ t: 'init', profile: 'not a profile at all' });
    rpc.send({ t: 'init', profile: null });
    expect(await rpc.next((m) => m.t === 'error')).toMatchObject({ code: 'already_initialized' });

    rpc.send('{"t": "call", nope');
    expect(await rpc.next((m) => m.t === 'error')).toMatchObject({ code: 'bad_message' });
    rpc.send('[1,2,3]');
    expect(await rpc.next((m) => m.t === 'error')).toMatchObject({ code: 'bad_message' });
    rpc.ws.send(Buffer.from('{"t":"init"}'), { binary: true });
    expect(await rpc.next((m) => m.t === 'error')).toMatchObject({ code: 'bad_message' });
    rpc.send({ t: 'call', id: 7, name: 'getAppInfo' });
    expect(await rpc.next((m) => m.t === 'result' && m.id === 7)).toMatchObject({
      response: { ok: false, error: { code: 'bad_message' } },
    });
    rpc.send({ t: 'call', id: 8, name: 'getAppInfo', args: [], extra: true });
    expect(await rpc.next((m) => m.t === 'result' && m.id === 8)).toMatchObject({
      response: { ok: false, error: { code: 'bad_message' } },
    });

    for (const name of ['nope', 'constructor', '__proto__', 'toString', 'onEvent', 'close', 'hasOwnProperty'])
      expect(await rpc.call(name), name).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    for (const [name, args] of [
      ['joinRoom', [1]],
      ['joinRoom', ['127.0.0.1:1']],
      ['getAppInfo', ['extra']],
      ['connectServer', [{ host: '127.0.0.1', port: 99999 }]],
      ['connectServer', [{ host: '127.0.0.1', port: 7275, evil: true }]],
      ['setDisplayName', ['x'.repeat(10_000)]],
      ['sendMessage', ['k', { room: 'r', user: 'u' }, 'text', 'id']],
    ] as const) {
      const response = await rpc.call(name, ...args);
      expect(response, `${name} ${JSON.stringify(args)}`).toMatchObject({
        ok: false,
        error: { code: 'bad_arguments' },
      });
    }
    // Errors from the session itself come back as the session's codes.
    expect(await rpc.call('listRooms', s.roomKey)).toMatchObject({ ok: false, error: { code: 'not_connected' } });
    expect(await rpc.call('connectServer', { host: '127.0.0.1', port: s.roomPort })).toMatchObject({
      ok: false,
      error: { code: 'name_required' },
    });
    // Still the same, working connection.
    expect(await rpc.ok('getAppInfo')).toMatchObject({ platform: 'web' });
    expect(rpc.closeCode).toBeUndefined();
  });

  it('refuses cross-origin WebSockets; accepts its own origin and non-browser clients', async () => {
    const s = await setup();
    for (const origin of ['http://evil.example', `http://127.0.0.1:${s.port + 1}`, 'null', 'file://']) {
      await expect(Rpc.open(s.url, { origin }), origin).rejects.toThrow(/refused: 403/);
    }
    await expect(Rpc.open(s.url, { headers: { Host: 'evil.example' }, origin: 'http://evil.example' })).rejects.toThrow(
      /refused: 421/,
    );
    await expect(Rpc.open(`ws://127.0.0.1:${s.port}/other`)).rejects.toThrow(/refused: 404/);
    for (const origin of [`http://127.0.0.1:${s.port}`, `https://127.0.0.1:${s.port}`]) {
      const rpc = await Rpc.open(s.url, { origin });
      rpc.send({ t: 'init', profile: null });
      expect(await rpc.ok('getAppInfo')).toMatchObject({ platform: 'web' });
    }
    const noOrigin = await Rpc.init(s.url);
    expect(await noOrigin.ok('getSettings')).toEqual({ displayName: null });
    expect(s.web.connectionCount).toBe(3);
  });

  it('bounds the message rate, the payload size and connections per address', async () => {
    const s = await setup({ ratePerSecond: 1, rateBurst: 5, maxPayloadBytes: 4096, maxConnectionsPerIp: 3 });
    const rpc = await Rpc.init(s.url);
    for (let id = 1; id <= 8; id++) rpc.send({ t: 'call', id, name: 'getAppInfo', args: [] });
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8].map((id) => rpc.next((m) => m.t === 'result' && m.id === id)),
    );
    const codes = results.map((r) => ((r as { response: ApiResponse }).response.ok ? 'ok' : 'limited'));
    expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', 'limited', 'limited', 'limited', 'limited']); // init took one
    // Flooding on regardless ends the connection.
    for (let id = 100; id < 120; id++) rpc.send({ t: 'call', id, name: 'getAppInfo', args: [] });
    expect(await rpc.closed()).toBe(1008);

    const big = await Rpc.init(s.url);
    big.send({ t: 'call', id: 1, name: 'setDisplayName', args: ['x'.repeat(5000)] });
    expect(await big.closed()).toBe(1009);

    await waitFor(() => s.web.connectionCount === 0, 'sockets to be released');
    const kept = [await Rpc.open(s.url), await Rpc.open(s.url), await Rpc.open(s.url)];
    await expect(Rpc.open(s.url)).rejects.toThrow(/refused: 503/);
    kept[0]!.ws.close();
    await waitFor(() => s.web.connectionCount === 2, 'one socket to close');
    await Rpc.open(s.url);
  });

  it('closing the socket ends its session on the room server; closing the server ends every socket', async () => {
    const s = await setup();
    const { rpc: ada } = await connectAs(s, 'Ada');
    const { rpc: bob } = await connectAs(s, 'Bob');
    expect(s.roomServer.connectionCount).toBe(2);
    ada.ws.close();
    await waitFor(() => s.roomServer.connectionCount === 1, 'the closed session to disconnect');
    await s.web.close();
    expect(await bob.closed()).toBe(1001);
    await waitFor(() => s.roomServer.connectionCount === 0, 'every session to disconnect');
    expect(s.web.connectionCount).toBe(0);
  });
});

// ── the browser client (web-api.ts) ──────────────────────────────────────────────────────────

class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

describe('browser client (createWebApi)', () => {
  function client(url: string, storage: MemoryStorage): WebApiConnection {
    const connection = new WebApiConnection(url, { storage, minBackoffMs: 20, maxBackoffMs: 100 });
    onCleanup(() => connection.close());
    return connection;
  }

  it('persists the profile, delivers events, unsubscribes exactly, resumes from storage', async () => {
    const s = await setup();
    const storage = new MemoryStorage();
    const { api } = client(s.url, storage);
    // Calls made before the socket is open wait for it.
    const servers = await api.listServers();
    expect(servers.map((v) => v.key)).toEqual([s.roomKey]);
    await api.setDisplayName('Ada');
    const view = await api.connectServer({ host: '127.0.0.1', port: s.roomPort });
    expect(view.status).toBe('connected');
    await waitFor(() => (storage.getItem(PROFILE_STORAGE_KEY) ?? '').includes('token'), 'the saved profile');
    const stored = JSON.parse(storage.getItem(PROFILE_STORAGE_KEY)!) as Profile;
    expect(stored.displayName).toBe('Ada');
    expect(stored.servers[0]!.credentials!.userId).toBe(view.self!.id);

    const room = await api.createRoom(s.roomKey, { name: 'Lobby' });
    await api.joinRoom(s.roomKey, room.id);
    const seen: string[] = [];
    const twice: string[] = [];
    const listener = (e: ApiEvents['message']) => twice.push(e.message.text);
    const offA = api.on('message', (e) => seen.push(e.message.text));
    const offB = api.on('message', listener);
    const offC = api.on('message', listener);
    await api.sendMessage(s.roomKey, { room: room.id }, 'one', 'm1');
    await waitFor(() => seen.length === 1 && twice.length === 2, 'the first message');
    offB();
    offB(); // idempotent: does not remove the other subscription of the same function
    await api.sendMessage(s.roomKey, { room: room.id }, 'two', 'm2');
    await waitFor(() => seen.length === 2 && twice.length === 3, 'the second message');
    offA();
    offC();
    await api.sendMessage(s.roomKey, { room: room.id }, 'three', 'm3');
    await waitFor(async () => (await api.loadLatest(s.roomKey, { room: room.id })).messages.length === 3, 'stored');
    expect(seen).toEqual(['one', 'two']);
    expect(twice).toEqual(['one', 'one', 'two']);

    await expect(api.connectServer({ host: '127.0.0.1', port: 1 })).rejects.toMatchObject({
      name: 'ApiError',
      code: 'not_allowed',
    });

    // Another "tab" later, with the same storage: the same user.
    const second = client(s.url, storage);
    const again = await second.api.connectServer({ host: '127.0.0.1', port: s.roomPort });
    expect(again.self!.id).toBe(view.self!.id);
  });

  it('rejects pending calls with ApiError("disconnected") on a drop and reconnects', async () => {
    const s = await setup();
    const storage = new MemoryStorage();
    const connection = client(s.url, storage);
    const { api } = connection;
    await api.setDisplayName('Ada');
    await api.connectServer({ host: '127.0.0.1', port: s.roomPort });
    const changes: ServerView[] = [];
    api.on('serverChanged', (view) => changes.push(view));
    const failed: ApiEvents['sendFailed'][] = [];
    api.on('sendFailed', (e) => failed.push(e));

    // A call in flight when the socket drops rejects with 'disconnected' (the server closes in
    // this same tick, before it reads the call).
    const port = s.port;
    const pending = api.getAppInfo();
    const closing = s.web.close();
    await expect(pending).rejects.toBeInstanceOf(ApiError);
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    await closing;
    await waitFor(() => changes.some((v) => v.status === 'reconnecting'), 'the server shown reconnecting');
    expect(changes.find((v) => v.status === 'reconnecting')).toMatchObject({
      key: s.roomKey,
      error: { code: 'disconnected' },
    });
    // While the web server is down, calls fail with 'disconnected' once the attempt they waited for fails.
    await expect(api.getSettings()).rejects.toMatchObject({ code: 'disconnected' });

    // Back on the same port: the client reconnects by itself, with the profile from storage.
    const { root } = makeWebRoot();
    const web2 = await startWebServer({
      host: '127.0.0.1',
      port,
      staticDir: root,
      roomServer: { host: '127.0.0.1', port: s.roomPort },
      version: '9.8.7',
    });
    onCleanup(() => web2.close());
    await waitFor(() => connection.connected, 'the reconnect', 10_000);
    expect(await api.getSettings()).toEqual({ displayName: 'Ada' });
    // The fresh session's view is announced.
    await waitFor(() => changes.at(-1)?.status === 'idle', 'the fresh view');
    expect(failed).toEqual([]);
  });
});

describe('browser client: messages without an outcome', () => {
  it('reports queued messages as sendFailed when the socket drops', async () => {
    const { port: roomPort } = await startServer();
    const proxy = await TcpProxy.start(roomPort);
    const { root } = makeWebRoot();
    const web = await startWebServer({
      host: '127.0.0.1',
      port: 0,
      staticDir: root,
      roomServer: { host: '127.0.0.1', port: proxy.port },
      version: '1',
    });
    onCleanup(() => web.close());
    const connection = new WebApiConnection(`ws://127.0.0.1:${web.address.port}/api`, {
      storage: new MemoryStorage(),
      minBackoffMs: 20,
      maxBackoffMs: 100,
    });
    onCleanup(() => connection.close());
    const { api } = connection;
    const key = `127.0.0.1:${proxy.port}`;
    await api.setDisplayName('Ada');
    await api.connectServer({ host: '127.0.0.1', port: proxy.port });
    const room = await api.createRoom(key, { name: 'Lobby' });
    await api.joinRoom(key, room.id);
    const failed: ApiEvents['sendFailed'][] = [];
    api.on('sendFailed', (e) => failed.push(e));
    const delivered: string[] = [];
    api.on('message', (e) => delivered.push(e.message.msgId));
    await api.sendMessage(key, { room: room.id }, 'delivered', 'ok-1');
    await waitFor(() => delivered.includes('ok-1'), 'the first message');

    // The room server is unreachable: the session queues the message (accepted, no outcome yet).
    proxy.cut();
    await api.sendMessage(key, { room: room.id }, 'stuck', 'stuck-1');
    await web.close();
    await waitFor(() => failed.length === 1, 'sendFailed for the stuck message');
    expect(failed[0]).toMatchObject({ server: key, msgId: 'stuck-1', code: 'disconnected' });
  });
});

// ── parley-server --web ──────────────────────────────────────────────────────────────────────

describe('parley-server --web', () => {
  it('logs the web ui URL and serves the web root; the browser joins the same server', async () => {
    const { root } = makeWebRoot();
    const cli = await spawnCli([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      tempDir(),
      '--name',
      'CLI rooms',
      '--web',
      '--web-port',
      '0',
      '--web-root',
      root,
    ]);
    await waitFor(() => cli.logs.some((l) => l['msg'] === 'web ui'), 'the web ui log line');
    const line = cli.logs.find((l) => l['msg'] === 'web ui')!;
    const webPort = line['port'] as number;
    expect(webPort).toBeGreaterThan(0);
    expect(line).toMatchObject({
      level: 30,
      url: `http://127.0.0.1:${webPort}/`,
      urls: [`http://127.0.0.1:${webPort}/`],
    });

    const page = await fetch(line['url'] as string);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(INDEX_HTML);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const rpc = await Rpc.init(`ws://127.0.0.1:${webPort}/api`, { displayName: 'Ada' });
    const [server] = await rpc.ok<ServerView[]>('listServers');
    expect(server).toMatchObject({ key: `127.0.0.1:${cli.port}`, status: 'idle' });
    expect(await rpc.ok<ServerView>('connectServer', { host: '127.0.0.1', port: cli.port })).toMatchObject({
      status: 'connected',
      name: 'CLI rooms',
    });

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(await rpc.closed()).toBe(1001);
  });

  it('takes [web] from the config file', async () => {
    const { root } = makeWebRoot();
    const dir = tempDir();
    const config = join(dir, 'parley.toml');
    writeFileSync(config, ['host = "127.0.0.1"', 'port = 0', '', '[web]', 'enabled = true', 'port = 0', ''].join('\n'));
    const cli = await spawnCli(['--config', config, '--data-dir', dir, '--web-root', root]);
    await waitFor(() => cli.logs.some((l) => l['msg'] === 'web ui'), 'the web ui log line');
    const line = cli.logs.find((l) => l['msg'] === 'web ui')!;
    expect((await fetch(line['url'] as string)).status).toBe(200);
  });

  it('fails at start when the web root has no index.html, telling to build', async () => {
    const empty = tempDir();
    const { code, stdout, stderr } = await runCli([
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      tempDir(),
      '--web',
      '--web-port',
      '0',
      '--web-root',
      empty,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('index.html');
    expect(stdout).toContain('could not start');
    expect(stdout).not.toContain('"listening"');
  });

  it('refuses web flags without --web, and bad web ports', async () => {
    for (const [args, message] of [
      [['--web-port', '8080'], /--web-port needs --web/],
      [['--web-root', '/tmp'], /--web-root needs --web/],
      [['--web', '--web-port', 'http'], /--web-port: not a port number/],
    ] as const) {
      const { code, stderr } = await runCli([...args]);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    }
    const { stdout } = await runCli(['--help']);
    for (const flag of ['--web', '--web-port', '--web-host', '--web-root']) expect(stdout).toContain(flag);
  });
});
