/**
 * The session's file calls against a real server on 127.0.0.1, with a fake of the Electron edge
 * (`DesktopFiles`: plain functions that record their calls): uploads driven chunk by chunk as the
 * UI does, resumed after the connection is cut at 50 % (transfer_interrupted → beginUpload →
 * the server's offset), exactly once; desktop downloads into a temporary "Downloads" folder
 * (unique names, resume after a cut at 50 % with `waiting` meanwhile, identical bytes, hash
 * mismatch on a corrupted blob with no file left, cancel, open/show only what it finished);
 * openMedia; mediaUrl; the file settings in the profile; messages with attachments, live and
 * after a reconnect; the browser gateway's refusals (no desktop).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadView } from '../../src/shared/api/contract.ts';
import type { FileInfo } from '../../src/shared/protocol/server-frames.ts';
import { InMemoryProfileStore, parseProfile } from '../../src/main/core/session/profile.ts';
import { SessionManager, type SessionManagerOptions } from '../../src/main/core/session/session-manager.ts';
import type { Dialer } from '../../src/main/core/transport/dialer.ts';
import { cleanupAll, DESKTOP_APP_INFO, onCleanup, startServer, tempDir } from '../support/harness.ts';
import { expectApiError, key, TestSession } from '../support/session-recorder.ts';
import { CuttingRelay, fakeDesktop, randomFile, readAll, sha256 } from './client-support.ts';

afterEach(cleanupAll);

const MB = 1024 * 1024;
const CHUNK = 1 * MB;

async function fileSession(
  name: string,
  options: Partial<Pick<SessionManagerOptions, 'desktop' | 'mediaUrl' | 'profile'>> & { dialer?: Dialer } = {},
): Promise<TestSession> {
  const session = new SessionManager({
    app: DESKTOP_APP_INFO,
    profile: options.profile ?? new InMemoryProfileStore(),
    clientName: 'parley-test',
    clientOptions: { minBackoffMs: 20, maxBackoffMs: 200, ...(options.dialer ? { dialer: options.dialer } : {}) },
    ...(options.desktop ? { desktop: options.desktop } : {}),
    ...(options.mediaUrl ? { mediaUrl: options.mediaUrl } : {}),
  });
  onCleanup(() => session.close());
  const t = new TestSession(session);
  await session.setDisplayName(name);
  return t;
}

/** Connects `t` to `port` and joins (or creates and joins) a room. */
async function inRoom(t: TestSession, port: number, room?: string): Promise<{ k: string; room: string }> {
  const k = key(port);
  await t.session.connectServer({ host: '127.0.0.1', port });
  const id = room ?? (await t.session.createRoom(k, { name: `files-${Math.random().toString(36).slice(2, 8)}` })).id;
  await t.session.joinRoom(k, id);
  return { k, room: id };
}

/** Uploads through the session as the UI's driver does; on transfer_interrupted, resumes with beginUpload. */
async function uploadViaSession(
  t: TestSession,
  k: string,
  room: string,
  uploadKey: string,
  name: string,
  bytes: Buffer,
  onInterrupted: () => Promise<void> = async () => {},
): Promise<{ file: FileInfo; interruptions: number; resumedAt: number[] }> {
  const hash = sha256(bytes);
  let interruptions = 0;
  const resumedAt: number[] = [];
  for (;;) {
    const begun = await t.session.beginUpload(k, { room }, { key: uploadKey, name, size: bytes.length });
    if ('file' in begun) return { file: begun.file, interruptions, resumedAt };
    let at = begun.upload.offset;
    if (interruptions > 0) resumedAt.push(at);
    try {
      for (;;) {
        const end = Math.min(at + CHUNK, bytes.length);
        const last = end === bytes.length;
        const result = await t.session.writeUpload(
          k,
          begun.upload.id,
          at,
          slice(bytes, at, end),
          last ? hash : undefined,
        );
        expect(result.offset).toBe(end);
        if (last) return { file: result.file!, interruptions, resumedAt };
        at = end;
      }
    } catch (error) {
      if ((error as { code?: string }).code !== 'transfer_interrupted') throw error;
      interruptions++;
      await onInterrupted();
    }
  }
}

