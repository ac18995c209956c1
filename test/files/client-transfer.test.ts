/**
 * The client library's file transfers against a real server on 127.0.0.1: a random 50 MB file up
 * and down with identical bytes; an upload whose connection is cut for real at 50 % and resumed
 * (exactly once: one file, the same key answers it); a download cut at 50 % and resumed by range;
 * the server's verdicts (wrong hash, unknown file) as error codes; messages with attachments
 * through the outbox, also when the connection drops before the server answered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyClient, UploadWriter } from '../../src/main/core/client/parley-client.ts';
import { ParleyError } from '../../src/main/core/client/errors.ts';
import type { ChatMessage, FileInfo } from '../../src/shared/protocol/server-frames.ts';
import { cleanupAll, connectClient, startServer, waitFor, waitForEvent } from '../support/harness.ts';
import { CuttingRelay, randomFile, readAll, sha256 } from './client-support.ts';

afterEach(cleanupAll);

const MB = 1024 * 1024;
const CHUNK = 1 * MB;

async function roomWith(...clients: ParleyClient[]): Promise<string> {
  const { room } = await clients[0]!.createRoom(`files-${Math.random().toString(36).slice(2, 8)}`);
  for (const client of clients) await client.joinRoom(room.id);
  return room.id;
}

/** Writes `bytes[from…]` in chunks through `writer`, as the UI's driver does. */
async function writeFrom(writer: UploadWriter, bytes: Buffer, from: number): Promise<void> {
  for (let at = from; at < bytes.length; at += CHUNK)
    await writer.write(bytes.subarray(at, Math.min(at + CHUNK, bytes.length)));
}

/** Uploads `bytes` under `key` from offset 0 and returns the stored file. */
async function upload(client: ParleyClient, room: string, key: string, name: string, bytes: Buffer): Promise<FileInfo> {
  const begun = await client.fileUpload({ room }, { key, name, size: bytes.length });
  if ('file' in begun) return begun.file;
  expect(begun.upload.offset).toBe(0);
  const writer = await client.openUpload(begun.upload.id, 0);
  await writeFrom(writer, bytes, 0);
  return writer.finish(sha256(bytes));
}

/** Sends the file in a message: from then on the room's members may download it. */
async function share(client: ParleyClient, room: string, file: FileInfo): Promise<void> {
  await client.sendMessage({ room }, '', `share-${file.id}-${Math.random()}`, [file.id]);
}

async function rejection(promise: Promise<unknown>): Promise<ParleyError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ParleyError);
  return error as ParleyError;
}

