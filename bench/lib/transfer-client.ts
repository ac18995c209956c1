/**
 * One user of the transfer benchmark in a process of its own (lib/transfer-load.ts forks it):
 * a real `ParleyClient` that joins the room and then uploads or downloads on command, through
 * the client library's own transfer connections (fileUpload → openUpload → write … → finish;
 * download → body), SHA-256 included on its side as a real client does it.
 *
 * Each user gets a process because on the LAN each is a machine of its own: their hashing and
 * socket reads must not queue behind one another, nor behind the chat probe in the benchmark's
 * process (whose latency they would inflate). Its chat connection stays open and in the room
 * for the whole run, so that it receives the chat messages while it transfers: a drop of that
 * connection (slow_consumer, a lost connection) is reported to the parent.
 *
 * argv[2]: the ClientArgs as JSON.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ParleyClient } from '../../src/main/core/client/parley-client.ts';
import type { ClientArgs, FromTransferClient, ToTransferClient } from './transfer-ipc.ts';
import { nowNs } from './stats.ts';

/** Bytes read from disk and handed to the upload writer at a time (the UI's chunks are up to 8 MiB). */
const CHUNK_BYTES = 1024 * 1024;

const args = JSON.parse(process.argv[2]!) as ClientArgs;
let drops = 0;

function send(message: FromTransferClient): void {
  process.send!(message);
}

const client = new ParleyClient({
  host: '127.0.0.1',
  port: args.port,
  name: args.name,
  clientName: 'parley-bench-transfer',
  // The finish of a 1 GiB upload (the server's last writes and its answer) gets 6 × this.
  requestTimeoutMs: 30_000,
});
client.on('server_error', (frame) => {
  if (frame.fatal) send({ type: 'dropped', code: frame.code, message: frame.message });
});
client.on('status', (status) => {
  if (status.status !== 'reconnecting') return;
  drops++;
  send({ type: 'dropped', code: 'disconnected', message: status.reason });
});

async function upload(job: number, path: string, key: string, attach: boolean): Promise<FromTransferClient> {
  const bytesTotal = (await stat(path)).size;
  const started = nowNs();
  const begun = await client.fileUpload({ room: args.room }, { key, name: basename(path), size: bytesTotal });
  // The content is fresh for every run: a stored file answered at once would mean no bytes moved.
  if (!('upload' in begun)) throw new Error(`the server already had ${path} (dedup): the content must be fresh`);
  const writer = await client.openUpload(begun.upload.id, begun.upload.offset);
  const hash = createHash('sha256');
  let sent = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    await writer.write(chunk);
    sent += chunk.length;
  }
  const digest = hash.digest('hex');
  const file = await writer.finish(digest);
  const seconds = (nowNs() - started) / 1e9;
  if (sent !== bytesTotal || file.size !== bytesTotal || file.sha256 !== digest) {
    throw new Error(`upload stored ${file.size} bytes, sha256 ${file.sha256}; sent ${sent}, sha256 ${digest}`);
  }
  if (attach) await client.sendMessage({ room: args.room }, '', `attach-${key}`, [file.id]);
  return { type: 'uploaded', job, file, bytes: sent, seconds };
}

async function download(job: number, fileId: string, sha256: string): Promise<FromTransferClient> {
  const started = nowNs();
  const { ready, body } = await client.download(fileId);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  const digest = hash.digest('hex');
  const seconds = (nowNs() - started) / 1e9;
  if (bytes !== ready.file.size || digest !== ready.file.sha256 || digest !== sha256) {
    throw new Error(
      `download got ${bytes} bytes with sha256 ${digest}; the file has ${ready.file.size}, ${ready.file.sha256}`,
    );
  }
  return { type: 'downloaded', job, bytes, seconds };
}

process.on('message', (message: ToTransferClient) => {
  if (message.type === 'stop') {
    client.close();
    send({ type: 'stopped', drops });
    process.disconnect();
    return;
  }
  const work =
    message.type === 'upload'
      ? upload(message.job, message.path, message.key, message.attach)
      : download(message.job, message.file, message.sha256);
  work.then(send, (error: unknown) =>
    send({ type: 'failed', job: message.job, message: error instanceof Error ? error.message : String(error) }),
  );
});

// The parent going away (a crash, Ctrl-C) ends this process too.
process.on('disconnect', () => {
  client.close();
  process.exit(0);
});

client
  .connect()
  .then(() => client.joinRoom(args.room, { limit: 1 }))
  .then(
    () => send({ type: 'ready' }),
    (error: unknown) => {
      process.stderr.write(`transfer client ${args.name}: ${String(error)}\n`);
      process.exit(1);
    },
  );
