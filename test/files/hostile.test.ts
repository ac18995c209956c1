/**
 * Hostile input on files (issue 12, ../../../shared/guides/hostile-input.md): wrong hashes and
 * byte counts leave nothing behind; the type comes from magic bytes, never the name; HTML and SVG
 * are never images; decompression bombs get no preview; names are made safe; thumbnails are
 * checked; garbage first frames never hurt the server; a receiver that stops reading holds no
 * server memory; nobody outside a conversation can tell its files exist.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, RawClient, startServer, waitFor } from '../support/harness.ts';
import { download, frame, sha256, TransferWire, upload } from '../support/transfer-wire.ts';
import { askUpload, blobFiles, chatUser, createRoom, data, joinRoom, uploadFile } from './files-helpers.ts';
import { png } from './images.ts';

afterEach(cleanupAll);

const partials = (dataDir: string) => readdirSync(join(dataDir, 'files', 'partial'));

describe('files: hostile senders', () => {
  it('refuses a wrong hash and keeps nothing: no partial, no blob, the key starts afresh', async () => {
    const { port, transferPort, dataDir } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const ask = { room, key: 'bad-hash', name: 'x.bin', size: 100_000 };
    const id = (data(await ada.chat.request({ type: 'file_upload', ...ask }))['upload'] as { id: string }).id;
    const content = randomBytes(100_000);
    const { result } = await upload(transferPort, ada.credentials, id, content, { sha: sha256(randomBytes(10)) });
    expect(result).toMatchObject({ type: 'error', code: 'hash_mismatch', fatal: true });
    expect(partials(dataDir)).toEqual([]);
    expect(blobFiles(dataDir)).toEqual([]);
    const fresh = data(await ada.chat.request({ type: 'file_upload', ...ask }));
    expect(fresh['upload']).toMatchObject({ offset: 0 });
    const malformed = await upload(transferPort, ada.credentials, (fresh['upload'] as { id: string }).id, content, {
      sha: 'NOT-A-HASH',
    });
    expect(malformed.result).toMatchObject({ code: 'bad_request' });
    expect(partials(dataDir)).toEqual([]);
  });

  it.each([
    ['0xFF bytes (a huge length)', Buffer.alloc(64, 0xff)],
    ['zero bytes (a zero length)', Buffer.alloc(64, 0)],
    ['a frame that is not upload_finish', frame({ type: 'send', text: 'hi' })],
    [
      'a byte after the upload_finish frame',
      Buffer.concat([frame({ type: 'upload_finish', sha256: 'a'.repeat(64) }), Buffer.from('x')]),
    ],
  ])('refuses more bytes than announced — %s — and deletes the partial', async (_what, extra) => {
    const { port, transferPort, dataDir } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const content = randomBytes(50_000);
    const id = (data(await askUpload(ada, { room, name: 'm', size: content.length }))['upload'] as { id: string }).id;
    const wire = await TransferWire.open(transferPort);
    wire.send({ type: 'upload', protocol: 1, credentials: ada.credentials, upload: id, offset: 0 });
    await wire.nextFrame();
    wire.write(Buffer.concat([content, extra]));
    expect(await wire.nextFrame()).toMatchObject({ type: 'error', code: 'size_mismatch', fatal: true });
    await waitFor(() => partials(dataDir).length === 0, 'the partial to go');
    expect(blobFiles(dataDir)).toEqual([]);
    expect(await askUpload(ada, { room, name: 'n', size: 1 })).toMatchObject({ type: 'result' });
  });

  it('types files by magic bytes, never by name: HTML and SVG are never images', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const up = (content: Buffer, name: string) => uploadFile(transferPort, ada, { room }, content, { name });
    expect(await up(png(640, 480), 'notes.txt')).toMatchObject({
      name: 'notes.txt',
      type: 'image/png',
      kind: 'image',
      width: 640,
      height: 480,
    });
    expect(await up(Buffer.from('just text, honestly'), 'photo.png')).toMatchObject({
      type: 'application/octet-stream',
      kind: 'file',
    });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>');
    const xmlSvg = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>');
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
    for (const [content, name] of [
      [svg, 'cute.svg'],
      [xmlSvg, 'cute.png'],
      [html, 'page.html'],
      [html, 'image.jpg'],
    ] as const) {
      const file = await up(content, name);
      expect(file['kind']).toBe('file');
      expect(file['type']).toBe('application/octet-stream');
      expect(file).not.toHaveProperty('width');
    }
  });

  it('gives no preview to images over 50 megapixels or with absurd dimensions', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    for (const [w, h] of [
      [8000, 7000], // 56 MP
      [1, 70_000],
      [100_000, 100_000],
    ] as const) {
      const file = await uploadFile(transferPort, ada, { room }, png(w, h), { name: 'bomb.png' });
      expect(file).toMatchObject({ type: 'image/png', kind: 'file' });
      expect(file).not.toHaveProperty('width');
    }
    expect(await uploadFile(transferPort, ada, { room }, png(7000, 7000), { name: 'big.png' })).toMatchObject({
      kind: 'image',
      width: 7000,
      height: 7000,
    });
  });

  it('makes names safe on every OS and shows them as plain text', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const cases: [string, string][] = [
      ['../../etc/passwd', 'passwd'],
      ['..\\..\\windows\\system32\\evil.dll', 'evil.dll'],
      ['CON', '_CON'],
      ['nul.txt', '_nul.txt'],
      ['COM1.tar.gz', '_COM1.tar.gz'],
      ['a\u0000b\u0007c.txt', 'a_b_c.txt'],
      ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
      ['\u2066evil\u2069.pdf', 'evil.pdf'],
      ['report.pdf. . .', 'report.pdf'],
      ['...', 'file'],
      ['<b onmouseover=alert(1)>.html', '_b onmouseover=alert(1)_.html'],
      ['<script>alert(1)</script>.html', 'script_.html'],
    ];
    for (const [raw, safe] of cases) {
      expect((await uploadFile(transferPort, ada, { room }, randomBytes(8), { name: raw }))['name']).toBe(safe);
    }
    // Long names are trimmed to 255 UTF-8 bytes, whole characters, keeping the extension.
    const long = (await uploadFile(transferPort, ada, { room }, randomBytes(8), { name: `${'é'.repeat(250)}.pdf` }))[
      'name'
    ] as string;
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
    expect(long.endsWith('é.pdf')).toBe(true);
    // So are 300 characters (longer than any OS allows), keeping the extension.
    const overlong = (
      await uploadFile(transferPort, ada, { room }, randomBytes(8), { name: `${'x'.repeat(300)}.txt` })
    )['name'] as string;
    expect(overlong).toBe(`${'x'.repeat(251)}.txt`);
    // Beyond MAX_FILE_NAME_CHARS a name is refused on the wire, before anything is kept.
    expect(await askUpload(ada, { room, name: 'x'.repeat(1025), size: 1 })).toMatchObject({ code: 'bad_request' });
  });

  it('keeps a valid thumbnail and refuses one that lies about its type or size', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const thumb = png(200, 150);
    const photo = await uploadFile(transferPort, ada, { room }, png(2000, 1500), {
      name: 'photo.png',
      thumb: { data: thumb.toString('base64'), width: 200, height: 150 },
    });
    expect(photo['thumb']).toEqual({ type: 'image/png', width: 200, height: 150, size: thumb.length });
    await ada.chat.request({ type: 'send', room, msgId: 'p', text: '', attachments: [photo['id']] });
    const got = await download(transferPort, ada.credentials, photo['id'] as string, { variant: 'thumb' });
    expect(got.ready).toMatchObject({ variant: 'thumb', mediaType: 'image/png', size: thumb.length });
    expect(got.bytes.equals(thumb)).toBe(true);

    const bad = [
      { data: thumb.toString('base64'), width: 150, height: 200 }, // dimensions that lie
      { data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64'), width: 10, height: 10 },
      { data: png(900, 10).toString('base64'), width: 800, height: 10 }, // really over 800 px
      { data: randomBytes(100).toString('base64'), width: 10, height: 10 },
    ];
    for (const t of bad) {
      expect(await askUpload(ada, { room, name: 'p.png', size: 10, thumb: t })).toMatchObject({
        code: 'thumb_invalid',
      });
    }
    expect(await askUpload(ada, { room, name: 'p', size: 10, thumb: { ...bad[0], width: 801 } })).toMatchObject({
      code: 'bad_request',
    });
    const plain = await uploadFile(transferPort, ada, { room }, randomBytes(10));
    expect(
      (await download(transferPort, ada.credentials, plain['id'] as string, { variant: 'thumb' })).ready,
    ).toMatchObject({
      code: 'file_not_found',
    });
  });

  it('survives garbage first frames and keeps serving chat and transfers', async () => {
    const { port, transferPort, server } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const file = await uploadFile(transferPort, ada, { room }, randomBytes(1000));
    const garbage: Buffer[] = [
      randomBytes(5000),
      frame({ type: 'upload' }),
      frame({ type: 'upload', protocol: 1, credentials: { userId: 1 }, upload: [], offset: -1 }),
      frame({ type: 'upload', protocol: 2, credentials: ada.credentials, upload: 'p_x', offset: 0 }),
      frame({ type: 'download', protocol: 1, credentials: ada.credentials, file: 'f_x', offset: 1e300 }),
      frame({ type: 'download', protocol: 1, credentials: { ...ada.credentials, extra: 1 }, file: file['id'] }),
      frame({ type: 'upload_finish', sha256: '0'.repeat(64) }),
      Buffer.concat([Buffer.from([0, 0, 0, 12]), Buffer.from('{"type":"upl')]),
      Buffer.from([0xff, 0xff, 0xff, 0xff]),
      Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('{"ty"')]),
    ];
    for (const bytes of garbage) {
      const wire = await TransferWire.open(transferPort);
      wire.write(bytes);
      wire.socket.end();
      await wire.waitClosed().catch(() => wire.socket.destroy());
    }
    const answers: string[] = [];
    for (const bytes of garbage.slice(1, 6)) {
      const wire = await TransferWire.open(transferPort);
      wire.write(bytes);
      answers.push((await wire.nextFrame())['code'] as string);
    }
    expect(answers).toEqual([
      'protocol_unsupported',
      'bad_request',
      'protocol_unsupported',
      'bad_request',
      'bad_request',
    ]);
    // A transfer frame on a chat connection after hello is just an unknown type.
    const onChat = await ada.chat.request({ type: 'download', protocol: 1, credentials: ada.credentials, file: 'x' });
    expect(onChat).toMatchObject({ code: 'unknown_type' });
    const bob = await RawClient.hello(port, 'Bob');
    expect(bob.welcome.type).toBe('welcome');
    expect((await download(transferPort, ada.credentials, file['id'] as string)).bytes.length).toBe(1000);
    await waitFor(() => server.connectionCount === 2, 'the chat connections to stay');
    await waitFor(async () => (await server.transferStats()).connections === 0, 'the garbage connections to close');
  });

  it('holds no server memory for a receiver that stops reading, and closes it when idle', async () => {
    const { port, transferPort, server } = await startServer({ limits: { transferIdleTimeoutMs: 500 } });
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const file = await uploadFile(transferPort, ada, { room }, randomBytes(32 * 1024 * 1024));
    const wire = await TransferWire.open(transferPort);
    wire.socket.pause();
    wire.send({ type: 'download', protocol: 1, credentials: ada.credentials, file: file['id'] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // What the server holds for it: its socket buffer and one read chunk, not the file.
    const held = await server.transferStats();
    expect(held.connections).toBe(1);
    expect(held.pendingOutBytes).toBeGreaterThan(0);
    expect(held.pendingOutBytes).toBeLessThan(1024 * 1024);
    // Chat goes on meanwhile.
    expect(await ada.chat.request({ type: 'ping' })).toMatchObject({ type: 'result' });
    await waitFor(async () => (await server.transferStats()).connections === 0, 'the stalled download to close', 5000);
  });

  it('limits transfer connections per address, on their own port, with the per-address number', async () => {
    const { port, transferPort } = await startServer({ limits: { maxConnectionsPerIp: 3 } });
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const file = await uploadFile(transferPort, ada, { room }, randomBytes(8 * 1024 * 1024));
    // Chat connections are counted on the chat port; the transfer port counts its own, up to the
    // same number per address.
    const held: TransferWire[] = [];
    for (let i = 0; i < 3; i++) {
      const wire = await TransferWire.open(transferPort);
      wire.socket.pause();
      wire.send({ type: 'download', protocol: 1, credentials: ada.credentials, file: file['id'] });
      held.push(wire);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await TransferWire.open(transferPort);
    refused.send({ type: 'download', protocol: 1, credentials: ada.credentials, file: file['id'] });
    expect(await refused.nextFrame()).toMatchObject({ code: 'too_many_connections' });
  });

  it('answers a non-member exactly like a missing file', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const bob = await chatUser(port, 'Bob');
    const room = await createRoom(ada);
    await joinRoom(bob, room);
    const file = await uploadFile(transferPort, ada, { room }, randomBytes(100));
    await ada.chat.request({ type: 'send', room, msgId: 'f', text: 'x', attachments: [file['id']] });
    const eve = await chatUser(port, 'Eve');
    const denied = await download(transferPort, eve.credentials, file['id'] as string);
    const missing = await download(transferPort, eve.credentials, 'f_missing');
    expect(denied.ready).toEqual(missing.ready);
    expect(denied.ready).toMatchObject({ code: 'file_not_found' });
    expect((await download(transferPort, bob.credentials, file['id'] as string)).bytes.length).toBe(100);
    await bob.chat.request({ type: 'room_leave', room });
    expect((await download(transferPort, bob.credentials, file['id'] as string)).ready).toEqual(missing.ready);
  });
});