/** Sends the file in a message (from then on the room's members may download it). */
async function share(t: TestSession, k: string, room: string, file: FileInfo): Promise<void> {
  const msgId = `share-${file.id}-${Math.random().toString(36).slice(2, 8)}`;
  await t.session.sendMessage(k, { room }, '', msgId, [file.id]);
  await t.waitFor('message', (e) => e.server === k && e.message.msgId === msgId);
}

/** Waits until the server, lost after event index `from`, is connected again. */
async function connectedAgain(t: TestSession, k: string, from: number): Promise<void> {
  await t.waitFor('serverChanged', (v) => v.key === k && v.status === 'reconnecting', 10_000, from);
  const lost = t.events.findIndex(
    (e, i) => i >= from && e.event === 'serverChanged' && e.payload.key === k && e.payload.status === 'reconnecting',
  );
  await t.waitFor('serverChanged', (v) => v.key === k && v.status === 'connected', 10_000, lost);
}

/** A chunk as the IPC or HTTP edge hands it to the session: its own Uint8Array. */
function slice(bytes: Buffer, from: number, to: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes.subarray(from, to));
}

function downloadsOf(t: TestSession, id: string): DownloadView[] {
  return t.all('downloadChanged').filter((d) => d.id === id);
}

/** The blob a server keeps for `sha`: found by content under its data folder (layout is the server's). */
function storedBlob(dataDir: string, bytes: Buffer): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size === bytes.length && readFileSync(path).equals(bytes))
        found.push(path);
    }
  };
  walk(dataDir);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('uploads through the session', () => {
  it('resumes an upload cut at 50 % after transfer_interrupted, exactly once, and sends it', async () => {
    const { port, transferPort } = await startServer();
    const relay = await CuttingRelay.start(port, transferPort);
    const ada = await fileSession('Ada', { dialer: relay.dialer });
    const bob = await fileSession('Bob');
    const { k: adaKey, room } = await inRoom(ada, relay.port);
    const { k: bobKey } = await inRoom(bob, port, room);
    const bytes = randomFile(10 * MB);

    const cut = relay.cutAfter('up', bytes.length / 2);
    const marker = ada.events.length;
    const { file, interruptions, resumedAt } = await uploadViaSession(
      ada,
      adaKey,
      room,
      'up-1',
      'notes.bin',
      bytes,
      async () => {
        await cut;
        await connectedAgain(ada, adaKey, marker);
      },
    );
    expect(interruptions).toBe(1);
    expect(resumedAt).toHaveLength(1);
    expect(resumedAt[0]).toBeGreaterThan(0);
    expect(resumedAt[0]).toBeLessThanOrEqual(bytes.length / 2);
    expect(file).toMatchObject({ name: 'notes.bin', size: bytes.length, sha256: sha256(bytes) });

    // The same key again answers the stored file: nothing is uploaded twice.
    expect(
      await ada.session.beginUpload(adaKey, { room }, { key: 'up-1', name: 'notes.bin', size: bytes.length }),
    ).toEqual({
      file,
    });

    await ada.session.sendMessage(adaKey, { room }, 'the notes', 'msg-files-1', [file.id]);
    const got = await bob.waitFor('message', (e) => e.server === bobKey && e.message.msgId === 'msg-files-1');
    expect(got.message.attachments).toEqual([file]);
    const media = await bob.session.openMedia(bobKey, file.id, 'original');
    expect(media).toMatchObject({ offset: 0, length: bytes.length, size: bytes.length, sha256: sha256(bytes) });
    expect((await readAll(media.body)).equals(bytes)).toBe(true);
  }, 60_000);

  it('refuses what does not fit the upload and cancels one (its bytes are gone)', async () => {
    const { port } = await startServer();
    const ada = await fileSession('Ada');
    const { k, room } = await inRoom(ada, port);
    const bytes = randomFile(3 * MB);
    const begun = await ada.session.beginUpload(k, { room }, { key: 'up-c', name: 'c.bin', size: bytes.length });
    if (!('upload' in begun)) throw new Error('expected an upload');
    const id = begun.upload.id;
    await expectApiError(ada.session.writeUpload(k, id, 0, slice(bytes, 0, 3 * MB)), 'bad_request'); // last chunk, no hash
    await expectApiError(ada.session.writeUpload(k, id, 0, slice(bytes, 0, MB), sha256(bytes)), 'bad_request');
    expect(await ada.session.writeUpload(k, id, 0, slice(bytes, 0, MB))).toEqual({ offset: MB });
    await ada.session.cancelUpload(k, id);
    await expectApiError(ada.session.writeUpload(k, id, MB, slice(bytes, MB, 2 * MB)), 'upload_not_found');
  });

  it('sends a message with attachments exactly once across a reconnect', async () => {
    const { port, transferPort } = await startServer();
    const relay = await CuttingRelay.start(port, transferPort);
    const ada = await fileSession('Ada', { dialer: relay.dialer });
    const bob = await fileSession('Bob');
    const { k: adaKey, room } = await inRoom(ada, relay.port);
    const { k: bobKey } = await inRoom(bob, port, room);
    const { file } = await uploadViaSession(ada, adaKey, room, 'up-r', 'r.txt', Buffer.from('hello again'));

    // Away while sending: the message waits in the outbox and goes out once when the server is back.
    const from = ada.events.length;
    relay.cut();
    await ada.waitFor('serverChanged', (v) => v.key === adaKey && v.status === 'reconnecting', 5000, from);
    await ada.session.sendMessage(adaKey, { room }, '', 'msg-away', [file.id]);
    relay.restore();
    await connectedAgain(ada, adaKey, from);
    const got = await bob.waitFor('message', (e) => e.server === bobKey && e.message.msgId === 'msg-away', 10_000);
    expect(got.message.text).toBe('');
    expect(got.message.attachments?.map((f) => f.id)).toEqual([file.id]);
    const page = await bob.session.loadOlder(bobKey, { room }, Number.MAX_SAFE_INTEGER);
    expect(page.messages.filter((m) => m.msgId === 'msg-away')).toHaveLength(1);
    expect(ada.all('sendFailed')).toEqual([]);
  });
});

