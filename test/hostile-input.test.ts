/**
 * Hostile input against a real room server (127.0.0.1, port 0, SQLite in a temp folder):
 * items 1–10 and 13 of docs guide "Inputs and faults a LAN chat server must survive", plus the
 * protocol's split between non-fatal errors (one reply, connection stays open) and fatal ones
 * (error frame with fatal: true, then close). Items 11 and 12 (disk full, kill -9) live elsewhere.
 *
 * Every assertion is about what a peer observes: error frames, closes, and what other clients
 * receive. Timeouts are configured small so the tests are fast; waits are generous.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, type ParsedFrame } from '../src/main/core/framing/frame-codec.ts';
import { FATAL_ERROR_CODES, type ErrorCode } from '../src/shared/protocol/error-codes.ts';
import type { MemberLeftEvent } from '../src/shared/protocol/server-frames.ts';
import { RawClient, cleanupAll, connectClient, startServer, waitForEvent } from './support/harness.ts';

afterEach(cleanupAll);

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls `condition` every `pollMs` until it holds (throws after timeoutMs). */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000, pollMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

/** A length prefix for `length` (any 32-bit value) followed by nothing. */
function lengthPrefix(length: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(length, 0);
  return out;
}

/** A frame around arbitrary body bytes (for bodies that are not valid JSON / UTF-8). */
function rawFrame(body: Buffer): Buffer {
  return Buffer.concat([lengthPrefix(body.length), body]);
}

/** Every error frame must carry fatal: true exactly when its code is a fatal one. */
function expectConsistentError(frame: ParsedFrame): void {
  expect(frame.type).toBe('error');
  expect(typeof frame['message']).toBe('string');
  const code = frame['code'] as ErrorCode;
  if (FATAL_ERROR_CODES.has(code)) expect(frame['fatal'], `${code} must be fatal`).toBe(true);
  else expect(frame['fatal'], `${code} must not be fatal`).toBeUndefined();
}

/** The next error frame must be `code` with fatal: true, and the server must then close. */
async function expectFatal(client: RawClient, code: ErrorCode, timeoutMs = 10_000): Promise<ParsedFrame> {
  // Skip non-fatal replies that may precede it (e.g. not_authenticated while the handshake runs out).
  const isFatal = (f: ParsedFrame) => f['fatal'] === true || FATAL_ERROR_CODES.has(f['code'] as ErrorCode);
  const error = await client.next((f) => f.type === 'error' && isFatal(f), timeoutMs);
  expect(error).toMatchObject({ type: 'error', code, fatal: true });
  expectConsistentError(error);
  await client.waitClosed(timeoutMs);
  return error;
}

/** The connection is open and served: a ping gets its result. */
async function expectServed(client: RawClient): Promise<void> {
  expect(client.closed).toBe(false);
  const reply = await client.request({ type: 'ping' });
  expect(reply).toMatchObject({ type: 'result', data: {} });
}

/** Sends a request with an explicit id and returns its reply (result or error). */
async function requestWithId(client: RawClient, frame: Record<string, unknown>): Promise<ParsedFrame> {
  client.send(frame);
  return client.next((f) => f['re'] === frame['id']);
}

/** One client per name said hello; the first created a room and all joined it. */
async function room(port: number, names: string[]): Promise<{ roomId: string; clients: RawClient[]; ids: string[] }> {
  const clients: RawClient[] = [];
  const ids: string[] = [];
  for (const name of names) {
    const { client, welcome } = await RawClient.hello(port, name);
    clients.push(client);
    ids.push((welcome['user'] as { id: string }).id);
  }
  const created = await clients[0]!.request({ type: 'room_create', name: 'lobby' });
  expect(created.type).toBe('result');
  const roomId = (created['data'] as { room: { id: string } }).room.id;
  for (const client of clients) {
    const joined = await client.request({ type: 'room_join', room: roomId });
    expect(joined.type).toBe('result');
  }
  // Drop the member_joined / room_created events the joins caused.
  for (const client of clients) client.frames.length = 0;
  return { roomId, clients, ids };
}

