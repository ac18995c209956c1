/**
 * Files end to end against a real server (real SQLite, real files in a temp data folder), with
 * a transfer client written from docs/PROTOCOL.md (test/support/transfer-wire.ts): upload,
 * send with attachments, download identical bytes; ranges; files in history, in a catch-up and
 * after a restart; DMs; the same content stored once; the same key answered exactly once.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, startServer } from '../support/harness.ts';
import { download, sha256, upload, type Credentials } from '../support/transfer-wire.ts';
import { askUpload, blobFiles, chatUser, createRoom, data, joinRoom, uploadFile } from './files-helpers.ts';

afterEach(cleanupAll);

async function downloadAll(transferPort: number, credentials: Credentials, file: Record<string, unknown>) {
  return download(transferPort, credentials, file['id'] as string);
}

describe('files: the transfer path', () => {
  it('uploads a file, sends it in a room, and another member downloads the same bytes', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const bob = await chatUser(port, 'Bob');
    const room = await createRoom(ada);
    await joinRoom(bob, room);
    expect((ada.welcome['limits'] as Record<string, unknown>)['files']).toEqual({
      maxFileBytes: 2 * 1024 ** 3,
      maxFilesPerMessage: 10,
      maxUploadsInFlight: 10,
      maxDownloadsInFlight: 16,
      transferPort,
    });

    const content = randomBytes(300_000);
    const asked = data(await askUpload(ada, { room, name: 'notes.bin', size: content.length }));
    const uploadId = (asked['upload'] as { id: string; offset: number }).id;
    expect(asked['upload']).toMatchObject({ offset: 0, size: content.length });

    const { ready, result } = await upload(transferPort, ada.credentials, uploadId, content);
    expect(ready).toEqual({ type: 'upload_ready', offset: 0 });
    expect(result?.type).toBe('upload_done');
    const file = result!['file'] as Record<string, unknown>;
    expect(file).toMatchObject({ name: 'notes.bin', size: content.length, sha256: sha256(content), kind: 'file' });

    const sent = await ada.chat.request({ type: 'send', room, msgId: 'm1', text: '', attachments: [file['id']] });
    expect(data(sent)['message']).toMatchObject({ text: '', attachments: [file] });
    const live = await bob.chat.next((f) => f.type === 'message');
    expect((live['message'] as Record<string, unknown>)['attachments']).toEqual([file]);

    const got = await downloadAll(transferPort, bob.credentials, file);
    expect(got.ready).toMatchObject({
      type: 'download_ready',
      file,
      variant: 'original',
      size: content.length,
      offset: 0,
      length: content.length,
      sha256: sha256(content),
      mediaType: 'application/octet-stream',
    });
    expect(got.bytes.equals(content)).toBe(true);
  });

  it('carries a random 50 MB file up and down with identical bytes, and serves ranges of it', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const bob = await chatUser(port, 'Bob');
    const room = await createRoom(ada);
    await joinRoom(bob, room);
    const content = randomBytes(50 * 1024 * 1024);
    const file = await uploadFile(transferPort, ada, { room }, content, { name: 'big.bin' });
    expect(file['sha256']).toBe(sha256(content));
    await ada.chat.request({ type: 'send', room, msgId: 'big', text: 'the big one', attachments: [file['id']] });

    const whole = await downloadAll(transferPort, bob.credentials, file);
    expect(whole.bytes.length).toBe(content.length);
    expect(sha256(whole.bytes)).toBe(sha256(content));

    // A receiver resuming at 50 %: offset, and a range in the middle.
    const half = content.length / 2;
    const rest = await download(transferPort, bob.credentials, file['id'] as string, { offset: half });
    expect(rest.ready).toMatchObject({ offset: half, length: content.length - half, size: content.length });
    expect(rest.bytes.equals(content.subarray(half))).toBe(true);
    const range = await download(transferPort, bob.credentials, file['id'] as string, { offset: 1000, length: 5000 });
    expect(range.bytes.equals(content.subarray(1000, 6000))).toBe(true);
    const past = await download(transferPort, bob.credentials, file['id'] as string, { offset: content.length + 1 });
    expect(past.ready).toMatchObject({ type: 'error', code: 'bad_request' });
  });

  it('shows files in history, in a catch-up and after a restart, and downloads them then', async () => {
    const first = await startServer();
    const ada = await chatUser(first.port, 'Ada');
    const room = await createRoom(ada);
    const content = randomBytes(10_000);
    const file = await uploadFile(first.transferPort, ada, { room }, content, { name: 'report.pdf' });
    await ada.chat.request({ type: 'send', room, msgId: 'a', text: 'before' });
    await ada.chat.request({ type: 'send', room, msgId: 'b', text: 'see attached', attachments: [file['id']] });

    // Someone who joins later sees it in the join page …
    const cy = await chatUser(first.port, 'Cy');
    const page = data(await joinRoom(cy, room));
    const messages = page['messages'] as Record<string, unknown>[];
    expect(messages.at(-1)).toMatchObject({ seq: 2, text: 'see attached', attachments: [file] });
    // … in a catch-up (since seq 1) and in history paging.
    await cy.chat.request({ type: 'room_leave', room });
    const caughtUp = data(await cy.chat.request({ type: 'room_join', room, since: 1 }));
    expect(caughtUp['messages']).toEqual([expect.objectContaining({ seq: 2, attachments: [file] })]);
    const history = data(await cy.chat.request({ type: 'history', room, before: 3 }));
    expect(history['messages']).toEqual([
      expect.objectContaining({ seq: 1, text: 'before' }),
      expect.objectContaining({ seq: 2, attachments: [file] }),
    ]);
    expect((history['messages'] as Record<string, unknown>[])[0]).not.toHaveProperty('attachments');

    await first.server.close();
    const second = await startServer({ dataDir: first.dataDir });
    const back = await chatUser(second.port, 'Cy again');
    await createRoom(back, 'other'); // a working server, with a new room beside the old one
    const again = data(await joinRoom(back, room));
    expect((again['messages'] as Record<string, unknown>[]).at(-1)).toMatchObject({ attachments: [file] });
    const got = await download(second.transferPort, back.credentials, file['id'] as string);
    expect(got.bytes.equals(content)).toBe(true);
  });

  it('sends files in a direct conversation: both people may download, nobody else', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const bob = await chatUser(port, 'Bob');
    const eve = await chatUser(port, 'Eve');
    const content = randomBytes(4096);
    const file = await uploadFile(transferPort, ada, { user: bob.id }, content);
    // Before it is sent, only its sender may read it.
    expect((await download(transferPort, bob.credentials, file['id'] as string)).ready).toMatchObject({
      code: 'file_not_found',
    });
    expect((await download(transferPort, ada.credentials, file['id'] as string)).bytes.equals(content)).toBe(true);
    await ada.chat.request({ type: 'send', user: bob.id, msgId: 'dm', text: 'for you', attachments: [file['id']] });
    const live = await bob.chat.next((f) => f.type === 'message');
    expect((live['message'] as Record<string, unknown>)['attachments']).toEqual([file]);
    expect((await download(transferPort, bob.credentials, file['id'] as string)).bytes.equals(content)).toBe(true);
    const denied = await download(transferPort, eve.credentials, file['id'] as string);
    const missing = await download(transferPort, eve.credentials, 'f_doesnotexist');
    expect(denied.ready).toEqual(missing.ready);
    expect(denied.ready).toMatchObject({ type: 'error', code: 'file_not_found', fatal: true });
  });

  it('stores one content once: two uploads of the same bytes are two files and one blob', async () => {
    const { port, transferPort, dataDir } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const bob = await chatUser(port, 'Bob');
    const room = await createRoom(ada);
    await joinRoom(bob, room);
    const content = randomBytes(200_000);
    const one = await uploadFile(transferPort, ada, { room }, content, { name: 'one.bin' });
    const two = await uploadFile(transferPort, bob, { room }, content, { name: 'two.bin' });
    expect(one['id']).not.toBe(two['id']);
    expect(one['sha256']).toBe(two['sha256']);
    expect(blobFiles(dataDir)).toEqual([sha256(content)]);
    await bob.chat.request({ type: 'send', room, msgId: 'two', text: '', attachments: [two['id']] });
    expect((await download(transferPort, ada.credentials, two['id'] as string)).bytes.equals(content)).toBe(true);
  });

  it('answers the same key exactly once: the finished file, never a second upload', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const content = randomBytes(1000);
    const first = data(await ada.chat.request({ type: 'file_upload', room, key: 'once', name: 'a', size: 1000 }));
    const again = data(await ada.chat.request({ type: 'file_upload', room, key: 'once', name: 'a', size: 1000 }));
    expect(again).toEqual(first);
    const { result } = await upload(transferPort, ada.credentials, (first['upload'] as { id: string }).id, content);
    const after = data(await ada.chat.request({ type: 'file_upload', room, key: 'once', name: 'a', size: 1000 }));
    expect(after).toEqual({ file: result!['file'] });
    // An empty file is a file too.
    const empty = await uploadFile(transferPort, ada, { room }, Buffer.alloc(0), { name: 'empty.txt' });
    expect(empty).toMatchObject({ size: 0, sha256: sha256(Buffer.alloc(0)) });
    expect((await download(transferPort, ada.credentials, empty['id'] as string)).ready).toMatchObject({ length: 0 });
  });
});