describe('desktop downloads', () => {
  async function setup(options: { viaRelay?: boolean } = {}) {
    const server = await startServer();
    const relay = await CuttingRelay.start(server.port, server.transferPort);
    const downloadsDir = tempDir('parley-downloads-');
    const desktop = fakeDesktop(downloadsDir);
    const profile = new InMemoryProfileStore();
    const ada = await fileSession('Ada');
    const bob = await fileSession('Bob', { desktop, profile, ...(options.viaRelay ? { dialer: relay.dialer } : {}) });
    const { k: adaKey, room } = await inRoom(ada, server.port);
    const { k: bobKey } = await inRoom(bob, options.viaRelay ? relay.port : server.port, room);
    return { server, relay, downloadsDir, desktop, profile, ada, adaKey, bob, bobKey, room };
  }

  async function finished(t: TestSession, id: string, timeoutMs = 30_000): Promise<DownloadView> {
    return t.waitFor('downloadChanged', (d) => d.id === id && d.state !== 'active' && d.state !== 'waiting', timeoutMs);
  }

  it('downloads into the Downloads folder under a unique name, resuming after a cut at 50 %', async () => {
    const { relay, downloadsDir, desktop, ada, adaKey, bob, bobKey, room } = await setup({ viaRelay: true });
    const bytes = randomFile(12 * MB);
    const { file } = await uploadViaSession(ada, adaKey, room, 'up-d', 'report.pdf', bytes);
    await share(ada, adaKey, room, file);
    writeFileSync(join(downloadsDir, 'report.pdf'), 'an older report');

    const cut = relay.cutAfter('down', bytes.length / 2, { refuse: true });
    const view = await bob.session.downloadFile(bobKey, file.id);
    expect(view).toMatchObject({ name: 'report (1).pdf', size: bytes.length, state: 'active', fileId: file.id });
    await cut;
    await bob.waitFor('downloadChanged', (d) => d.id === view!.id && d.state === 'waiting', 10_000);
    relay.restore();
    const done = await finished(bob, view!.id);
    expect(done).toMatchObject({ state: 'done', received: bytes.length, name: 'report (1).pdf' });

    const saved = join(downloadsDir, 'report (1).pdf');
    expect(readFileSync(saved).equals(bytes)).toBe(true);
    expect(readFileSync(join(downloadsDir, 'report.pdf'), 'utf8')).toBe('an older report');
    expect(readdirSync(downloadsDir).sort()).toEqual(['report (1).pdf', 'report.pdf']);
    const states = downloadsOf(bob, view!.id).map((d) => d.state);
    expect(states.filter((s) => s === 'waiting').length).toBeGreaterThanOrEqual(1);
    expect(states.at(-1)).toBe('done');
    expect(states.filter((s) => s === 'done')).toHaveLength(1);
    // Progress only grows, and never passes the size.
    const progress = downloadsOf(bob, view!.id).map((d) => d.received);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(Math.max(...progress)).toBe(bytes.length);

    await bob.session.openDownload(done.id);
    await bob.session.showDownload(done.id);
    expect(desktop.opened).toEqual([saved]);
    expect(desktop.shown).toEqual([saved]);
  }, 60_000);

  it('fails with hash_mismatch when the stored bytes were corrupted, and leaves no file', async () => {
    const { server, downloadsDir, ada, adaKey, bob, bobKey, room } = await setup();
    const bytes = randomFile(2 * MB);
    const { file } = await uploadViaSession(ada, adaKey, room, 'up-h', 'data.bin', bytes);
    await share(ada, adaKey, room, file);
    const blob = storedBlob(server.dataDir, bytes);
    const corrupted = Buffer.from(bytes);
    corrupted[12345] = corrupted[12345]! ^ 0xff;
    writeFileSync(blob, corrupted);

    const view = await bob.session.downloadFile(bobKey, file.id);
    const end = await finished(bob, view!.id);
    expect(end.state).toBe('failed');
    expect(end.error?.code).toBe('hash_mismatch');
    expect(readdirSync(downloadsDir)).toEqual([]);
    await expectApiError(bob.session.openDownload(view!.id), 'download_not_found');
  });

  it('cancels a running download and deletes its part file', async () => {
    const { relay, downloadsDir, ada, adaKey, bob, bobKey, room } = await setup({ viaRelay: true });
    const bytes = randomFile(4 * MB);
    const { file } = await uploadViaSession(ada, adaKey, room, 'up-x', 'movie.mp4', bytes);
    await share(ada, adaKey, room, file);

    const stalled = relay.stallAfter('down', bytes.length / 2);
    const view = await bob.session.downloadFile(bobKey, file.id);
    await stalled;
    expect(readdirSync(downloadsDir)).toEqual(['.movie.mp4.part']);
    await bob.session.cancelDownload(view!.id);
    const end = await finished(bob, view!.id);
    expect(end.state).toBe('canceled');
    expect(readdirSync(downloadsDir)).toEqual([]);
    await expectApiError(bob.session.openDownload(view!.id), 'download_not_found');
    await expectApiError(bob.session.showDownload('d_made_up'), 'download_not_found');
  });

  it('asks where to save when the setting is on (kept in the profile); a cancelled dialog saves nothing', async () => {
    const { downloadsDir, desktop, profile, ada, adaKey, bob, bobKey, room } = await setup();
    const bytes = Buffer.from('tiny but real');
    const { file } = await uploadViaSession(ada, adaKey, room, 'up-s', 'tiny.txt', bytes);
    await share(ada, adaKey, room, file);

    expect(await bob.session.getFileSettings()).toEqual({ askWhereToSave: false });
    expect(await bob.session.setFileSettings({ askWhereToSave: true })).toEqual({ askWhereToSave: true });
    expect(profile.load().askWhereToSave).toBe(true);

    desktop.answer = null;
    expect(await bob.session.downloadFile(bobKey, file.id)).toBeNull();
    expect(desktop.asked).toEqual([join(downloadsDir, 'tiny.txt')]);

    const elsewhere = tempDir('parley-elsewhere-');
    desktop.answer = join(elsewhere, 'chosen.txt');
    const view = await bob.session.downloadFile(bobKey, file.id);
    expect(view?.name).toBe('chosen.txt');
    expect((await finished(bob, view!.id)).state).toBe('done');
    expect(readFileSync(join(elsewhere, 'chosen.txt')).equals(bytes)).toBe(true);
    expect(readdirSync(downloadsDir)).toEqual([]);
    expect(readdirSync(elsewhere)).toEqual(['chosen.txt']);
  });
});