describe('1–2. frames split across writes, many frames in one write', () => {
  it('a hello written one byte at a time is reassembled and answered', async () => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    const hello = encodeFrame({ type: 'hello', protocol: 1, name: 'Trickle' });
    for (const byte of hello) {
      client.writeRaw(Buffer.from([byte]));
      await sleep(1);
    }
    const welcome = await client.next();
    expect(welcome).toMatchObject({ type: 'welcome', protocol: 1, user: { name: 'Trickle' } });
    // A request split the same way (length prefix included) is answered too.
    const ping = encodeFrame({ type: 'ping', id: 'split' });
    for (const byte of ping) {
      client.writeRaw(Buffer.from([byte]));
      await sleep(1);
    }
    expect(await client.next()).toEqual({ type: 'result', re: 'split', data: {} });
  });

  it('a request whose length prefix is split across writes is answered', async () => {
    const { port } = await startServer();
    const { client } = await RawClient.hello(port, 'Splitter');
    const ping = encodeFrame({ type: 'ping', id: 9 });
    client.writeRaw(ping.subarray(0, 2));
    await sleep(20);
    client.writeRaw(ping.subarray(2, 5));
    await sleep(20);
    client.writeRaw(ping.subarray(5));
    expect(await client.next()).toEqual({ type: 'result', re: 9, data: {} });
  });

  it('many frames in one write are all handled, in order, none merged or lost', async () => {
    // Rate limiting is not the subject here (see item 10).
    const { port } = await startServer({ limits: { ratePerSecond: 1000, rateBurst: 1000 } });
    const { client: observer } = await RawClient.hello(port, 'Observer');
    const client = await RawClient.open(port);
    const frames: object[] = [{ type: 'hello', protocol: 1, name: 'Burst', id: 'h' }];
    for (let i = 1; i <= 40; i++) frames.push({ type: 'ping', id: i });
    frames.push({ type: 'room_create', id: 'create', name: 'burst room' });
    client.writeRaw(Buffer.concat(frames.map((f) => encodeFrame(f))));
    await waitFor(() => client.frames.length >= 42, '42 replies');
    const received = client.frames.splice(0);
    expect(received[0]).toMatchObject({ type: 'welcome', re: 'h' });
    expect(received.slice(1, 41)).toEqual(
      Array.from({ length: 40 }, (_, i) => ({ type: 'result', re: i + 1, data: {} })),
    );
    expect(received[41]).toMatchObject({ type: 'result', re: 'create', data: { room: { name: 'burst room' } } });
    const roomId = (received[41]!['data'] as { room: { id: string } }).room.id;

    // Then: join plus 30 messages in one write. Every message is stored with seqs 1..30 in the
    // order written, and another member receives all of them in that order.
    await observer.request({ type: 'room_join', room: roomId });
    const sends: object[] = [{ type: 'room_join', id: 'join', room: roomId }];
    for (let i = 1; i <= 30; i++)
      sends.push({ type: 'send', id: `s${i}`, room: roomId, msgId: `m${i}`, text: `message ${i}` });
    client.writeRaw(Buffer.concat(sends.map((f) => encodeFrame(f))));
    await waitFor(() => client.frames.filter((f) => f.type === 'result').length >= 31, '31 replies');
    const acks = client.frames.filter((f) => f.type === 'result' && String(f['re']).startsWith('s'));
    expect(acks.map((f) => f['re'])).toEqual(Array.from({ length: 30 }, (_, i) => `s${i + 1}`));
    expect(acks.map((f) => (f['data'] as { message: { seq: number } }).message.seq)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    await waitFor(() => observer.frames.filter((f) => f.type === 'message').length >= 30, 'observer gets 30 messages');
    const delivered = observer.frames
      .filter((f) => f.type === 'message')
      .map((f) => f['message'] as { seq: number; text: string });
    expect(delivered.map((m) => [m.seq, m.text])).toEqual(
      Array.from({ length: 30 }, (_, i) => [i + 1, `message ${i + 1}`]),
    );
  });
});

describe('3. oversized and zero length prefixes', () => {
  it('0xFFFFFFFF as the first bytes: bad_frame error frame, then close — without waiting for a body', async () => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    client.writeRaw(lengthPrefix(0xffffffff)); // only the 4 header bytes; the body never comes
    await expectFatal(client, 'bad_frame');
  });

  it('0xFFFFFFFF after hello: bad_frame, close, and the room sees the user leave', async () => {
    const { port } = await startServer();
    const { clients, ids } = await room(port, ['Victim', 'Watcher']);
    const [victim, watcher] = clients as [RawClient, RawClient];
    victim.writeRaw(lengthPrefix(0xffffffff));
    await expectFatal(victim, 'bad_frame');
    const left = await watcher.next((f) => f.type === 'member_left');
    expect(left).toMatchObject({ user: { id: ids[0] }, reason: 'disconnected' });
    await expectServed(watcher);
  });

  it('one byte over the configured maxFrameBytes is refused at the header; exactly the limit is served', async () => {
    const maxFrameBytes = 4096;
    const { port } = await startServer({ limits: { maxFrameBytes } });
    const { client } = await RawClient.hello(port, 'Edge');
    // Exactly maxFrameBytes of JSON (unknown fields are ignored): served.
    const skeleton = JSON.stringify({ type: 'ping', id: 1, pad: '' });
    const exact = JSON.stringify({ type: 'ping', id: 1, pad: 'p'.repeat(maxFrameBytes - skeleton.length) });
    expect(Buffer.byteLength(exact)).toBe(maxFrameBytes);
    client.writeRaw(rawFrame(Buffer.from(exact)));
    expect(await client.next()).toEqual({ type: 'result', re: 1, data: {} });
    // One byte more: refused as soon as the length prefix arrives.
    client.writeRaw(lengthPrefix(maxFrameBytes + 1));
    const error = await expectFatal(client, 'bad_frame');
    expect(error['message']).toMatch(/exceeds/);
  });

  it('a length of 0 is bad_frame, then close', async () => {
    const { port } = await startServer();
    const { client } = await RawClient.hello(port, 'Zero');
    client.writeRaw(lengthPrefix(0));
    await expectFatal(client, 'bad_frame');
  });
});

