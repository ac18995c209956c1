/**
 * Interrupted uploads: a connection cut at 50 % keeps its partial and resumes from the offset the
 * server reports; so does a restart of the server in the middle (the partial is rehashed from
 * disk); cancel deletes the partial; an offset that is not the bytes held is refused; an
 * abandoned partial expires; a transfer on which nothing moves is closed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, RawClient, startServer, waitFor } from '../support/harness.ts';
import { download, sha256, TransferWire, upload, type Credentials } from '../support/transfer-wire.ts';
import { chatUser, createRoom, data, type ChatUser } from './files-helpers.ts';

afterEach(cleanupAll);

function partials(dataDir: string): string[] {
  return readdirSync(join(dataDir, 'files', 'partial'));
}

/** Opens an upload transfer and sends `bytes` raw bytes of it, without finishing. */
async function sendPart(
  transferPort: number,
  credentials: Credentials,
  uploadId: string,
  offset: number,
  bytes: Buffer,
) {
  const wire = await TransferWire.open(transferPort);
  wire.send({ type: 'upload', protocol: 1, credentials, upload: uploadId, offset });
  expect(await wire.nextFrame()).toEqual({ type: 'upload_ready', offset });
  await new Promise<void>((resolve) => wire.socket.write(bytes, () => resolve()));
  return wire;
}

async function offsetOf(user: ChatUser, fields: Record<string, unknown>): Promise<number> {
  const reply = data(await user.chat.request({ type: 'file_upload', ...fields }));
  return (reply['upload'] as { offset: number }).offset;
}