describe('file transfers through the client library', () => {
  it('uploads a random 50 MB file and downloads the identical bytes', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const room = await roomWith(ada, bob);
    const bytes = randomFile(50 * MB);

    const file = await upload(ada, room, 'k-50mb', 'big.bin', bytes);
    expect(file).toMatchObject({ name: 'big.bin', size: bytes.length, sha256: sha256(bytes) });
    await share(ada, room, file);

    const { ready, body } = await bob.download(file.id);
    expect(ready).toMatchObject({ offset: 0, length: bytes.length, size: bytes.length, sha256: sha256(bytes) });
    expect(ready.file.id).toBe(file.id);
    const received = await readAll(body);
    expect(received.length).toBe(bytes.length);
    expect(received.equals(bytes)).toBe(true);
  }, 60_000);

  it('resumes an upload cut at 50 % from the offset the server holds, exactly once', async () => {
    const { port, transferPort } = await startServer();
    const relay = await CuttingRelay.start(port, transferPort);
    const ada = await connectClient(relay.port, 'Ada', { dialer: relay.dialer });
    const bob = await connectClient(port, 'Bob');
    const room = await roomWith(ada, bob);
    const bytes = randomFile(8 * MB);
    const half = bytes.length / 2;

    const begun = await ada.fileUpload({ room }, { key: 'k-resume', name: 'resume.bin', size: bytes.length });
    if (!('upload' in begun)) throw new Error('expected an upload to continue');
    const writer = await ada.openUpload(begun.upload.id, 0);
    // The first frame (`upload` …) also went up this connection: cut after it and half the file.
    const cut = relay.cutAfter('up', half);
    const failed = await rejection(writeFrom(writer, bytes, 0).then(() => writer.finish(sha256(bytes))));
    await cut;
    expect(failed.code).toBe('disconnected');
    expect(writer.usable).toBe(false);

    // The chat connection was cut too: the client comes back by itself.
    await waitForEvent(ada, 'status', (s: { status: string }) => s.status === 'connected', 10_000);
    const again = await ada.fileUpload({ room }, { key: 'k-resume', name: 'resume.bin', size: bytes.length });
    if (!('upload' in again)) throw new Error('expected the same upload to continue');
    expect(again.upload.id).toBe(begun.upload.id);
    expect(again.upload.offset).toBeGreaterThan(0);
    expect(again.upload.offset).toBeLessThanOrEqual(half);

    const resumed = await ada.openUpload(again.upload.id, again.upload.offset);
    await writeFrom(resumed, bytes, again.upload.offset);
    const file = await resumed.finish(sha256(bytes));
    expect(file).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });

    // Exactly once: the same key now answers the finished file, no second upload starts.
    const done = await ada.fileUpload({ room }, { key: 'k-resume', name: 'resume.bin', size: bytes.length });
    expect(done).toEqual({ file });
    await share(ada, room, file);
    const { body } = await bob.download(file.id);
    expect((await readAll(body)).equals(bytes)).toBe(true);
  }, 60_000);

  it('ends a download cut at 50 % with disconnected, and a range request fetches the rest', async () => {
    const { port, transferPort } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const relay = await CuttingRelay.start(port, transferPort);
    const bob = await connectClient(relay.port, 'Bob', { dialer: relay.dialer });
    const room = await roomWith(ada, bob);
    const bytes = randomFile(8 * MB);
    const file = await upload(ada, room, 'k-dl', 'dl.bin', bytes);
    await share(ada, room, file);

    const cut = relay.cutAfter('down', bytes.length / 2);
    const first = await bob.download(file.id);
    const chunks: Buffer[] = [];
    const ended = await new Promise<Error | null>((resolve) => {
      first.body.on('data', (chunk: Buffer) => chunks.push(chunk));
      first.body.on('end', () => resolve(null));
      first.body.on('error', resolve);
    });
    await cut;
    expect(ended).toBeInstanceOf(ParleyError);
    expect((ended as ParleyError).code).toBe('disconnected');
    const head = Buffer.concat(chunks);
    expect(head.length).toBeLessThan(bytes.length);

    await waitForEvent(bob, 'status', (s: { status: string }) => s.status === 'connected', 10_000);
    const rest = await bob.download(file.id, { offset: head.length });
    expect(rest.ready).toMatchObject({ offset: head.length, length: bytes.length - head.length });
    const tail = await readAll(rest.body);
    expect(Buffer.concat([head, tail]).equals(bytes)).toBe(true);

    // A range in the middle: exactly those bytes.
    const middle = await bob.download(file.id, { offset: 1000, length: 4096 });
    expect((await readAll(middle.body)).equals(bytes.subarray(1000, 5096))).toBe(true);
  }, 60_000);

  it('reports the server’s verdicts as error codes: wrong hash, unknown file, unknown upload', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const room = await roomWith(ada);
    const bytes = randomFile(256 * 1024);

    const begun = await ada.fileUpload({ room }, { key: 'k-hash', name: 'h.bin', size: bytes.length });
    if (!('upload' in begun)) throw new Error('expected an upload');
    const writer = await ada.openUpload(begun.upload.id, 0);
    await writer.write(bytes);
    const wrong = await rejection(writer.finish(sha256(Buffer.from('something else'))));
    expect(wrong.code).toBe('hash_mismatch');

    expect((await rejection(ada.download('f_doesnotexist'))).code).toBe('file_not_found');
    expect((await rejection(ada.openUpload('u_doesnotexist', 0))).code).toBe('upload_not_found');
  });
});

describe('messages with attachments', () => {
  it('carries the files to the other members, live and in history', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const room = await roomWith(ada, bob);
    const one = await upload(ada, room, 'k-a1', 'one.txt', Buffer.from('one'));
    const two = await upload(ada, room, 'k-a2', 'two.txt', Buffer.from('two!'));

    const seen = waitForEvent<ChatMessage>(bob, 'message', (m) => m.msgId === 'with-files');
    const sent = await ada.sendMessage({ room }, '', 'with-files', [one.id, two.id]);
    expect(sent.attachments?.map((f) => f.id)).toEqual([one.id, two.id]);
    const live = await seen;
    expect(live.text).toBe('');
    expect(live.attachments).toEqual(sent.attachments);
    const page = await bob.history({ room });
    expect(page.messages.find((m) => m.msgId === 'with-files')?.attachments).toEqual(sent.attachments);
  });

  it('sends a message with attachments exactly once when the connection drops before the answer', async () => {
    const { port, transferPort } = await startServer();
    const relay = await CuttingRelay.start(port, transferPort);
    const ada = await connectClient(relay.port, 'Ada', { dialer: relay.dialer });
    const bob = await connectClient(port, 'Bob');
    const room = await roomWith(ada, bob);
    const file = await upload(ada, room, 'k-once', 'once.txt', Buffer.from('exactly once'));
    const received: ChatMessage[] = [];
    bob.on('message', (m) => m.msgId === 'once' && received.push(m));

    // The server stores the message, but its answer never gets back to Ada: her connection stalls
    // at the first byte down, then drops. The outbox resends the same msgId on the next one.
    const stalled = relay.stallAfter('down', 1);
    const sending = ada.sendMessage({ room }, 'see attached', 'once', [file.id]);
    await stalled;
    await waitFor(() => received.length > 0, 'Bob got the message');
    relay.cutAll();
    const sent = await sending;
    expect(sent.attachments?.map((f) => f.id)).toEqual([file.id]);
    const page = await bob.history({ room });
    expect(page.messages.filter((m) => m.msgId === 'once')).toHaveLength(1);
    expect(received).toHaveLength(1);
    expect(received[0]!.attachments?.[0]?.sha256).toBe(sha256(Buffer.from('exactly once')));
  });
});
