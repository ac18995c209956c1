/**
 * The transfer thread (src/main/core/server/transfer/transfer-thread.ts): file bytes travel in a
 * thread of the server's own, on its own port, at a lower priority than chat on Linux; a thread
 * that dies is started again on the same port and the upload it was writing resumes; the chat
 * port does not carry transfers.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { parseServerOptions, USAGE } from '../../src/main/core/cli/server-options.ts';
import { TRANSFER_NICENESS } from '../../src/main/core/server/transfer/transfer-thread.ts';
import { cleanupAll, freePort, onCleanup, RawClient, startServer, tempDir, waitFor } from '../support/harness.ts';
import { download, sha256, TransferWire, upload } from '../support/transfer-wire.ts';
import { chatUser, createRoom, data, transferPortOf, uploadFile } from './files-helpers.ts';

afterEach(cleanupAll);

/** Name and nice value of every thread of this process (Linux /proc). */
function threads(): { name: string; nice: number }[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields after "(name) ": state is field 3, nice field 19 of stat(5).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name, nice: Number(fields[16]) };
  });
}

describe('files: the transfer thread', () => {
  it('announces its own port in welcome, and the chat port does not carry transfers', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    expect(transferPortOf(ada)).toBe(transferPort);
    expect(transferPort).not.toBe(port);
    // An upload opener as the first frame of a chat connection is answered, not taken for a transfer.
    const onChat = await RawClient.open(port);
    onChat.send({ type: 'upload', protocol: 1, credentials: ada.credentials, upload: 'p_x', offset: 0 });
    expect(await onChat.next((f) => f.type === 'error')).toMatchObject({ code: 'unknown_type' });
    // And a hello on the transfer port is refused with a clear reason.
    const onTransfer = await TransferWire.open(transferPort);
    onTransfer.send({ type: 'hello', protocol: 1, name: 'Bob' });
    expect(await onTransfer.nextFrame()).toMatchObject({ type: 'error', code: 'bad_request' });
  });

  it('listens on the port after a fixed chat port, or on any free one when that is taken', async () => {
    let chat = await freePort();
    while (chat >= 65535) chat = await freePort();
    const neighbourFree = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen({ host: '127.0.0.1', port: chat + 1 }, () => probe.close(() => resolve(true)));
    });
    const next = await startServer({ port: chat });
    // (On a busy machine someone else may hold the neighbour: then the next case covers it.)
    if (neighbourFree) expect(next.transferPort).toBe(chat + 1);
    await next.server.close();

    // The neighbour taken: the server still starts, on any free transfer port.
    const other = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: other + 1 }, resolve));
    onCleanup(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const fallback = await startServer({ port: other });
    expect(fallback.transferPort).not.toBe(other + 1);
    expect(fallback.transferPort).toBeGreaterThan(0);

    // A port given is the port used.
    const fixed = await freePort();
    expect((await startServer({ transferPort: fixed })).transferPort).toBe(fixed);
  });

  it('takes the transfer port from --transfer-port or transfer_port, the flag winning', () => {
    const dir = tempDir();
    const file = join(dir, 'parley.toml');
    writeFileSync(file, 'transfer_port = 9001\n');
    const base = ['--data-dir', dir, '--config', file];
    const fromFile = parseServerOptions(base, 'box');
    const fromFlag = parseServerOptions([...base, '--transfer-port', '9002'], 'box');
    const unset = parseServerOptions(['--data-dir', dir], 'box');
    if (fromFile === 'help' || fromFlag === 'help' || unset === 'help') throw new Error('not help');
    expect(fromFile.config.transferPort).toBe(9001);
    expect(fromFlag.config.transferPort).toBe(9002);
    expect(unset.config.transferPort).toBeUndefined();
    expect(() => parseServerOptions([...base, '--transfer-port', '70000'], 'box')).toThrow(/--transfer-port/);
    // --help names it, with the file flags.
    for (const flag of ['--transfer-port', '--max-file-mb', '--max-storage-mb', '--min-free-disk-mb']) {
      expect(USAGE).toContain(flag);
    }
  });

  it('lets go of an upload whose connection closed while its partial was being reread', async () => {
    const first = await startServer();
    const ada = await chatUser(first.port, 'Ada');
    const room = await createRoom(ada);
    const content = randomBytes(48 * 1024 * 1024);
    const ask = { room, key: 'reread', name: 'r.bin', size: content.length };
    const id = (data(await ada.chat.request({ type: 'file_upload', ...ask }))['upload'] as { id: string }).id;
    const wire = await TransferWire.open(first.transferPort);
    wire.send({ type: 'upload', protocol: 1, credentials: ada.credentials, upload: id, offset: 0 });
    expect(await wire.nextFrame()).toEqual({ type: 'upload_ready', offset: 0 });
    const part = content.subarray(0, 40 * 1024 * 1024);
    await new Promise<void>((resolve) => wire.socket.write(part, () => resolve()));
    wire.socket.end();
    const partial = join(first.dataDir, 'files', 'partial', id);
    await waitFor(() => statSync(partial).size === part.length, 'the bytes on disk', 10_000);
    await first.server.close();

    // After a restart the server must read the 40 MB again to resume; the client gives up at once.
    const second = await startServer({ dataDir: first.dataDir });
    const chat = await RawClient.open(second.port);
    chat.send({ type: 'hello', protocol: 1, name: 'Ada', resume: ada.credentials });
    await chat.next((f) => f.type === 'welcome');
    await chat.request({ type: 'room_join', room });
    const back = { ...ada, chat };
    const quitter = await TransferWire.open(second.transferPort);
    quitter.send({ type: 'upload', protocol: 1, credentials: back.credentials, upload: id, offset: part.length });
    await new Promise((resolve) => setTimeout(resolve, 15)); // answered, and rereading (~50 ms)
    quitter.socket.destroy();
    // Let go at once, not after the idle timeout (30 s): no file left open, no claim held.
    await waitFor(async () => (await second.server.transferStats()).connections === 0, 'the transfer to end', 3000);
    const offset = (data(await back.chat.request({ type: 'file_upload', ...ask }))['upload'] as { offset: number })
      .offset;
    expect(offset).toBe(part.length);
  });

  it('answers a client that shuts down its sending side once it has asked (half-close)', async () => {
    const { port, transferPort } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const content = randomBytes(3 * 1024 * 1024);
    // An uploader that half-closes after upload_finish (nc -N, Go's CloseWrite) still gets upload_done.
    const id = (
      data(await ada.chat.request({ type: 'file_upload', room, key: 'hc', name: 'h', size: content.length }))[
        'upload'
      ] as { id: string }
    ).id;
    const up = await TransferWire.open(transferPort);
    up.send({ type: 'upload', protocol: 1, credentials: ada.credentials, upload: id, offset: 0 });
    expect(await up.nextFrame()).toEqual({ type: 'upload_ready', offset: 0 });
    up.write(content);
    up.send({ type: 'upload_finish', sha256: sha256(content) });
    up.socket.end();
    const done = await up.nextFrame();
    expect(done).toMatchObject({ type: 'upload_done', file: { sha256: sha256(content) } });
    // A downloader that half-closes right after asking still gets every byte.
    const down = await TransferWire.open(transferPort);
    down.send({
      type: 'download',
      protocol: 1,
      credentials: ada.credentials,
      file: (done['file'] as { id: string }).id,
    });
    down.socket.end();
    const ready = await down.nextFrame();
    expect(ready).toMatchObject({ type: 'download_ready', length: content.length });
    expect((await down.raw(content.length)).equals(content)).toBe(true);
    await down.waitClosed();
  });

  it.skipIf(process.platform !== 'linux')('runs at a lower priority than chat on Linux', async () => {
    await startServer();
    const transfer = threads().filter((t) => t.name.startsWith('parley-transf'));
    expect(transfer.length).toBeGreaterThanOrEqual(1);
    for (const t of transfer) expect(t.nice).toBe(TRANSFER_NICENESS);
    expect(threads().find((t) => t.name === 'MainThread' || t.name === 'node')?.nice ?? 0).toBe(0);
  });

  it('starts again on the same port when it dies, and the upload it was writing resumes', async () => {
    const { port, transferPort, server, dataDir } = await startServer();
    const ada = await chatUser(port, 'Ada');
    const room = await createRoom(ada);
    const content = randomBytes(2 * 1024 * 1024);
    const ask = { room, key: 'dies', name: 'dies.bin', size: content.length };
    const id = (data(await ada.chat.request({ type: 'file_upload', ...ask }))['upload'] as { id: string }).id;
    const wire = await TransferWire.open(transferPort);
    wire.send({ type: 'upload', protocol: 1, credentials: ada.credentials, upload: id, offset: 0 });
    expect(await wire.nextFrame()).toEqual({ type: 'upload_ready', offset: 0 });
    const half = content.length / 2;
    await new Promise<void>((resolve) => wire.socket.write(content.subarray(0, half), () => resolve()));
    // Some of it on disk (the partial), so there is something to resume from.
    const partial = join(dataDir, 'files', 'partial', id);
    await waitFor(() => statSync(partial).size > 0, 'bytes on disk');

    // The thread dies (a bug in it, say): its connections go with it, chat does not.
    const worker = (server as unknown as { transfers: { worker: Worker } }).transfers.worker;
    await worker.terminate();
    await wire.waitClosed();
    expect(await ada.chat.request({ type: 'ping' })).toMatchObject({ type: 'result' });

    // Back on the same port; the upload resumes from what its partial holds.
    await waitFor(
      async () => {
        const probe = await TransferWire.open(transferPort).catch(() => undefined);
        probe?.socket.destroy();
        return probe !== undefined;
      },
      'the transfer port to answer again',
      5000,
    );
    const reply = await ada.chat.request({ type: 'file_upload', ...ask });
    const offset = (data(reply)['upload'] as { offset: number }).offset;
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(half);
    const { result } = await upload(transferPort, ada.credentials, id, content.subarray(offset), {
      offset,
      whole: content,
    });
    expect(result).toMatchObject({ type: 'upload_done', file: { sha256: sha256(content) } });
    const file = await uploadFile(transferPort, ada, { room }, randomBytes(1000));
    expect((await download(transferPort, ada.credentials, file['id'] as string)).bytes.length).toBe(1000);
  });
});
