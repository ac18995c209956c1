/**
 * The happy path end to end against a real server: file_upload → upload transfer → upload_done
 * → send with attachments → another member sees the message and downloads identical bytes.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, startServer } from '../support/harness.ts';
import { download, sha256, upload } from '../support/transfer-wire.ts';
import { askUpload, chatUser, createRoom, data, joinRoom } from './files-helpers.ts';

afterEach(cleanupAll);

describe('files: the transfer path', () => {
  it('uploads a file, sends it in a room, and another member downloads the same bytes', async () => {
    const { port } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const bob = await chatUser(port, 'Bob');
    const room = await createRoom(ada);
    await joinRoom(bob, room);
    expect((ada.welcome['limits'] as Record<string, unknown>)['files']).toMatchObject({ maxFilesPerMessage: 10 });

    const content = randomBytes(300_000);
    const asked = data(await askUpload(ada, { room, name: 'notes.bin', size: content.length }));
    const uploadId = (asked['upload'] as { id: string; offset: number }).id;
    expect(asked['upload']).toMatchObject({ offset: 0, size: content.length });

    const { ready, result } = await upload(port, ada.credentials, uploadId, content);
    expect(ready).toEqual({ type: 'upload_ready', offset: 0 });
    expect(result?.type).toBe('upload_done');
    const file = result!['file'] as Record<string, unknown>;
    expect(file).toMatchObject({ name: 'notes.bin', size: content.length, sha256: sha256(content), kind: 'file' });

    const sent = await ada.chat.request({ type: 'send', room, msgId: 'm1', text: '', attachments: [file['id']] });
    expect(data(sent)['message']).toMatchObject({ text: '', attachments: [file] });
    const live = await bob.chat.next((f) => f.type === 'message');
    expect((live['message'] as Record<string, unknown>)['attachments']).toEqual([file]);

    const got = await download(port, bob.credentials, file['id'] as string);
    expect(got.ready).toMatchObject({
      type: 'download_ready',
      size: content.length,
      offset: 0,
      length: content.length,
    });
    expect(got.bytes.equals(content)).toBe(true);
  });
});
