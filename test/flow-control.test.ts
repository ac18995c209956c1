/**
 * Flow control and the byte budget (issue 9, defects 2 and 3), against a real server with raw
 * sockets: a client that reads is never dropped by its own replies, however many it pipelines;
 * one that stops reading is dropped as slow_consumer with a bounded queue; a client pushing large
 * frames is read no faster than its byte budget while the others are served.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServerOptions, UsageError } from '../src/main/core/cli/server-options.ts';
import { DEFAULT_LIMITS } from '../src/main/core/server/server-config.ts';
import { encodeFrame, type ParsedFrame } from '../src/main/core/framing/frame-codec.ts';
import { RawClient, cleanupAll, startServer, tempDir, waitFor } from './support/harness.ts';

afterEach(cleanupAll);

/** Limits high enough that the frame rate limit plays no part here. */
const NO_RATE_LIMIT = { ratePerSecond: 1_000_000, rateBurst: 1_000_000 };

const TEXT = 'x'.repeat(4000);

/** Alice said hello, created a room and filled it with `count` messages of 4,000 characters. */
async function roomWithHistory(port: number, count: number): Promise<{ roomId: string; alice: RawClient }> {
  const { client: alice } = await RawClient.hello(port, 'Alice');
  const created = await alice.request({ type: 'room_create', name: 'archive' });
  const roomId = (created['data'] as { room: { id: string } }).room.id;
  expect((await alice.request({ type: 'room_join', room: roomId })).type).toBe('result');
  const sends: Buffer[] = [];
  for (let i = 0; i < count; i++)
    sends.push(encodeFrame({ type: 'send', id: `s${i}`, room: roomId, msgId: `m${i}`, text: TEXT }));
  alice.writeRaw(Buffer.concat(sends));
  for (let i = 0; i < count; i++)
    expect(await alice.next((f) => f['re'] === `s${i}`)).toMatchObject({ type: 'result' });
  alice.frames.length = 0;
  return { roomId, alice };
}

/** Writes `frames` in one go, each with the id `${prefix}${i}`. */
function pipeline(client: RawClient, prefix: string, frames: Record<string, unknown>[]): void {
  client.writeRaw(Buffer.concat(frames.map((frame, i) => encodeFrame({ ...frame, id: `${prefix}${i}` }))));
}

async function repliesTo(client: RawClient, prefix: string, count: number, timeoutMs = 20_000): Promise<ParsedFrame[]> {
  const replies: ParsedFrame[] = [];
  for (let i = 0; i < count; i++) replies.push(await client.next((f) => f['re'] === `${prefix}${i}`, timeoutMs));
  return replies;
}

describe('a client that reads is never dropped by its own replies', () => {
  it('40 pipelined history requests of 200 × 4,000-character messages: all 40 results', async () => {
    const { port } = await startServer({ limits: NO_RATE_LIMIT });
    const { roomId, alice } = await roomWithHistory(port, 200);
    pipeline(
      alice,
      'h',
      Array.from({ length: 40 }, () => ({ type: 'history', room: roomId, limit: 200 })),
    );
    const replies = await repliesTo(alice, 'h', 40);
    for (const reply of replies) {
      expect(reply.type).toBe('result');
      const page = reply['data'] as { messages: { text: string }[] };
      expect(page.messages.length).toBeGreaterThan(0);
      expect(page.messages.at(-1)!.text).toBe(TEXT);
    }
    expect(alice.frames.filter((f) => f.type === 'error')).toEqual([]);
    expect(alice.closed).toBe(false);
  });

  it('20 pipelined room_list with 1,000 maximum-size rooms: all 20 results', async () => {
    const { port } = await startServer({ limits: NO_RATE_LIMIT });
    const { client: alice } = await RawClient.hello(port, 'Alice');
    // Three UTF-8 bytes per character: about 1 KB of room info per room, 1 MB per full list.
    const topic = '話'.repeat(256);
    const creates = Array.from({ length: 1000 }, (_, i) => ({
      type: 'room_create',
      name: `room ${i} `.padEnd(64, '部'),
      topic,
    }));
    pipeline(alice, 'c', creates);
    for (const reply of await repliesTo(alice, 'c', 1000)) expect(reply.type).toBe('result');
    alice.frames.length = 0;
    pipeline(
      alice,
      'l',
      Array.from({ length: 20 }, () => ({ type: 'room_list' })),
    );
    const replies = await repliesTo(alice, 'l', 20);
    for (const reply of replies) expect(reply.type).toBe('result');
    expect(alice.frames.filter((f) => f.type === 'error')).toEqual([]);
    expect(alice.closed).toBe(false);
  });
});