describe('4. bytes that never make a frame: bounded in size and time', () => {
  it('an HTTP request on the plain port is closed with bad_frame; others keep being served', async () => {
    const { port } = await startServer();
    const { client: bystander } = await RawClient.hello(port, 'Bystander');
    const http = await RawClient.open(port);
    http.writeRaw(Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n'));
    // 'GET ' read as a length is 0x47455420 ≈ 1.2 GB: over the limit at once.
    await expectFatal(http, 'bad_frame');
    await expectServed(bystander);
    const { client: newcomer } = await RawClient.hello(port, 'Newcomer');
    await expectServed(newcomer);
  });

  it('a TLS ClientHello on the plain port is closed with bad_frame; others keep being served', async () => {
    const { port } = await startServer();
    const { client: bystander } = await RawClient.hello(port, 'Bystander');
    const tls = await RawClient.open(port);
    // TLS record header (handshake, TLS 1.0 record version, length 0x0200), ClientHello header,
    // client version 1.2, then random bytes standing in for the rest.
    const clientHello = Buffer.concat([
      Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
      Buffer.alloc(32, 0xab),
      Buffer.from([0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00]),
    ]);
    tls.writeRaw(clientHello);
    await expectFatal(tls, 'bad_frame');
    await expectServed(bystander);
  });

  it('a plausible length whose body never arrives is closed with frame_timeout', async () => {
    const { port } = await startServer({ limits: { frameTimeoutMs: 300, handshakeTimeoutMs: 20_000 } });
    const { client: bystander } = await RawClient.hello(port, 'Bystander');
    const stuck = await RawClient.open(port);
    stuck.writeRaw(Buffer.concat([lengthPrefix(1000), Buffer.from('{"type":"hel')]));
    await expectFatal(stuck, 'frame_timeout');
    await expectServed(bystander);
  });

  it('slowloris: a frame trickled one byte at a time, slower than frameTimeoutMs, is closed with frame_timeout', async () => {
    const { port } = await startServer({ limits: { frameTimeoutMs: 400 } });
    const { client: bystander } = await RawClient.hello(port, 'Bystander');
    const { client: slowloris } = await RawClient.hello(port, 'Slowloris');
    // Bytes keep arriving (so the connection is never idle), but the frame never completes in time.
    const ping = encodeFrame({ type: 'ping', id: 'never', pad: 'x'.repeat(100) });
    const trickle = (async () => {
      for (const byte of ping.subarray(0, ping.length - 1)) {
        if (slowloris.closed) return;
        slowloris.writeRaw(Buffer.from([byte]));
        await sleep(100);
      }
    })();
    const error = await expectFatal(slowloris, 'frame_timeout');
    expect(error['message']).toMatch(/400 ms/);
    await trickle;
    // The trickled frame was never handled.
    expect(slowloris.frames.some((f) => f['re'] === 'never')).toBe(false);
    await expectServed(bystander);
  });

  it('slowloris before hello (handshake timeout longer than the frame timeout) is closed with frame_timeout', async () => {
    const { port } = await startServer({ limits: { frameTimeoutMs: 300, handshakeTimeoutMs: 20_000 } });
    const client = await RawClient.open(port);
    const hello = encodeFrame({ type: 'hello', protocol: 1, name: 'x'.repeat(30) });
    const trickle = (async () => {
      for (const byte of hello.subarray(0, hello.length - 1)) {
        if (client.closed) return;
        client.writeRaw(Buffer.from([byte]));
        await sleep(100);
      }
    })();
    await expectFatal(client, 'frame_timeout');
    await trickle;
  });
});

describe('5. NUL bytes and invalid UTF-8', () => {
  it.each([
    ['0xFF inside the text', Buffer.from([0xff])],
    ['a lone continuation byte', Buffer.from([0x80])],
    ['an overlong NUL (C0 80)', Buffer.from([0xc0, 0x80])],
    ['a UTF-8 encoded surrogate', Buffer.from([0xed, 0xa0, 0x80])],
    ['a truncated sequence', Buffer.from([0xe2, 0x82])],
    ['a raw NUL byte inside the JSON string', Buffer.from([0x00])],
  ])('%s: bad_frame and close, never a silently dropped message', async (_label, bad) => {
    const { port } = await startServer();
    const { roomId, clients, ids } = await room(port, ['Sender', 'Reader']);
    const [sender, reader] = clients as [RawClient, RawClient];
    const body = Buffer.concat([
      Buffer.from(`{"type":"send","id":1,"room":"${roomId}","msgId":"bad","text":"before`),
      bad,
      Buffer.from('after"}'),
    ]);
    sender.writeRaw(rawFrame(body));
    const error = await expectFatal(sender, 'bad_frame');
    expect(error['message']).toMatch(/UTF-8|JSON/);
    const left = await reader.next((f) => f.type === 'member_left');
    expect(left).toMatchObject({ user: { id: ids[0] }, reason: 'disconnected' });
    // Nothing was stored or delivered.
    const history = await reader.request({ type: 'history', room: roomId });
    expect(history).toMatchObject({ type: 'result', data: { messages: [] } });
    expect(reader.frames.some((f) => f.type === 'message')).toBe(false);
  });

  it('invalid UTF-8 before hello is bad_frame too', async () => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    client.writeRaw(rawFrame(Buffer.from([0x7b, 0xfe, 0xff, 0x7d])));
    await expectFatal(client, 'bad_frame');
  });

  it('an escaped NUL (\\u0000) in message text is a text_invalid reply; the connection stays open', async () => {
    const { port } = await startServer();
    const { roomId, clients } = await room(port, ['Sender', 'Reader']);
    const [sender, reader] = clients as [RawClient, RawClient];
    for (const text of ['nul\u0000inside', '\u0000', 'bell\u0007', 'escape\u001b[31mred', 'c1\u0085']) {
      const reply = await sender.request({
        type: 'send',
        room: roomId,
        msgId: `m-${text.length}-${text.charCodeAt(3)}`,
        text,
      });
      expect(reply).toMatchObject({ type: 'error', code: 'text_invalid' });
      expect(reply['re']).toBeDefined();
      expectConsistentError(reply);
    }
    // Still open; the next good message is seq 1 (the refused ones consumed nothing) and arrives.
    const ok = await sender.request({ type: 'send', room: roomId, msgId: 'good', text: 'line one\n\tline two' });
    expect(ok).toMatchObject({ type: 'result', data: { message: { seq: 1, text: 'line one\n\tline two' } } });
    const delivered = await reader.next((f) => f.type === 'message');
    expect(delivered).toMatchObject({ message: { seq: 1, text: 'line one\n\tline two' } });
    expect(reader.frames.filter((f) => f.type === 'message')).toEqual([]);
  });

  it('unpaired surrogates (valid JSON escapes, no UTF-8 form) are refused; history matches what was delivered', async () => {
    const { port } = await startServer();
    const { roomId, clients } = await room(port, ['Sender', 'Reader']);
    const [sender, reader] = clients as [RawClient, RawClient];
    // JSON.stringify writes a lone surrogate as the escape "\ud800": valid UTF-8 on the wire.
    for (const text of ['lone \ud800 high', 'lone \udc00 low', 'reversed \ude00\ud83d pair']) {
      const reply = await sender.request({ type: 'send', room: roomId, msgId: `m${text.length}`, text });
      expect(reply).toMatchObject({ type: 'error', code: 'text_invalid' });
    }
    const badName = await requestWithId(await RawClient.open(port), {
      type: 'hello',
      id: 1,
      protocol: 1,
      name: 'Eve\udc00',
    });
    expect(badName).toMatchObject({ type: 'error', code: 'name_invalid', re: 1 });
    const badRoom = await sender.request({ type: 'room_create', name: 'room \ud800' });
    expect(badRoom).toMatchObject({ type: 'error', code: 'room_name_invalid' });
    // A properly paired escape is one astral character: accepted, delivered and stored identically.
    const ok = await sender.request({ type: 'send', room: roomId, msgId: 'pair', text: 'smile \ud83d\ude00' });
    expect(ok).toMatchObject({ type: 'result', data: { message: { seq: 1, text: 'smile 😀' } } });
    expect(await reader.next((f) => f.type === 'message')).toMatchObject({ message: { seq: 1, text: 'smile 😀' } });
    const history = await reader.request({ type: 'history', room: roomId });
    expect((history['data'] as { messages: { text: string }[] }).messages.map((m) => m.text)).toEqual(['smile 😀']);
  });

  it('a NUL in a name or room name is refused with a clear error, not stored', async () => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    const reply = await requestWithId(client, { type: 'hello', id: 'h', protocol: 1, name: 'Ada\u0000Admin' });
    expect(reply).toMatchObject({ type: 'error', code: 'name_invalid', re: 'h' });
    expectConsistentError(reply);
    const welcome = await requestWithId(client, { type: 'hello', id: 'h2', protocol: 1, name: 'Ada' });
    expect(welcome).toMatchObject({ type: 'welcome', user: { name: 'Ada' } });
    const roomReply = await client.request({ type: 'room_create', name: 'lob\u0000by' });
    expect(roomReply).toMatchObject({ type: 'error', code: 'room_name_invalid' });
    const list = await client.request({ type: 'room_list' });
    expect(list).toMatchObject({ type: 'result', data: { rooms: [] } });
  });
});

