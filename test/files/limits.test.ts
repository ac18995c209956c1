/**
 * Every file limit refuses with its own code before a byte is sent (nothing is created on disk),
 * and the limits the welcome announces are the configured ones.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, startServer, waitFor } from '../support/harness.ts';
import { TransferWire } from '../support/transfer-wire.ts';
import { askUpload, chatUser, createRoom, data, joinRoom, uploadFile } from './files-helpers.ts';

afterEach(cleanupAll);

const partials = (dataDir: string) => readdirSync(join(dataDir, 'files', 'partial'));

describe('files: limits, each with its code, before the bytes', () => {
  it('refuses a file larger than maxFileBytes, and announces the limits in welcome', async () => {
    const { port, dataDir } = await startServer({
      limits: { maxFileBytes: 1000, maxFilesPerMessage: 3, maxUploadsInFlightPerUser: 4, maxDownloadsPerUser: 5 },
    });
    const ada = await chatUser(port, 'Ada');
    expect((ada.welcome['limits'] as Record<string, unknown>)['files']).toEqual({
      maxFileBytes: 1000,
      maxFilesPerMessage: 3,
      maxUploadsInFlight: 4,
      maxDownloadsInFlight: 5,
      transferPort: expect.any(Number),
    });
    const room = await createRoom(ada);
    expect(await askUpload(ada, { room, name: 'a', size: 1001 })).toMatchObject({ code: 'file_too_large' });
    expect(await askUpload(ada, { room, name: 'a', size: 1000 })).toMatchObject({ type: 'result' });
    expect(await askUpload(ada, { room: 'r_nope', name: 'a', size: 1 })).toMatchObject({ code: 'room_not_found' });
    expect(await askUpload(ada, { user: 'u_nobody', name: 'a', size: 1 })).toMatchObject({ code: 'user_not_found' });
    expect(partials(dataDir)).toHaveLength(1);
  });

  it('refuses past maxStorageBytes, counting stored files once and uploads in flight', async () => {
    const { port, transferPort, dataDir } = await startServer({ limits: { maxStorageBytes: 13_000 } });
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const content = randomBytes(6000);
    await uploadFile(transferPort, ada, { room }, content);
    await uploadFile(transferPort, ada, { room }, content); // the same content again is stored once: 6000
    expect(await askUpload(ada, { room, name: 'b', size: 7001 })).toMatchObject({ code: 'storage_full' });
    expect(await askUpload(ada, { room, name: 'b', size: 7000 })).toMatchObject({ type: 'result' });
    // 6000 stored + 7000 reserved by the upload in flight.
    expect(await askUpload(ada, { room, name: 'c', size: 1 })).toMatchObject({ code: 'storage_full' });
    expect(partials(dataDir)).toHaveLength(1);
  });

  it('refuses when the disk would keep less than minFreeDiskBytes free', async () => {
    const { port, dataDir } = await startServer({ limits: { minFreeDiskBytes: 2 ** 50 } });
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    expect(await askUpload(ada, { room, name: 'a', size: 1 })).toMatchObject({
      type: 'error',
      code: 'disk_full',
    });
    expect(partials(dataDir)).toEqual([]);
  });

  it('refuses more uploads in flight than maxUploadsInFlightPerUser (per user)', async () => {
    const { port } = await startServer({ limits: { maxUploadsInFlightPerUser: 2 } });
    const ada = await chatUser(port, 'Ada');
    const bob = await chatUser(port, 'Bob');
    const room = await createRoom(ada);
    await joinRoom(bob, room);
    const first = data(await askUpload(ada, { room, name: 'a', size: 10 }));
    await askUpload(ada, { room, name: 'b', size: 10 });
    expect(await askUpload(ada, { room, name: 'c', size: 10 })).toMatchObject({ code: 'too_many_uploads' });
    expect(await askUpload(bob, { room, name: 'c', size: 10 })).toMatchObject({ type: 'result' });
    await ada.chat.request({ type: 'file_cancel', upload: (first['upload'] as { id: string }).id });
    expect(await askUpload(ada, { room, name: 'c', size: 10 })).toMatchObject({ type: 'result' });
  });

  it('checks attachments: at most maxFilesPerMessage, each a finished upload of the sender to this conversation, once', async () => {
    const { port, transferPort } = await startServer({ limits: { maxFilesPerMessage: 2 } });
    const ada = await chatUser(port, 'Ada');
    const bob = await chatUser(port, 'Bob');
    const room = await createRoom(ada);
    const other = await createRoom(ada, 'other');
    await joinRoom(bob, room);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => uploadFile(transferPort, ada, { room }, randomBytes(50))));
    const elsewhere = await uploadFile(transferPort, ada, { room: other }, randomBytes(50));
    const bobs = await uploadFile(transferPort, bob, { room }, randomBytes(50));
    const unfinished = data(await askUpload(ada, { room, name: 'u', size: 5 }))['upload'] as { id: string };
    const send = (msgId: string, attachments: unknown[]) =>
      ada.chat.request({ type: 'send', room, msgId, text: '', attachments });

    expect(await send('m1', [a!['id'], b!['id'], c!['id']])).toMatchObject({ code: 'too_many_files' });
    for (const bad of [[unfinished.id], [elsewhere['id']], [bobs['id']], ['f_nothing'], [a!['id'], a!['id']]]) {
      expect(await send(`bad-${String(bad[0])}-${bad.length}`, bad)).toMatchObject({ code: 'file_not_ready' });
    }
    expect(await ada.chat.request({ type: 'send', room, msgId: 'blank', text: '' })).toMatchObject({
      code: 'text_invalid',
    });
    const sent = data(await send('m2', [a!['id'], b!['id']]));
    expect((sent['message'] as { attachments: unknown[] }).attachments).toEqual([a, b]);
    // Carried by one message only; a resend of that message is answered with it.
    expect(await send('m3', [a!['id']])).toMatchObject({ code: 'file_not_ready' });
    expect(data(await send('m2', [a!['id'], b!['id']]))).toMatchObject({ duplicate: true, message: sent['message'] });
    // Two sends in one tick cannot both carry the same file.
    ada.chat.send({ type: 'send', room, msgId: 'race1', text: '', attachments: [c!['id']], id: 901 });
    ada.chat.send({ type: 'send', room, msgId: 'race2', text: '', attachments: [c!['id']], id: 902 });
    const replies = [await ada.chat.next((f) => f['re'] === 901), await ada.chat.next((f) => f['re'] === 902)];
    expect(replies.map((r) => r.type).sort()).toEqual(['error', 'result']);
    expect(replies.find((r) => r.type === 'error')).toMatchObject({ code: 'file_not_ready' });
  });

  it('refuses more downloads at once than maxDownloadsPerUser', async () => {
    const { port, transferPort, server } = await startServer({ limits: { maxDownloadsPerUser: 1 } });
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const file = await uploadFile(transferPort, ada, { room }, randomBytes(8 * 1024 * 1024));
    const open = () => TransferWire.open(transferPort);
    const first = await open();
    first.socket.pause(); // a slow reader: its download stays open
    first.send({ type: 'download', protocol: 1, credentials: ada.credentials, file: file['id'] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await open();
    second.send({ type: 'download', protocol: 1, credentials: ada.credentials, file: file['id'] });
    expect(await second.nextFrame()).toMatchObject({ type: 'error', code: 'too_many_downloads' });
    first.socket.destroy();
    await first.waitClosed();
    await waitFor(async () => (await server.transferStats()).connections === 0, 'the first download to end');
    const third = await open();
    third.send({ type: 'download', protocol: 1, credentials: ada.credentials, file: file['id'] });
    expect(await third.nextFrame()).toMatchObject({ type: 'download_ready' });
  });
});