describe('a client held back by the server', () => {
  it('is not timed out as idle while the server is not reading it (its clocks stand still)', async () => {
    // A reply budget of 256 KiB/s makes the server hold this client's input for seconds, far
    // longer than the idle timeout; the client sends nothing more (not even pongs) meanwhile.
    const { port } = await startServer({
      limits: {
        ...NO_RATE_LIMIT,
        idleTimeoutMs: 300,
        heartbeatMs: 100,
        outBytesPerSecond: 256 * 1024,
        outBytesBurst: 64 * 1024,
      },
    });
    const { roomId, alice } = await roomWithHistory(port, 200);
    pipeline(
      alice,
      'h',
      Array.from({ length: 6 }, () => ({ type: 'history', room: roomId, limit: 20 })),
    );
    const replies = await repliesTo(alice, 'h', 6);
    for (const reply of replies) expect(reply.type).toBe('result');
    expect(alice.frames.filter((f) => f.type === 'error')).toEqual([]);
  });
});

describe('a client that stops reading', () => {
  it('is disconnected as slow_consumer after the stall timeout, with a bounded queue; the others are served', async () => {
    const { server, port } = await startServer({ limits: { ...NO_RATE_LIMIT, stallTimeoutMs: 500 } });
    const { roomId } = await roomWithHistory(port, 200);
    const { client: sloth } = await RawClient.hello(port, 'Sloth');
    const { client: bob } = await RawClient.hello(port, 'Bob');
    expect((await sloth.request({ type: 'room_join', room: roomId })).type).toBe('result');
    let slothReset = false;
    sloth.socket.on('error', () => (slothReset = true));
    sloth.socket.pause();
    const before = server.connectionCount;
    // 200 pages of ~360 KB would be ~70 MB if the server queued every reply.
    pipeline(
      sloth,
      'h',
      Array.from({ length: 200 }, () => ({ type: 'history', room: roomId, limit: 200 })),
    );
    let mostQueued = 0;
    let pings = 0;
    await waitFor(
      async () => {
        mostQueued = Math.max(mostQueued, server.pendingOutBytes);
        expect((await bob.request({ type: 'ping' })).type).toBe('result');
        pings++;
        return server.connectionCount < before;
      },
      'the server to drop the client that does not read',
      15_000,
    );
    expect(pings).toBeGreaterThan(0);
    // The high-water mark (1 MiB) plus one reply; without flow control it would reach maxQueueBytes (8 MiB).
    expect(mostQueued).toBeLessThan(3 * 1024 * 1024);
    expect(bob.closed).toBe(false);

    sloth.socket.resume();
    await sloth.waitClosed(15_000);
    // It got the first replies in order, never all of them, and no error but slow_consumer. (The
    // error frame itself may be lost: it waits behind the replies the client did not read, §5.)
    const results = sloth.frames.filter((f) => f.type === 'result' && String(f['re']).startsWith('h'));
    expect(results.map((f) => f['re'])).toEqual(results.map((_, i) => `h${i}`));
    expect(results.length).toBeLessThan(200);
    for (const e of sloth.frames.filter((f) => f.type === 'error'))
      expect(e).toMatchObject({ code: 'slow_consumer', fatal: true });
    expect(slothReset || sloth.closed).toBe(true);
  });
});