describe('6. a client that never finishes the handshake', () => {
  it('silent after connecting: handshake_timeout after the configured time, then close', async () => {
    const { port } = await startServer({ limits: { handshakeTimeoutMs: 200 } });
    const client = await RawClient.open(port);
    const started = Date.now();
    const error = await expectFatal(client, 'handshake_timeout');
    expect(error['message']).toMatch(/200 ms/);
    // Not before the configured time (minus timer granularity).
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('busy but never saying hello: every request is not_authenticated, and the handshake still times out', async () => {
    const { port } = await startServer({ limits: { handshakeTimeoutMs: 300 } });
    const client = await RawClient.open(port);
    const pinging = (async () => {
      for (let i = 1; i <= 50 && !client.closed; i++) {
        client.send({ type: 'ping', id: i });
        await sleep(40);
      }
    })();
    await expectFatal(client, 'handshake_timeout');
    await pinging;
    const replies = client.frames;
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) expect(reply).toMatchObject({ type: 'error', code: 'not_authenticated' });
  });
});

describe('7. a slow reader', () => {
  it('is disconnected as slow_consumer with a bounded queue, while the others receive every message in order', async () => {
    const maxQueueBytes = 64 * 1024;
    const { port } = await startServer({ limits: { maxQueueBytes, ratePerSecond: 1_000_000, rateBurst: 1_000_000 } });
    const { roomId, clients, ids } = await room(port, ['Alice', 'Bob', 'Sloth']);
    const [alice, bob, sloth] = clients as [RawClient, RawClient, RawClient];
    let slothReset = false;
    sloth.socket.on('error', () => (slothReset = true));
    sloth.socket.pause();

    // Bursts are sized so that what one tick queues for a *reading* client (its acks plus the
    // other's messages, 20 × ~2 KB) stays below maxQueueBytes: only Sloth falls behind.
    const pad = 'x'.repeat(2000);
    const textOf = (who: string, i: number) => `${who} ${i} ${pad}`;
    const sent = { a: 0, b: 0 };
    const slothGone = () =>
      alice.frames.some((f) => f.type === 'member_left' && (f['user'] as { id: string }).id === ids[2]);
    const acks = (client: RawClient) => client.frames.filter((f) => f.type === 'result').length;
    const burst = (client: RawClient, who: 'a' | 'b', count: number) => {
      const frames: Buffer[] = [];
      for (let n = 0; n < count; n++) {
        const i = ++sent[who];
        frames.push(
          encodeFrame({ type: 'send', id: `${who}${i}`, room: roomId, msgId: `${who}${i}`, text: textOf(who, i) }),
        );
      }
      client.writeRaw(Buffer.concat(frames));
    };
    // Alice and Bob chat in bursts until the server drops Sloth (cap: ~40 MB of traffic to Sloth).
    let rounds = 0;
    while (!slothGone()) {
      expect(rounds++, 'the slow reader was never disconnected').toBeLessThan(1000);
      burst(alice, 'a', 10);
      burst(bob, 'b', 10);
      await waitFor(() => acks(alice) === sent.a && acks(bob) === sent.b, 'acks for a burst', 10_000, 2);
    }
    // A few more bursts after the drop: nobody else is affected.
    for (let i = 0; i < 3; i++) {
      burst(alice, 'a', 10);
      burst(bob, 'b', 10);
      await waitFor(() => acks(alice) === sent.a && acks(bob) === sent.b, 'acks after the drop');
    }
    const total = sent.a + sent.b;

    // Everyone else saw Sloth leave as disconnected.
    for (const client of [alice, bob]) {
      const left = client.frames.find((f) => f.type === 'member_left');
      expect(left).toMatchObject({ room: roomId, user: { id: ids[2] }, reason: 'disconnected' });
      expect(client.closed).toBe(false);
    }

    // Alice and Bob: every message exactly once, in seq order, with the right text.
    const check = (client: RawClient, self: 'a' | 'b', other: 'a' | 'b') => {
      const seqs = new Map<number, string>();
      const events: { seq: number; text: string; msgId: string }[] = [];
      for (const f of client.frames) {
        if (f.type === 'result') {
          const m = (f['data'] as { message: { seq: number; text: string; msgId: string } }).message;
          expect(m.msgId).toBe(f['re']);
          expect(seqs.has(m.seq)).toBe(false);
          seqs.set(m.seq, m.msgId);
        } else if (f.type === 'message') {
          const m = f['message'] as { seq: number; text: string; msgId: string };
          events.push(m);
          expect(seqs.has(m.seq)).toBe(false);
          seqs.set(m.seq, m.msgId);
        }
      }
      expect(seqs.size).toBe(total);
      expect([...seqs.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      // Live events arrive in increasing seq order, and they are exactly the other's messages in send order.
      expect(events.map((m) => m.seq)).toEqual([...events.map((m) => m.seq)].sort((x, y) => x - y));
      expect(events.map((m) => m.msgId)).toEqual(Array.from({ length: sent[other] }, (_, i) => `${other}${i + 1}`));
      for (const m of events) expect(m.text).toBe(textOf(other, Number(m.msgId.slice(1))));
      expect(sent[self]).toBeGreaterThan(0);
    };
    check(alice, 'a', 'b');
    check(bob, 'b', 'a');

    // Sloth reads again: its connection ends; if it ended gracefully, the last frame says why.
    sloth.socket.resume();
    await sloth.waitClosed(15_000);
    const slothErrors = sloth.frames.filter((f) => f.type === 'error');
    for (const e of slothErrors) expect(e).toMatchObject({ code: 'slow_consumer', fatal: true });
    if (!slothReset) {
      expect(sloth.frames.at(-1)).toMatchObject({ type: 'error', code: 'slow_consumer', fatal: true });
    }
    // Sloth got a prefix of the conversation, in order, and nothing after its queue overflowed.
    const slothSeqs = sloth.frames
      .filter((f) => f.type === 'message')
      .map((f) => (f['message'] as { seq: number }).seq);
    expect(slothSeqs).toEqual(Array.from({ length: slothSeqs.length }, (_, i) => i + 1));
    expect(slothSeqs.length).toBeLessThan(total);
  });
});

describe('8. a client that vanishes mid-frame', () => {
  it.each([
    ['reset (RST)', (c: RawClient) => c.socket.resetAndDestroy()],
    ['closed (FIN)', (c: RawClient) => c.socket.end()],
  ])(
    '%s after half a frame: its rooms see it leave, the half frame is dropped, later senders are unaffected',
    async (_label, vanish) => {
      const { server, port } = await startServer();
      const alice = await connectClient(port, 'Alice');
      const { room: info } = await alice.createRoom('lobby');
      await alice.joinRoom(info.id);
      const bob = await connectClient(port, 'Bob');
      await bob.joinRoom(info.id);
      const { client: ghost, welcome } = await RawClient.hello(port, 'Ghost');
      const ghostId = (welcome['user'] as { id: string }).id;
      await ghost.request({ type: 'room_join', room: info.id });
      await waitFor(() => server.connectionCount === 3, 'three connections');

      const aliceSawLeave = waitForEvent<MemberLeftEvent>(alice, 'member_left', (e) => e.user.id === ghostId);
      const bobSawLeave = waitForEvent<MemberLeftEvent>(bob, 'member_left', (e) => e.user.id === ghostId);
      const half = encodeFrame({
        type: 'send',
        id: 1,
        room: info.id,
        msgId: 'ghost',
        text: 'half a message from a ghost',
      });
      ghost.writeRaw(half.subarray(0, Math.floor(half.length / 2)));
      await sleep(50);
      vanish(ghost);

      for (const left of await Promise.all([aliceSawLeave, bobSawLeave])) {
        expect(left).toMatchObject({ room: info.id, user: { id: ghostId, name: 'Ghost' }, reason: 'disconnected' });
      }
      await waitFor(() => server.connectionCount === 2, 'the dead connection to be gone');

      // Later senders are unaffected: Bob's messages are acknowledged and reach Alice, in order.
      const received: string[] = [];
      alice.on('message', (m) => received.push(m.text));
      for (let i = 1; i <= 5; i++) {
        const message = await bob.sendMessage({ room: info.id }, `after the ghost ${i}`);
        expect(message.seq).toBe(i);
      }
      await waitFor(() => received.length === 5, 'Alice to receive 5 messages');
      expect(received).toEqual([1, 2, 3, 4, 5].map((i) => `after the ghost ${i}`));
      const members = await alice.members(info.id);
      expect(members.members.map((m) => m.name).sort()).toEqual(['Alice', 'Bob']);
      const history = await alice.history({ room: info.id });
      expect(history.messages.map((m) => m.text)).not.toContain('half a message from a ghost');
      expect(history.messages).toHaveLength(5);
    },
  );
});

describe('9. many connections at once', () => {
  it('1000 connections opened at once are all served, none hang', { timeout: 60_000 }, async () => {
    const { server, port } = await startServer({ limits: { maxConnectionsPerIp: 2000 } });
    const count = 1000;
    const clients = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const client = await RawClient.open(port);
        client.send({ type: 'hello', protocol: 1, name: `user${i}` });
        return client;
      }),
    );
    const outcomes = await Promise.all(
      clients.map((c) => c.next((f) => f.type === 'welcome' || f.type === 'error', 30_000)),
    );
    const refused = outcomes.filter((f) => f.type === 'error');
    // Each is either welcomed or refused cleanly (too_many_connections, fatal) — with these limits, none is refused.
    for (const f of refused) expect(f).toMatchObject({ code: 'too_many_connections', fatal: true });
    expect(refused).toHaveLength(0);
    expect(new Set(outcomes.map((f) => (f['user'] as { name: string }).name)).size).toBe(count);
    expect(server.connectionCount).toBe(count);
    // All of them are still served.
    const replies = await Promise.all(clients.map((c) => c.request({ type: 'ping' })));
    for (const r of replies) expect(r.type).toBe('result');
  });

  it('with maxConnections 50, 100 at once: 50 served, 50 refused cleanly (error frame + close)', async () => {
    const { server, port } = await startServer({ limits: { maxConnections: 50, maxConnectionsPerIp: 1000 } });
    const clients = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const client = await RawClient.open(port);
        client.send({ type: 'hello', protocol: 1, name: `user${i}` });
        return client;
      }),
    );
    const outcomes = await Promise.all(
      clients.map((c) => c.next((f) => f.type === 'welcome' || f.type === 'error', 20_000)),
    );
    const served = clients.filter((_, i) => outcomes[i]!.type === 'welcome');
    const refused = clients.filter((_, i) => outcomes[i]!.type === 'error');
    expect(served).toHaveLength(50);
    expect(refused).toHaveLength(50);
    for (const [i, f] of outcomes.entries()) {
      if (f.type === 'error') {
        expect(f).toMatchObject({ code: 'too_many_connections', fatal: true });
        await clients[i]!.waitClosed();
      }
    }
    for (const client of served) await expectServed(client);
    expect(server.connectionCount).toBe(50);

    // Full: one more is refused; after one served client leaves, a newcomer is served.
    const extra = await RawClient.open(port);
    await expectFatal(extra, 'too_many_connections');
    served[0]!.socket.destroy();
    await waitFor(() => server.connectionCount === 49, 'a free slot');
    const { welcome } = await RawClient.hello(port, 'Latecomer');
    expect(welcome).toMatchObject({ type: 'welcome', user: { name: 'Latecomer' } });
  });

  it('maxConnectionsPerIp 3: the 4th connection from the same address gets too_many_connections', async () => {
    const { server, port } = await startServer({ limits: { maxConnectionsPerIp: 3 } });
    const first = [];
    for (let i = 0; i < 3; i++) first.push((await RawClient.hello(port, `peer${i}`)).client);
    const fourth = await RawClient.open(port);
    await expectFatal(fourth, 'too_many_connections');
    for (const client of first) await expectServed(client);
    // A freed slot can be used again.
    first[0]!.socket.destroy();
    await waitFor(() => server.connectionCount === 2, 'a free slot');
    const { client: again } = await RawClient.hello(port, 'peer-again');
    await expectServed(again);
  });
});

