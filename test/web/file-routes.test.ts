/**
 * The gateway's file routes (src/main/core/web/file-routes.ts) as a browser tab uses them: a REAL
 * gateway (startWebServer), a REAL room server, and the real SessionManager the gateway makes for
 * each tab, driven through the browser's own API object (web-api.ts: writeUpload is an HTTP PUT,
 * mediaUrl the tab's /api/files/… path) over Node's WebSocket and fetch.
 *
 * What a user would see: an uploaded image comes back inline with its type and every security
 * header, identical bytes; anything that could run (HTML, SVG) or is not a picture (PDF) comes as
 * an attachment, octet-stream, nosniff; ranges seek (206/416); HEAD; a wrong token or a file of a
 * conversation the user is not in is a bare 404; an upload chunk over the limit is refused
 * before its body is read; a blob corrupted on the server's disk never arrives complete.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyApi } from '../../src/shared/api/contract.ts';
import { MAX_UPLOAD_CHUNK_BYTES, type UploadRequest } from '../../src/shared/api/features/files.ts';
import type { FileInfo } from '../../src/shared/protocol/features/files.ts';
import { uploadPath } from '../../src/shared/api/web-wire.ts';
import type { WebLimits } from '../../src/main/core/web/web-connection.ts';
import { startWebServer } from '../../src/main/core/web/web-server.ts';
import { WebApiConnection } from '../../src/renderer/src/api/web-api.ts';
import { cleanupAll, onCleanup, startServer, tempDir, waitFor } from '../support/harness.ts';

afterEach(cleanupAll);

// ── files to send ────────────────────────────────────────────────────────────────────────────

/** A real PNG (RGB, noisy rows so it does not compress to nothing). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.concat(
    Array.from({ length: height }, () => Buffer.concat([Buffer.from([0]), randomBytes(width * 3)])),
  );
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n${'%'.repeat(2000)}\ntrailer << >>\n%%EOF\n`);
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>\n');

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

// ── the setup: a room server, the gateway, tabs ──────────────────────────────────────────────

interface Setup {
  port: number;
  roomKey: string;
  roomPort: number;
  dataDir: string;
}

async function setup(limits: Partial<WebLimits> = {}): Promise<Setup> {
  const { port: roomPort, dataDir } = await startServer({ name: 'File rooms' });
  const root = join(tempDir('parley-web-files-'), 'renderer');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Parley</title>\n');
  const web = await startWebServer({
    host: '127.0.0.1',
    port: 0,
    staticDir: root,
    roomServer: { host: '127.0.0.1', port: roomPort },
    version: '1.2.3',
    limits,
  });
  onCleanup(() => web.close());
  return { port: web.address.port, roomKey: `127.0.0.1:${roomPort}`, roomPort, dataDir };
}

class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

interface Tab {
  connection: WebApiConnection;
  api: ParleyApi;
  userId: string;
}

/** A browser tab: the web API object, its user named and connected to the room server. */
async function openTab(s: Setup, name: string): Promise<Tab> {
  const connection = new WebApiConnection(`ws://127.0.0.1:${s.port}/api`, {
    storage: new MemoryStorage(),
    minBackoffMs: 20,
    maxBackoffMs: 100,
  });
  onCleanup(() => connection.close());
  const { api } = connection;
  await api.setDisplayName(name);
  const view = await api.connectServer({ host: '127.0.0.1', port: s.roomPort });
  expect(view.status).toBe('connected');
  return { connection, api, userId: view.self!.id };
}

/**
 * Uploads `bytes` as the browser does (beginUpload over the socket, writeUpload as PUTs of
 * `chunkBytes`), then sends it in a message so that the conversation carries it.
 */
async function share(
  s: Setup,
  tab: Tab,
  target: { room: string } | { user: string },
  name: string,
  bytes: Buffer,
  chunkBytes = 64 * 1024,
  extra: Partial<UploadRequest> = {},
): Promise<FileInfo> {
  const begun = await tab.api.beginUpload(s.roomKey, target, {
    key: `k-${name}-${randomBytes(4).toString('hex')}`,
    name,
    size: bytes.length,
    ...extra,
  });
  if ('file' in begun) return begun.file;
  let offset = begun.upload.offset;
  let file: FileInfo | undefined;
  while (offset < bytes.length) {
    const end = Math.min(offset + chunkBytes, bytes.length);
    const last = end === bytes.length;
    const result = await tab.api.writeUpload(
      s.roomKey,
      begun.upload.id,
      offset,
      new Uint8Array(bytes.subarray(offset, end)),
      last ? sha256(bytes) : undefined,
    );
    offset = result.offset;
    file = result.file;
  }
  expect(file, 'the last chunk answers the stored file').toBeDefined();
  await tab.api.sendMessage(s.roomKey, target, '', `m-${file!.id}`, [file!.id]);
  return file!;
}