describe('the byte budget', () => {
  it('a client pushing large frames is read no faster than its budget, gets every reply, and the others are served', async () => {
    const rate = 512 * 1024;
    const burst = 64 * 1024;
    const { port } = await startServer({ limits: { ...NO_RATE_LIMIT, inBytesPerSecond: rate, inBytesBurst: burst } });
    const { client: pusher } = await RawClient.hello(port, 'Pusher');
    const { client: bob } = await RawClient.hello(port, 'Bob');
    // 40 pings of 32 KiB (unknown fields are ignored, so each is answered): 1.25 MiB, ~2.5 s of budget.
    const pad = 'p'.repeat(32 * 1024);
    const frameBytes = encodeFrame({ type: 'ping', id: 'b00', pad }).length;
    const count = 40;
    const startedAt = Date.now();
    pipeline(
      pusher,
      'b',
      Array.from({ length: count }, () => ({ type: 'ping', pad })),
    );
    // What the server can have read by now: its burst, its rate over the time since we started
    // (an upper bound of the server's own window), and one socket read (64 KiB) it had already taken.
    const allowedFrames = () => (burst + (rate * (Date.now() - startedAt)) / 1000 + 64 * 1024) / frameBytes + 1;
    const answered = () => pusher.frames.filter((f) => f.type === 'result').length;
    let bobPings = 0;
    let samples = 0;
    while (answered() < count) {
      const seen = answered();
      expect(seen).toBeLessThanOrEqual(allowedFrames());
      if (seen < count / 2) samples++;
      expect((await bob.request({ type: 'ping' })).type).toBe('result');
      bobPings++;
      expect(Date.now() - startedAt, 'every frame answered in the end').toBeLessThan(20_000);
    }
    // The bound was checked while the budget was holding the pusher back, not only at the end.
    expect(samples).toBeGreaterThan(1);
    // And so, however fast this machine: reading it all took at least what the budget allows.
    const minimumMs = ((count * frameBytes - burst - 128 * 1024) / rate) * 1000;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(minimumMs);
    expect(bobPings).toBeGreaterThan(1);
    expect(pusher.frames.filter((f) => f.type === 'error')).toEqual([]);
    expect(pusher.closed).toBe(false);
  });
});

describe('the flow-control limits in the TOML file', () => {
  const parseToml = (toml: string) => {
    const file = join(tempDir(), 'parley.toml');
    writeFileSync(file, toml);
    return parseServerOptions(['--config', file, '--data-dir', '/tmp/unused'], 'box');
  };

  it('are read from [limits], with their defaults', () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      inBytesPerSecond: 1024 * 1024,
      inBytesBurst: 2 * 1024 * 1024,
      outHighWaterBytes: 1024 * 1024,
      stallTimeoutMs: 30_000,
      outBytesPerSecond: 8 * 1024 * 1024,
      outBytesBurst: 16 * 1024 * 1024,
    });
    const options = parseToml(
      '[limits]\nin_bytes_per_second = 65536\nin_bytes_burst = 131072\nout_high_water_bytes = 262144\nstall_timeout_ms = 5000\n',
    );
    if (options === 'help') throw new Error('unexpected help');
    expect(options.config.limits).toMatchObject({
      inBytesPerSecond: 65536,
      inBytesBurst: 131072,
      outHighWaterBytes: 262144,
      stallTimeoutMs: 5000,
    });
  });

  it("the README's full config example lists every limit with its default", () => {
    const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
    const example = /```toml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('every default')))![1]!;
    const options = parseToml(example);
    if (options === 'help') throw new Error('unexpected help');
    expect(options.config.limits).toEqual(DEFAULT_LIMITS);
  });

  it('refuse values too small to work', () => {
    expect(() => parseToml('[limits]\nin_bytes_per_second = 10\n')).toThrow(UsageError);
    expect(() => parseToml('[limits]\nout_high_water_bytes = 1000\n')).toThrow(/out_high_water_bytes/);
  });
});