describe('10. a flooding client', () => {
  it('gets rate_limited replies (with re) for the excess, stays connected, and nobody else is affected', async () => {
    const { port } = await startServer({ limits: { ratePerSecond: 5, rateBurst: 5 } });
    const { client: flooder } = await RawClient.hello(port, 'Flooder');
    const { client: neighbour } = await RawClient.hello(port, 'Neighbour');
    const flood = Buffer.concat(Array.from({ length: 100 }, (_, i) => encodeFrame({ type: 'ping', id: i + 1 })));
    const floodStarted = Date.now();
    flooder.writeRaw(flood);
    // The neighbour asks at the same moment and is answered normally.
    const neighbourReplies = await Promise.all([1, 2, 3].map(() => neighbour.request({ type: 'ping' })));
    for (const r of neighbourReplies) expect(r).toMatchObject({ type: 'result' });

    await waitFor(() => flooder.frames.length >= 100, '100 replies to the flood');
    const floodSeconds = (Date.now() - floodStarted) / 1000;
    const replies = flooder.frames.splice(0);
    expect(replies).toHaveLength(100);
    // One reply per request, in request order.
    expect(replies.map((r) => r['re'])).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const results = replies.filter((r) => r.type === 'result');
    const limited = replies.filter((r) => r.type === 'error');
    for (const r of limited) {
      expect(r).toMatchObject({ code: 'rate_limited' });
      expectConsistentError(r);
    }
    // The burst (5, one spent on hello) plus whatever refilled while the flood was handled.
    expect(results.length).toBeGreaterThanOrEqual(1);
    expect(results.length).toBeLessThanOrEqual(5 + Math.ceil(floodSeconds * 5));
    expect(limited.length).toBe(100 - results.length);
    expect(flooder.closed).toBe(false);

    // Once tokens refill the flooder is served again (retry until a token is there).
    for (let attempt = 0; ; attempt++) {
      const reply = await flooder.request({ type: 'ping' });
      if (reply.type === 'result') break;
      expect(reply).toMatchObject({ code: 'rate_limited' });
      expect(attempt).toBeLessThan(40);
      await sleep(250);
    }
    await expectServed(neighbour);
  });
});

