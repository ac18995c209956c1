/**
 * A disk that fills up in the middle of an upload, for real: the server runs as a child process
 * under `ulimit -f` (RLIMIT_FSIZE), so the operating system refuses to grow any of its files past
 * the limit — the write comes back short, then EFBIG (Node ignores SIGXFSZ, so the process lives).
 * The upload is refused `disk_full`, no partial is left, and the server goes on serving.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, spawnCli, tempDir } from '../support/harness.ts';
import { TransferWire } from '../support/transfer-wire.ts';
import { askUpload, chatUser, createRoom, data, transferPortOf, uploadFile } from './files-helpers.ts';

afterEach(cleanupAll);

describe('files: the disk fills up mid-upload', () => {
  it('refuses disk_full, leaves no partial behind and keeps serving', async () => {
    const dataDir = tempDir();
    // The free-disk check passes (it cannot see the limit): the write itself fails.
    const args = ['--port', '0', '--host', '127.0.0.1', '--no-mdns', '--data-dir', dataDir, '--min-free-disk-mb', '0'];
    const cli = await spawnCli(args, 15_000, { maxFileKiB: 4 * 1024 });
    const ada = await chatUser(cli.port, 'Ada');
    const room = await createRoom(ada);
    const content = randomBytes(12 * 1024 * 1024);
    const asked = data(await askUpload(ada, { room, name: 'too-big.bin', size: content.length }));
    const id = (asked['upload'] as { id: string }).id;

    const wire = await TransferWire.open(transferPortOf(ada));
    wire.send({ type: 'upload', protocol: 1, credentials: ada.credentials, upload: id, offset: 0 });
    expect(await wire.nextFrame()).toMatchObject({ type: 'upload_ready' });
    wire.write(content); // never more than 4 MiB of it can reach the disk
    expect(await wire.nextFrame()).toMatchObject({ type: 'error', code: 'disk_full', fatal: true });
    expect(readdirSync(join(dataDir, 'files', 'partial'))).toEqual([]);

    // Still serving: chat, and a file that fits.
    expect(await ada.chat.request({ type: 'ping' })).toMatchObject({ type: 'result' });
    const small = await uploadFile(transferPortOf(ada), ada, { room }, randomBytes(100_000));
    expect(small).toMatchObject({ size: 100_000 });
    expect(cli.child.exitCode).toBe(null);
  });
});