describe('files: interrupted uploads', () => {
  it('resumes after the connection is cut at 50 %, from the offset the server holds', async () => {
    const { port, transferPort, dataDir } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const content = randomBytes(4 * 1024 * 1024);
    const ask = { room, key: 'cut', name: 'cut.bin', size: content.length };
    const asked = data(await ada.chat.request({ type: 'file_upload', ...ask }));
    const id = (asked['upload'] as { id: string }).id;

    const half = content.length / 2;
    const wire = await sendPart(transferPort, ada.credentials, id, 0, content.subarray(0, half));
    wire.socket.destroy(); // the network goes away
    await waitFor(async () => (await offsetOf(ada, ask)) === half, 'the server to hold half');
    expect(partials(dataDir)).toEqual([id]);

    const { ready, result } = await upload(transferPort, ada.credentials, id, content.subarray(half), {
      offset: half,
      whole: content,
    });
    expect(ready).toEqual({ type: 'upload_ready', offset: half });
    expect(result).toMatchObject({ type: 'upload_done', file: { size: content.length, sha256: sha256(content) } });
    expect(partials(dataDir)).toEqual([]);
    const file = result!['file'] as { id: string };
    expect((await download(transferPort, ada.credentials, file.id)).bytes.equals(content)).toBe(true);
  });

  it('asked again while its old transfer still looks open, answers the offset after counting its bytes', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const content = randomBytes(2 * 1024 * 1024);
    const ask = { room, key: 'half-open', name: 'h.bin', size: content.length };
    const id = (data(await ada.chat.request({ type: 'file_upload', ...ask }))['upload'] as { id: string }).id;
    const half = content.length / 2;
    // The client lost this connection, but the server has not seen it go (a cable pulled: no FIN).
    const old = await sendPart(transferPort, ada.credentials, id, 0, content.subarray(0, half));
    const offset = await offsetOf(ada, ask);
    expect(offset).toBe(half);
    // The old connection was stopped, so a second writer can never interleave with the new one.
    expect(await old.nextFrame()).toMatchObject({ type: 'error', code: 'upload_not_found' });
    const { result } = await upload(transferPort, ada.credentials, id, content.subarray(half), {
      offset: half,
      whole: content,
    });
    expect(result).toMatchObject({ type: 'upload_done', file: { sha256: sha256(content) } });
  });

  it('resumes after a restart of the server in the middle, rehashing the partial from disk', async () => {
    const first = await startServer();
    const ada = await chatUser(first.port, 'Ada');
    const room = await createRoom(ada);
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const ask = { room, key: 'restart', name: 'r.bin', size: content.length };
    const id = (data(await ada.chat.request({ type: 'file_upload', ...ask }))['upload'] as { id: string }).id;
    const part = 1024 * 1024 + 5;
    const wire = await sendPart(first.transferPort, ada.credentials, id, 0, content.subarray(0, part));
    const partial = join(first.dataDir, 'files', 'partial', id);
    await waitFor(() => existsSync(partial) && statSync(partial).size === part, 'the bytes on disk');
    await first.server.close(); // mid-upload: the transfer is told server_shutdown
    expect(await wire.nextFrame()).toMatchObject({ type: 'error', code: 'server_shutdown' });

    // The same user (its credentials), the same key: the same upload, from what is on disk.
    const second = await startServer({ dataDir: first.dataDir });
    const chat = await RawClient.open(second.port);
    chat.send({ type: 'hello', protocol: 1, name: 'Ada', resume: ada.credentials });
    await chat.next((f) => f.type === 'welcome');
    await chat.request({ type: 'room_join', room });
    const resumed: ChatUser = { ...ada, chat };
    const offset = await offsetOf(resumed, ask);
    expect(offset).toBe(part);
    const { result } = await upload(second.transferPort, ada.credentials, id, content.subarray(offset), {
      offset,
      whole: content,
    });
    expect(result).toMatchObject({ type: 'upload_done', file: { sha256: sha256(content) } });
    const file = result!['file'] as { id: string };
    expect((await download(second.transferPort, ada.credentials, file.id)).bytes.equals(content)).toBe(true);
  });

  it('cancels: the transfer is closed, the partial deleted, and the key starts afresh', async () => {
    const { port, transferPort, dataDir } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const ask = { room, key: 'cancel', name: 'c.bin', size: 1_000_000 };
    const id = (data(await ada.chat.request({ type: 'file_upload', ...ask }))['upload'] as { id: string }).id;
    const wire = await sendPart(transferPort, ada.credentials, id, 0, randomBytes(300_000));
    expect(data(await ada.chat.request({ type: 'file_cancel', upload: id }))).toEqual({});
    expect(await wire.nextFrame()).toMatchObject({ type: 'error', code: 'upload_not_found' });
    await waitFor(() => partials(dataDir).length === 0, 'the partial to go');
    const cancelledAgain = await ada.chat.request({ type: 'file_cancel', upload: id });
    expect(cancelledAgain).toMatchObject({ type: 'error', code: 'upload_not_found' });
    const fresh = data(await ada.chat.request({ type: 'file_upload', ...ask }));
    expect(fresh['upload']).toMatchObject({ offset: 0 });
    expect((fresh['upload'] as { id: string }).id).not.toBe(id);
  });

  it('refuses an offset that is not the number of bytes held, and an upload that is not yours', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const eve = await chatUser(port, 'Eve');
    const room = await createRoom(ada);
    const id = (
      data(await ada.chat.request({ type: 'file_upload', room, key: 'o', name: 'o', size: 100 }))['upload'] as {
        id: string;
      }
    ).id;
    const ahead = await upload(transferPort, ada.credentials, id, randomBytes(90), { offset: 10 });
    expect(ahead.ready).toMatchObject({ type: 'error', code: 'upload_offset_mismatch', fatal: true });
    const stolen = await upload(transferPort, eve.credentials, id, randomBytes(100));
    expect(stolen.ready).toMatchObject({ type: 'error', code: 'upload_not_found' });
    const forged = await upload(transferPort, { userId: ada.id, token: 'not-the-token' }, id, randomBytes(100));
    expect(forged.ready).toMatchObject({ type: 'error', code: 'not_authenticated' });
    const content = randomBytes(100);
    expect((await upload(transferPort, ada.credentials, id, content)).result).toMatchObject({ type: 'upload_done' });
  });

  it('expires an abandoned partial, and closes a transfer on which nothing moves', async () => {
    const { port, transferPort, dataDir } = await startServer({
      limits: { partialUploadTtlMs: 300, transferIdleTimeoutMs: 300 },
    });
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const ask = { room, key: 'gone', name: 'g.bin', size: 100_000 };
    const id = (data(await ada.chat.request({ type: 'file_upload', ...ask }))['upload'] as { id: string }).id;
    const wire = await sendPart(transferPort, ada.credentials, id, 0, randomBytes(10_000));
    // The sender stops: the transfer is closed as idle, and the partial later expires.
    expect(await wire.nextFrame()).toMatchObject({ type: 'error', code: 'idle_timeout' });
    await waitFor(() => partials(dataDir).length === 0, 'the partial to expire', 10_000);
    const fresh = data(await ada.chat.request({ type: 'file_upload', ...ask }));
    expect((fresh['upload'] as { id: string; offset: number }).offset).toBe(0);
    expect((fresh['upload'] as { id: string }).id).not.toBe(id);
  });
});