describe('13. small replies are not delayed by Nagle', () => {
  it('request/reply round trips on an idle connection take far less than a 40 ms delayed ACK', async () => {
    const { port } = await startServer();
    const { client } = await RawClient.hello(port, 'Latency');
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    // Warm up (JIT, first SQLite touches).
    for (let i = 0; i < 5; i++) await client.request({ type: 'ping' });

    const single: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await client.request({ type: 'ping' });
      single.push(performance.now() - t0);
    }
    // Two requests written separately in quick succession: two replies in two server writes,
    // where Nagle would hold the second until the first is acknowledged.
    const paired: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const first = client.request({ type: 'ping' });
      await new Promise((done) => setImmediate(done));
      const second = client.request({ type: 'ping' });
      await Promise.all([first, second]);
      paired.push(performance.now() - t0);
    }
    expect(median(single)).toBeLessThan(20);
    expect(median(paired)).toBeLessThan(20);
  });
});

describe('heartbeat and idle timeout', () => {
  it('a client answering pings stays connected; one that never answers is closed with idle_timeout', async () => {
    const { port } = await startServer({ limits: { heartbeatMs: 100, idleTimeoutMs: 300 } });
    const { client: responsive } = await RawClient.hello(port, 'Responsive');
    let pings = 0;
    responsive.socket.on('data', () => {
      // RawClient's own listener ran first and parsed the frames.
      for (let i = responsive.frames.length - 1; i >= 0; i--) {
        if (responsive.frames[i]!.type === 'ping') {
          responsive.frames.splice(i, 1);
          pings++;
          responsive.send({ type: 'pong' });
        }
      }
    });
    const { client: silent } = await RawClient.hello(port, 'Silent');
    const started = Date.now();
    const error = await expectFatal(silent, 'idle_timeout');
    expect(error['message']).toMatch(/300 ms/);
    expect(silent.frames.filter((f) => f.type !== 'ping')).toEqual([]);

    const elapsed = Date.now() - started;
    if (elapsed < 1200) await sleep(1200 - elapsed);
    expect(responsive.closed).toBe(false);
    expect(pings).toBeGreaterThanOrEqual(3);
    await expectServed(responsive);
  });
});

