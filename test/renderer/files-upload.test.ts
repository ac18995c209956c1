/**
 * The upload driver against the FakeApi (the API boundary, not our server): the file goes in
 * chunks with the SHA-256 on the last one, the bytes the fake keeps are the file's, and a lost
 * transfer resumes by itself — once — from the offset the new beginUpload answers, whether the
 * hasher can continue from its copy or must read the prefix again.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/api/proxy.ts';
import { UploadDriver, type UploadProgress } from '../../src/renderer/src/features/files/upload-driver.ts';
import { FakeApi, SERVER, sha256Of as sha256 } from './fake-api.ts';

const CHUNK = 1000;

function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7919 + (i >> 8) * 31) & 0xff;
  return bytes;
}

/** A driver whose "wait for the connection" is a gate the test opens, counting the waits. */
function driverFor(api: FakeApi, bytes: Uint8Array<ArrayBuffer>, key = 'f-test') {
  const progress: UploadProgress[] = [];
  let waits = 0;
  let reconnect: () => void = () => {};
  const driver = new UploadDriver(
    { server: SERVER, target: { room: 'r_general' }, key, file: new Blob([bytes]), name: 'data.bin' },
    {
      api,
      chunkBytes: CHUNK,
      onProgress: (p) => progress.push(p),
      waitUntilConnected: () => {
        waits++;
        return new Promise<void>((resolve) => (reconnect = resolve));
      },
    },
  );
  return { driver, progress, waits: () => waits, reconnect: () => reconnect() };
}

describe('upload driver', () => {
  it('sends the file in chunks, the SHA-256 with the last one, and the fake keeps the same bytes', async () => {
    const api = new FakeApi();
    const bytes = randomBytes(3500);
    const { driver, progress } = driverFor(api, bytes);
    const file = await driver.run();

    const writes = api.callsTo('writeUpload') as [string, string, number, number, string | undefined][];
    expect(writes.map((w) => [w[2], w[3]])).toEqual([
      [0, 1000],
      [1000, 1000],
      [2000, 1000],
      [3000, 500],
    ]);
    expect(writes.slice(0, 3).every((w) => w[4] === undefined)).toBe(true);
    expect(writes[3]![4]).toBe(await sha256(bytes));
    expect(file.sha256).toBe(await sha256(bytes));
    expect(api.files.get(file.id)!.bytes).toEqual(bytes);
    // Progress climbs to the whole size.
    expect(progress.filter((p) => p.phase === 'uploading').map((p) => p.sent)).toEqual([0, 1000, 2000, 3000]);
  });

  it('sends an empty file as one empty chunk with its hash', async () => {
    const api = new FakeApi();
    const { driver } = driverFor(api, new Uint8Array(0));
    const file = await driver.run();
    expect(file.size).toBe(0);
    expect(file.sha256).toBe(await sha256(new Uint8Array(0)));
  });

  it('resumes by itself, once, after the transfer is lost at a chunk boundary', async () => {
    const api = new FakeApi();
    const bytes = randomBytes(4200);
    api.interruptions.push({ atOffset: 2000, keep: 0 });
    const { driver, waits, reconnect } = driverFor(api, bytes);
    const running = driver.run();
    await expect.poll(() => waits()).toBe(1);
    expect(api.callsTo('beginUpload')).toHaveLength(1);
    reconnect();
    const file = await running;

    expect(waits()).toBe(1);
    expect(driver.resumes).toBe(1);
    expect(api.callsTo('beginUpload')).toHaveLength(2);
    const offsets = (api.callsTo('writeUpload') as [string, string, number][]).map((w) => w[2]);
    // The cut chunk (2000) again, then on: nothing before it is sent twice.
    expect(offsets).toEqual([0, 1000, 2000, 2000, 3000, 4000]);
    expect(api.files.get(file.id)!.bytes).toEqual(bytes);
    expect(file.sha256).toBe(await sha256(bytes));
    expect(api.files.size).toBe(1);
  });

  it('rehashes the prefix when the server kept part of the lost chunk, and resumes from there', async () => {
    const api = new FakeApi();
    const bytes = randomBytes(5000);
    api.interruptions.push({ atOffset: 3000, keep: 321 });
    const { driver, progress, reconnect, waits } = driverFor(api, bytes);
    const running = driver.run();
    await expect.poll(() => waits()).toBe(1);
    reconnect();
    const file = await running;

    const offsets = (api.callsTo('writeUpload') as [string, string, number][]).map((w) => w[2]);
    expect(offsets).toEqual([0, 1000, 2000, 3000, 3321, 4321]);
    expect(progress.some((p) => p.phase === 'hashing')).toBe(true);
    expect(progress.some((p) => p.phase === 'waiting')).toBe(true);
    expect(api.files.get(file.id)!.bytes).toEqual(bytes);
    expect(file.sha256).toBe(await sha256(bytes));
  });

  it('waits out a server that is away at the start (not_connected) and then uploads', async () => {
    const api = new FakeApi();
    api.beginUploadErrors.push(new ApiError('not_connected', 'Not connected'));
    const bytes = randomBytes(1500);
    const { driver, waits, reconnect } = driverFor(api, bytes);
    const running = driver.run();
    await expect.poll(() => waits()).toBe(1);
    reconnect();
    const file = await running;
    expect(api.files.get(file.id)!.bytes).toEqual(bytes);
  });

  it('ends with the server’s error for anything else, and Retry (run again) continues from what it holds', async () => {
    const api = new FakeApi();
    const bytes = randomBytes(2500);
    const { driver } = driverFor(api, bytes);
    api.beginUploadErrors.push(new ApiError('storage_full', "The server's storage for files is full."));
    await expect(driver.run()).rejects.toMatchObject({ code: 'storage_full' });
    expect(api.callsTo('writeUpload')).toHaveLength(0);
    const file = await driver.run();
    expect(api.files.get(file.id)!.bytes).toEqual(bytes);
  });

  it('answers the finished file when the same key was completed already (nothing is sent twice)', async () => {
    const api = new FakeApi();
    const bytes = randomBytes(1200);
    const first = await driverFor(api, bytes, 'f-same').driver.run();
    const writes = api.callsTo('writeUpload').length;
    const again = await driverFor(api, bytes, 'f-same').driver.run();
    expect(again.id).toBe(first.id);
    expect(api.callsTo('writeUpload').length).toBe(writes);
  });

  it('cancels: the fake forgets the upload and the run ends as cancelled', async () => {
    const api = new FakeApi();
    let open: () => void = () => {};
    api.writeGate = new Promise((resolve) => (open = resolve));
    const { driver } = driverFor(api, randomBytes(3000));
    const running = driver.run();
    await expect.poll(() => api.callsTo('writeUpload').length).toBe(1);
    driver.cancel();
    open();
    await expect(running).rejects.toMatchObject({ code: 'canceled' });
    expect(api.callsTo('cancelUpload')).toEqual([[SERVER, 'up_1']]);
    expect(api.uploads.size).toBe(0);
    expect(api.files.size).toBe(0);
  });
});