describe('media and the browser gateway', () => {
  it('serves ranges with openMedia and maps errors; mediaUrl comes from the embedder', async () => {
    const { port } = await startServer();
    const ada = await fileSession('Ada', {
      mediaUrl: (server, fileId, variant) => `/media/${encodeURIComponent(server)}/${fileId}/${variant}`,
    });
    const { k, room } = await inRoom(ada, port);
    const bytes = randomFile(300 * 1024);
    const { file } = await uploadViaSession(ada, k, room, 'up-m', 'clip.bin', bytes);

    const range = await ada.session.openMedia(k, file.id, 'original', { offset: 100, length: 1000 });
    expect(range).toMatchObject({ offset: 100, length: 1000, size: bytes.length, variant: 'original' });
    expect(range.file.id).toBe(file.id);
    expect((await readAll(range.body)).equals(bytes.subarray(100, 1100))).toBe(true);
    await expect(ada.session.openMedia(k, 'f_nope', 'original')).rejects.toMatchObject({ code: 'file_not_found' });
    await expect(ada.session.openMedia('127.0.0.1:1', file.id, 'original')).rejects.toMatchObject({
      code: 'not_connected',
    });
    expect(await ada.session.mediaUrl(k, file.id, 'thumb')).toBe(`/media/${encodeURIComponent(k)}/${file.id}/thumb`);
  });

  it('without the desktop edge, downloads, open and show are not supported', async () => {
    const { port } = await startServer();
    const ada = await fileSession('Ada');
    const { k } = await inRoom(ada, port);
    await expectApiError(ada.session.downloadFile(k, 'f_any'), 'not_supported');
    await expectApiError(ada.session.openDownload('d_any'), 'not_supported');
    await expectApiError(ada.session.showDownload('d_any'), 'not_supported');
    await expectApiError(ada.session.mediaUrl(k, 'f_any', 'original'), 'not_supported');
  });

  it('reads profiles without the file setting as off, and keeps it across a reload', () => {
    expect(parseProfile({ displayName: 'Ada', servers: [] }).askWhereToSave).toBeUndefined();
    expect(parseProfile({ displayName: 'Ada', servers: [], askWhereToSave: 'yes' }).askWhereToSave).toBeUndefined();
    expect(parseProfile({ displayName: 'Ada', servers: [], askWhereToSave: true }).askWhereToSave).toBe(true);
    const store = new InMemoryProfileStore({ displayName: 'Ada', servers: [], askWhereToSave: true });
    expect(store.load().askWhereToSave).toBe(true);
  });
});