describe('handshake rules', () => {
  it('protocol version 2 in hello: protocol_unsupported, fatal, close', async () => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    client.send({ type: 'hello', id: 'h', protocol: 2, name: 'Future' });
    await expectFatal(client, 'protocol_unsupported');
  });

  it.each([
    ['a BEL control character', 'bad\u0007name'],
    ['a newline', 'two\nlines'],
    ['a tab', 'tab\tname'],
    ['DEL', 'del\u007f'],
    ['a C1 control (NEL)', 'c1\u0085'],
    ['a bidi override', 'evil\u202egnp.exe'],
    ['a line separator', 'a\u2028b'],
    ['the empty string', ''],
    ['only spaces', '    '],
    ['33 characters', 'x'.repeat(33)],
    ['33 emoji (33 code points)', '🙂'.repeat(33)],
  ])('a name with %s is name_invalid (non-fatal; a valid hello then works)', async (_label, name) => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    const reply = await requestWithId(client, { type: 'hello', id: 'bad', protocol: 1, name });
    expect(reply).toMatchObject({ type: 'error', code: 'name_invalid', re: 'bad' });
    expectConsistentError(reply);
    const welcome = await requestWithId(client, { type: 'hello', id: 'good', protocol: 1, name: 'Fine' });
    expect(welcome).toMatchObject({ type: 'welcome', user: { name: 'Fine' } });
  });

  it('32 characters (and 32 emoji) are accepted as names', async () => {
    const { port } = await startServer();
    for (const name of ['y'.repeat(32), '🙂'.repeat(32)]) {
      const { welcome } = await RawClient.hello(port, name);
      expect(welcome).toMatchObject({ user: { name } });
    }
  });

  it('names are compared after NFC: "e\\u0301" and "\\u00e9" are the same name', async () => {
    const { port } = await startServer();
    const { client: first, welcome } = await RawClient.hello(port, 'Rene\u0301');
    // The server normalizes to NFC.
    expect((welcome['user'] as { name: string }).name).toBe('Ren\u00e9');
    const second = await RawClient.open(port);
    const reply = await requestWithId(second, { type: 'hello', id: 1, protocol: 1, name: 'Ren\u00e9' });
    expect(reply).toMatchObject({ type: 'error', code: 'name_taken', re: 1 });
    expectConsistentError(reply);
    // Once the first leaves, the name is free again (retry: the server notices the close asynchronously).
    first.socket.destroy();
    for (let attempt = 2; ; attempt++) {
      const again = await requestWithId(second, { type: 'hello', id: attempt, protocol: 1, name: 'Ren\u00e9' });
      if (again.type === 'welcome') break;
      expect(again).toMatchObject({ code: 'name_taken' });
      expect(attempt).toBeLessThan(100);
      await sleep(50);
    }
  });

  it('names are case-insensitive: "ADA" and "ada" clash', async () => {
    const { port } = await startServer();
    await RawClient.hello(port, 'ADA');
    const second = await RawClient.open(port);
    const reply = await requestWithId(second, { type: 'hello', id: 'x', protocol: 1, name: 'ada' });
    expect(reply).toMatchObject({ type: 'error', code: 'name_taken', re: 'x' });
    // Surrounding whitespace is trimmed before comparing, too.
    const padded = await requestWithId(second, { type: 'hello', id: 'y', protocol: 1, name: '  Ada ' });
    expect(padded).toMatchObject({ type: 'error', code: 'name_taken', re: 'y' });
    await expectServed(await RawClient.hello(port, 'Grace').then((r) => r.client));
  });
});