// ── HTTP helpers ─────────────────────────────────────────────────────────────────────────────

interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Whether the whole body arrived (false: the server cut the response). */
  complete: boolean;
}

function http(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => {}); // "aborted": reported through `complete`
      res.on('close', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function expectFileSecurityHeaders(headers: IncomingHttpHeaders): void {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['content-security-policy']).toBe("default-src 'none'; sandbox");
  expect(headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(headers['cache-control']).toBe('private');
}

const otherToken = () => randomBytes(32).toString('base64url');

// ── the tests ────────────────────────────────────────────────────────────────────────────────

describe('GET and HEAD /api/files/<tab>/<file>/<variant>', () => {
  it('serves an uploaded image inline with its type and the security headers, the same bytes', async () => {
    const s = await setup();
    const ada = await openTab(s, 'Ada');
    const room = await ada.api.createRoom(s.roomKey, { name: 'Photos' });
    await ada.api.joinRoom(s.roomKey, room.id);
    const image = png(64, 48);
    // Several PUT chunks, the last one carrying the hash.
    const file = await share(s, ada, { room: room.id }, 'été 2026.png', image, 4096);
    expect(file).toMatchObject({ size: image.length, sha256: sha256(image), type: 'image/png', kind: 'image' });

    const path = await ada.api.mediaUrl(s.roomKey, file.id, 'original');
    expect(path).toMatch(/^\/api\/files\/[A-Za-z0-9_-]{43}\//u);
    const res = await http(s.port, path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-length']).toBe(String(image.length));
    expect(res.headers['content-disposition']).toBe(
      `inline; filename="_t_ 2026.png"; filename*=UTF-8''${encodeURIComponent('été 2026.png')}`,
    );
    expect(res.headers['accept-ranges']).toBe('bytes');
    expectFileSecurityHeaders(res.headers);
    expect(res.complete).toBe(true);
    expect(res.body.equals(image)).toBe(true);

    // Bob joins later and sees the same file through his own tab's URL.
    const bob = await openTab(s, 'Bob');
    await bob.api.joinRoom(s.roomKey, room.id);
    const bobPath = await bob.api.mediaUrl(s.roomKey, file.id, 'original');
    expect(bobPath).not.toBe(path);
    expect((await http(s.port, bobPath)).body.equals(image)).toBe(true);

    // ?download=1: the same bytes as an attachment.
    const download = await http(s.port, `${path}?download=1`);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="_t_ 2026.png"; filename\*=/u);
    expect(download.body.equals(image)).toBe(true);

    // HEAD: the headers of the file, no body.
    const head = await http(s.port, path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(image.length));
    expect(head.headers['content-type']).toBe('image/png');
    expect(head.body.length).toBe(0);
  });

  it("serves an image's preview (the thumb variant) inline, and a bare 404 for a file without one", async () => {
    const s = await setup();
    const ada = await openTab(s, 'Ada');
    const room = await ada.api.createRoom(s.roomKey, { name: 'Previews' });
    await ada.api.joinRoom(s.roomKey, room.id);
    const thumb = png(40, 30);
    const file = await share(s, ada, { room: room.id }, 'big.png', png(400, 300), 64 * 1024, {
      thumb: { data: thumb.toString('base64'), width: 40, height: 30 },
    });
    expect(file.thumb).toMatchObject({ width: 40, height: 30 });
    const res = await http(s.port, await ada.api.mediaUrl(s.roomKey, file.id, 'thumb'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(file.thumb!.type);
    expect(res.headers['content-disposition']).toMatch(/^inline; /u);
    expectFileSecurityHeaders(res.headers);
    expect(res.body.length).toBe(file.thumb!.size);

    const plain = await share(s, ada, { room: room.id }, 'no-preview.pdf', PDF);
    expect((await http(s.port, await ada.api.mediaUrl(s.roomKey, plain.id, 'thumb'))).status).toBe(404);
  });

  it('serves a PDF, an HTML page and an SVG as attachments typed octet-stream, never inline', async () => {
    const s = await setup();
    const ada = await openTab(s, 'Ada');
    const room = await ada.api.createRoom(s.roomKey, { name: 'Docs' });
    await ada.api.joinRoom(s.roomKey, room.id);
    for (const [name, bytes] of [
      ['report.pdf', PDF],
      ['page.html', HTML],
      ['logo.svg', SVG],
      ['photo.png', HTML], // the name says image, the bytes say HTML: the bytes win
    ] as const) {
      const file = await share(s, ada, { room: room.id }, name, bytes);
      const res = await http(s.port, await ada.api.mediaUrl(s.roomKey, file.id, 'original'));
      expect(res.status, name).toBe(200);
      expect(res.headers['content-type'], name).toBe('application/octet-stream');
      expect(res.headers['content-disposition'], name).toMatch(/^attachment; filename="/u);
      expectFileSecurityHeaders(res.headers);
      expect(res.body.equals(bytes), name).toBe(true);
    }
  });

  it('answers a single range with 206 and the part, past the end with 416', async () => {
    const s = await setup();
    const ada = await openTab(s, 'Ada');
    const room = await ada.api.createRoom(s.roomKey, { name: 'Video' });
    await ada.api.joinRoom(s.roomKey, room.id);
    const bytes = randomBytes(300_000);
    const file = await share(s, ada, { room: room.id }, 'clip.bin', bytes);
    const path = await ada.api.mediaUrl(s.roomKey, file.id, 'original');

    const part = await http(s.port, path, { headers: { Range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(part.headers['content-length']).toBe('1000');
    expect(part.body.equals(bytes.subarray(1000, 2000))).toBe(true);

    const tail = await http(s.port, path, { headers: { Range: 'bytes=250000-' } });
    expect(tail.status).toBe(206);
    expect(tail.headers['content-range']).toBe(`bytes 250000-${bytes.length - 1}/${bytes.length}`);
    expect(tail.body.equals(bytes.subarray(250_000))).toBe(true);

    const beyond = await http(s.port, path, { headers: { Range: `bytes=299000-999999` } });
    expect(beyond.status).toBe(206);
    expect(beyond.headers['content-range']).toBe(`bytes 299000-${bytes.length - 1}/${bytes.length}`);
    expect(beyond.body.equals(bytes.subarray(299_000))).toBe(true);

    const past = await http(s.port, path, { headers: { Range: `bytes=${bytes.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${bytes.length}`);

    const several = await http(s.port, path, { headers: { Range: 'bytes=0-1,5-6' } });
    expect(several.status).toBe(200);
    expect(several.body.equals(bytes)).toBe(true);
  });

  it('is a bare 404 for a wrong token, an unknown file, and a file of a DM the user is not in', async () => {
    const s = await setup();
    const ada = await openTab(s, 'Ada');
    const bob = await openTab(s, 'Bob');
    const carol = await openTab(s, 'Carol');
    const secret = await share(s, ada, { user: bob.userId }, 'secret.pdf', PDF);

    // Bob, in the DM, reads it.
    expect((await http(s.port, await bob.api.mediaUrl(s.roomKey, secret.id, 'original'))).body.equals(PDF)).toBe(true);

    const adaPath = await ada.api.mediaUrl(s.roomKey, secret.id, 'original');
    for (const path of [
      await carol.api.mediaUrl(s.roomKey, secret.id, 'original'), // Carol is not in that DM
      adaPath.replace(/\/api\/files\/[^/]+\//u, `/api/files/${otherToken()}/`),
      adaPath.replace(/\/api\/files\/[^/]+\//u, '/api/files/short/'),
      await ada.api.mediaUrl(s.roomKey, 'f_does_not_exist', 'original'),
      adaPath.replace(/\/original$/u, '/script'),
      `${adaPath}/extra`,
    ]) {
      const res = await http(s.port, path);
      expect(res.status, path).toBe(404);
      expect(res.body.toString()).toBe('Not found\n');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    // A gateway URL under a name that is no LAN name: refused like every other request.
    const rebound = await http(s.port, adaPath, { headers: { Host: `evil.example:${s.port}` } });
    expect(rebound.status).toBe(421);
  });

  it('forgets a tab token when its socket closes', async () => {
    const s = await setup();
    const ada = await openTab(s, 'Ada');
    const room = await ada.api.createRoom(s.roomKey, { name: 'Gone' });
    await ada.api.joinRoom(s.roomKey, room.id);
    const file = await share(s, ada, { room: room.id }, 'a.pdf', PDF);
    const path = await ada.api.mediaUrl(s.roomKey, file.id, 'original');
    expect((await http(s.port, path)).status).toBe(200);
    ada.connection.close();
    await waitFor(async () => (await http(s.port, path)).status === 404, 'the token to be forgotten');
  });

  it('aborts the answer of a whole file whose blob was corrupted on the server, short of its last byte', async () => {
    const s = await setup();
    const ada = await openTab(s, 'Ada');
    const room = await ada.api.createRoom(s.roomKey, { name: 'Disk' });
    await ada.api.joinRoom(s.roomKey, room.id);
    const bytes = randomBytes(200_000);
    const file = await share(s, ada, { room: room.id }, 'data.bin', bytes);
    // The stored blob is the one file of the data folder with exactly these bytes: flip one.
    const blob = filesUnder(s.dataDir).find((f) => statSync(f).size === bytes.length && readFileSync(f).equals(bytes));
    expect(blob, 'the stored blob').toBeDefined();
    const corrupted = Buffer.from(bytes);
    corrupted[123_456]! ^= 0xff;
    writeFileSync(blob!, corrupted);

    const res = await http(s.port, await ada.api.mediaUrl(s.roomKey, file.id, 'original'));
    expect(res.complete).toBe(false);
    expect(res.body.length).toBeLessThan(bytes.length);
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

describe('PUT /api/upload/<tab>/<upload>', () => {
  /** The tab's token, from the path its session answers mediaUrl with. */
  async function tokenOf(tab: Tab, s: Setup): Promise<string> {
    const path = await tab.api.mediaUrl(s.roomKey, 'f_x', 'original');
    return path.split('/')[3]!;
  }

  it('refuses a chunk over the limit with 413 before its body is read, without buffering it', async () => {
    const s = await setup();
    const ada = await openTab(s, 'Ada');
    const token = await tokenOf(ada, s);
    const path = uploadPath(token, 'u_1', { server: s.roomKey, offset: 0 });
    const announced = MAX_UPLOAD_CHUNK_BYTES + 1;
    // Headers and a first 64 KiB only: the rest is never sent, so an answer proves the server
    // decided from the headers (a server reading the body first would wait forever).
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(s.port, '127.0.0.1');
      let text = '';
      socket.on('connect', () => {
        socket.write(
          `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nContent-Type: application/octet-stream\r\n` +
            `Content-Length: ${announced}\r\n\r\n`,
        );
        socket.write(Buffer.alloc(64 * 1024, 1));
      });
      socket.on('data', (data: Buffer) => {
        text += data.toString('latin1');
        if (text.includes('\r\n\r\n') && text.includes('}')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /u);
    expect(answer).toContain('"code":"chunk_too_large"');
  });

  it('bounds the chunks one tab has in flight, and frees a slot when a chunk is abandoned', async () => {
    const s = await setup({ maxUploadsPerTab: 2 });
    const ada = await openTab(s, 'Ada');
    const token = await tokenOf(ada, s);
    const path = uploadPath(token, 'u_1', { server: s.roomKey, offset: 0 });
    /** A PUT whose headers promise 1000 bytes and whose body stops after 10. */
    const stalled = () =>
      new Promise<ReturnType<typeof connect>>((resolve) => {
        const socket = connect(s.port, '127.0.0.1', () => {
          socket.write(`PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nContent-Length: 1000\r\n\r\n`);
          socket.write(Buffer.alloc(10));
          resolve(socket);
        });
        socket.on('error', () => {});
      });
    const first = await stalled();
    const second = await stalled();
    const body = Buffer.alloc(16);
    await waitFor(async () => {
      const res = await http(s.port, path, { method: 'PUT', body });
      return res.status === 429 && JSON.parse(res.body.toString()).error.code === 'too_many_calls';
    }, 'the third chunk to be refused');
    first.destroy();
    await waitFor(async () => (await http(s.port, path, { method: 'PUT', body })).status !== 429, 'a free slot');
    second.destroy();
  });

  it('refuses a chunk without Content-Length, a dead token, a foreign Origin and bad arguments', async () => {
    const s = await setup();
    const ada = await openTab(s, 'Ada');
    const token = await tokenOf(ada, s);
    const path = uploadPath(token, 'u_1', { server: s.roomKey, offset: 0 });

    const chunked = await new Promise<string>((resolve, reject) => {
      const socket = connect(s.port, '127.0.0.1', () => {
        socket.write(
          `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n`,
        );
      });
      let text = '';
      socket.on('data', (data: Buffer) => {
        text += data.toString('latin1');
        if (text.includes('}')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(chunked).toMatch(/^HTTP\/1\.1 411 /u);
    expect(chunked).toContain('"code":"length_required"');

    const body = Buffer.alloc(16, 7);
    const dead = await http(s.port, uploadPath(otherToken(), 'u_1', { server: s.roomKey, offset: 0 }), {
      method: 'PUT',
      body,
    });
    expect(dead.status).toBe(404);
    expect(JSON.parse(dead.body.toString())).toMatchObject({ ok: false, error: { code: 'transfer_interrupted' } });

    const foreign = await http(s.port, path, { method: 'PUT', body, headers: { Origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);

    const get = await http(s.port, path);
    expect(get.status).toBe(405);

    for (const bad of [
      `/api/upload/${token}/u_1?server=${encodeURIComponent(s.roomKey)}&offset=-1`,
      `/api/upload/${token}/u_1?server=${encodeURIComponent(s.roomKey)}&offset=abc`,
      `/api/upload/${token}/u_1?offset=0`,
      `/api/upload/${token}/u_1?server=${encodeURIComponent(s.roomKey)}&offset=0&sha256=XYZ`,
    ]) {
      const res = await http(s.port, bad, { method: 'PUT', body });
      expect(JSON.parse(res.body.toString()), bad).toMatchObject({ ok: false, error: { code: 'bad_arguments' } });
    }
  });

  it("answers the session's own error codes in the API envelope (web-api rejects with them)", async () => {
    const s = await setup();
    const ada = await openTab(s, 'Ada');
    await expect(ada.api.writeUpload(s.roomKey, 'u_nonexistent', 0, new Uint8Array(8))).rejects.toMatchObject({
      name: 'ApiError',
      code: expect.stringMatching(/^(upload_not_found|transfer_interrupted)$/u),
    });
    // downloadFile in a browser hands the URL to the browser's downloads; open/show are the desktop's.
    await expect(ada.api.openDownload('d_1')).rejects.toMatchObject({ code: 'not_supported' });
    await expect(ada.api.showDownload('d_1')).rejects.toMatchObject({ code: 'not_supported' });
  });
});

describe('downloads in the browser build', () => {
  it("downloadFile starts the browser's download of the file's ?download=1 URL and returns null", async () => {
    const s = await setup();
    const ada = await openTab(s, 'Ada');
    const room = await ada.api.createRoom(s.roomKey, { name: 'Dl' });
    await ada.api.joinRoom(s.roomKey, room.id);
    const file = await share(s, ada, { room: room.id }, 'report.pdf', PDF);

    const started: string[] = [];
    const connection = new WebApiConnection(`ws://127.0.0.1:${s.port}/api`, {
      storage: new MemoryStorage(),
      startDownload: (url) => started.push(url),
    });
    onCleanup(() => connection.close());
    await connection.api.setDisplayName('Ada again');
    await connection.api.connectServer({ host: '127.0.0.1', port: s.roomPort });
    await connection.api.joinRoom(s.roomKey, room.id);
    await expect(connection.api.downloadFile(s.roomKey, file.id)).resolves.toBeNull();
    expect(started).toHaveLength(1);
    const url = new URL(started[0]!);
    expect(url.origin).toBe(`http://127.0.0.1:${s.port}`);
    expect(url.searchParams.get('download')).toBe('1');
    const res = await http(s.port, url.pathname + url.search);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="report.pdf"/u);
    expect(res.body.equals(PDF)).toBe(true);
  });
});