describe('non-fatal errors answer one request; fatal ones close', () => {
  it('requests before hello: not_authenticated with re; hello afterwards still works', async () => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    for (const frame of [
      { type: 'ping', id: 1 },
      { type: 'room_list', id: 2 },
      { type: 'send', id: 3, room: 'r', msgId: 'm', text: 'sneaky' },
      { type: 'room_create', id: 4, name: 'sneaky' },
    ]) {
      const reply = await requestWithId(client, frame);
      expect(reply).toMatchObject({ type: 'error', code: 'not_authenticated', re: frame.id });
      expectConsistentError(reply);
    }
    const welcome = await requestWithId(client, { type: 'hello', id: 5, protocol: 1, name: 'Late' });
    expect(welcome).toMatchObject({ type: 'welcome', re: 5, rooms: [] });
  });

  it('unknown types, invalid fields and a second hello are answered with re and the connection stays open', async () => {
    const { port } = await startServer();
    const { client } = await RawClient.hello(port, 'Prober');
    const cases: [Record<string, unknown>, ErrorCode][] = [
      [{ type: 'teleport', id: 1 }, 'unknown_type'],
      [{ type: 'x'.repeat(10_000), id: 2 }, 'unknown_type'],
      [{ type: '__proto__', id: 3 }, 'unknown_type'],
      [{ type: 'constructor', id: 4 }, 'unknown_type'],
      [{ type: 'send', id: 5, room: 'r', msgId: 'm', text: 5 }, 'bad_request'],
      [{ type: 'send', id: 6, room: 'r', user: 'u', msgId: 'm', text: 'both targets' }, 'bad_request'],
      [{ type: 'send', id: 7, msgId: 'm', text: 'no target' }, 'bad_request'],
      [{ type: 'room_join', id: 8 }, 'bad_request'],
      [{ type: 'room_join', id: 9, room: 'r', limit: -1 }, 'bad_request'],
      [{ type: 'history', id: 10, room: 'r', before: 5, after: 1 }, 'bad_request'],
      [{ type: 'room_create', id: 11, name: ['array'] }, 'bad_request'],
      [{ type: 'history', id: 12, room: 'r', limit: 1.5 }, 'bad_request'],
      [{ type: 'hello', id: 13, protocol: 1, name: 'Prober' }, 'already_authenticated'],
      [{ type: 'room_join', id: 14, room: 'no-such-room' }, 'room_not_found'],
    ];
    for (const [frame, code] of cases) {
      const reply = await requestWithId(client, frame);
      expect(reply, JSON.stringify(frame).slice(0, 100)).toMatchObject({ type: 'error', code, re: frame['id'] });
      expectConsistentError(reply);
      expect(client.closed).toBe(false);
    }
    // The type in an unknown_type message is cut short, not echoed in full.
    client.send({ type: 'y'.repeat(100_000), id: 'long' });
    const long = await client.next((f) => f['re'] === 'long');
    expect(long).toMatchObject({ code: 'unknown_type' });
    expect((long['message'] as string).length).toBeLessThan(200);
    // A frame with no usable id still gets an error, just without re.
    client.send({ type: 'teleport' });
    client.send({ type: 'ping', id: { not: 'an id' } });
    const noRe = [await client.next((f) => f.type === 'error'), await client.next((f) => f.type === 'error')];
    expect(noRe[0]).toMatchObject({ code: 'unknown_type' });
    expect(noRe[1]).toMatchObject({ code: 'bad_request' });
    for (const e of noRe) expect(e['re']).toBeUndefined();
    await expectServed(client);
  });

  it('fatal input on one connection never affects another', async () => {
    const { port } = await startServer();
    const { roomId, clients } = await room(port, ['Steady', 'Chaos']);
    const [steady, chaos] = clients as [RawClient, RawClient];
    chaos.writeRaw(Buffer.concat([encodeFrame({ type: 'ping', id: 'before' }), rawFrame(Buffer.from('[1,2,3]'))]));
    // Frames before the bad one are still answered; then bad_frame and close.
    expect(await chaos.next()).toEqual({ type: 'result', re: 'before', data: {} });
    await expectFatal(chaos, 'bad_frame');
    const sent = await steady.request({ type: 'send', room: roomId, msgId: 'calm', text: 'all is well' });
    expect(sent).toMatchObject({ type: 'result', data: { message: { seq: 1, text: 'all is well' } } });
  });
});
