/**
 * Claims docs/PROTOCOL.md makes that a client written from the document alone relies on
 * (issue 8, bug 11): every length bound counts Unicode code points, the history size cap refuses
 * messages only, protocol_unsupported never carries `re`, a hello with a malformed id, and what a
 * half-closed connection gets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '../src/main/core/framing/frame-codec.ts';
import { cleanupAll, RawClient, startServer } from './support/harness.ts';

afterEach(cleanupAll);

const emoji = (n: number) => '👋'.repeat(n); // one code point, two UTF-16 units each

describe('length bounds count code points (§2, §14.2)', () => {
  it('accepts a msgId of 64 code points (128 UTF-16 units) and refuses 65 with bad_request', async () => {
    const { port } = await startServer();
    const { client } = await RawClient.hello(port, 'Ada');
    const ok = await client.request({ type: 'send', user: 'u_x', msgId: emoji(64), text: 'hi' });
    expect(ok).toMatchObject({ type: 'error', code: 'user_not_found' }); // got past the schema
    const tooLong = await client.request({ type: 'send', user: 'u_x', msgId: emoji(65), text: 'hi' });
    expect(tooLong).toMatchObject({ type: 'error', code: 'bad_request' });
  });

  it('echoes a string request id of 64 code points; 65 gets bad_request without re', async () => {
    const { port } = await startServer();
    const { client } = await RawClient.hello(port, 'Ada');
    client.send({ type: 'ping', id: emoji(64) });
    expect(await client.next((f) => f.type === 'result')).toMatchObject({ re: emoji(64) });
    client.send({ type: 'ping', id: emoji(65) });
    const error = await client.next((f) => f.type === 'error');
    expect(error).toMatchObject({ code: 'bad_request' });
    expect('re' in error).toBe(false);
  });

  it('bounds hello.client at 64 code points', async () => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    client.send({ type: 'hello', id: 1, protocol: 1, name: 'Ada', client: emoji(65) });
    expect(await client.next((f) => f['re'] === 1)).toMatchObject({ type: 'error', code: 'bad_request' });
    client.send({ type: 'hello', id: 2, protocol: 1, name: 'Ada', client: emoji(64) });
    expect(await client.next((f) => f['re'] === 2)).toMatchObject({ type: 'welcome' });
  });

  it('applies the name pre-bound (256 code points) before the name rule (32 code points)', async () => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    // 129 emoji = 258 UTF-16 units but 129 code points: within the pre-bound, too long a name.
    client.send({ type: 'hello', id: 1, protocol: 1, name: emoji(129) });
    expect(await client.next((f) => f['re'] === 1)).toMatchObject({ code: 'name_invalid' });
    client.send({ type: 'hello', id: 2, protocol: 1, name: 'a'.repeat(257) });
    expect(await client.next((f) => f['re'] === 2)).toMatchObject({ code: 'bad_request' });
    const { client: ada } = await RawClient.hello(port, 'Ada');
    expect(await ada.request({ type: 'room_create', name: emoji(300) })).toMatchObject({ code: 'room_name_invalid' });
    expect(await ada.request({ type: 'room_create', name: 'a'.repeat(513) })).toMatchObject({ code: 'bad_request' });
    expect(await ada.request({ type: 'room_create', name: 'T', topic: emoji(1000) })).toMatchObject({
      code: 'topic_invalid',
    });
    expect(await ada.request({ type: 'room_create', name: 'T', topic: 'a'.repeat(2049) })).toMatchObject({
      code: 'bad_request',
    });
  });

  it('refuses strings with an unpaired surrogate in ids with bad_request', async () => {
    const { port } = await startServer();
    const { client } = await RawClient.hello(port, 'Ada');
    const reply = await client.request({ type: 'send', user: 'u_x', msgId: 'a\ud800b', text: 'hi' });
    expect(reply).toMatchObject({ type: 'error', code: 'bad_request' });
  });
});

describe('hello edge cases (§7.1, §6.1)', () => {
  it('answers protocol_unsupported without re, even when the hello had a valid id', async () => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    client.send({ type: 'hello', id: 7, protocol: 2, name: 'Ada' });
    const error = await client.next((f) => f.type === 'error');
    expect(error).toMatchObject({ code: 'protocol_unsupported', fatal: true });
    expect('re' in error).toBe(false);
    await client.waitClosed();
  });

  it('answers a hello with a malformed id with bad_request without re, and keeps waiting for hello', async () => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    client.send({ type: 'hello', id: 1.5, protocol: 1, name: 'Ada' });
    const error = await client.next((f) => f.type === 'error');
    expect(error).toMatchObject({ code: 'bad_request' });
    expect('re' in error).toBe(false);
    client.send({ type: 'hello', id: 2, protocol: 1, name: 'Ada' });
    expect(await client.next((f) => f['re'] === 2)).toMatchObject({ type: 'welcome' });
  });
});

describe('history size cap (§14.1)', () => {
  it('refuses messages once history is full, while rooms, renames and hellos still succeed', async () => {
    const { port } = await startServer({ maxHistoryBytes: 64 * 1024 });
    const { client: ada } = await RawClient.hello(port, 'Ada');
    const room = ((await ada.request({ type: 'room_create', name: 'Full' }))['data'] as { room: { id: string } }).room;
    await ada.request({ type: 'room_join', room: room.id });
    let code = '';
    for (let i = 0; i < 2000 && code !== 'storage_failed'; i++) {
      const reply = await ada.request({ type: 'send', room: room.id, msgId: `m${i}`, text: `${i} ${'z'.repeat(300)}` });
      if (reply.type === 'error') code = reply['code'] as string;
    }
    expect(code).toBe('storage_failed');
    for (let i = 0; i < 20; i++) {
      expect(await ada.request({ type: 'room_create', name: `After ${i}`, topic: 't'.repeat(200) })).toMatchObject({
        type: 'result',
      });
    }
    expect(await ada.request({ type: 'rename', name: 'Ada Lovelace' })).toMatchObject({ type: 'result' });
    for (let i = 0; i < 20; i++) {
      const { welcome } = await RawClient.hello(port, `Newcomer ${i}`);
      expect(welcome['type']).toBe('welcome');
    }
  });
});

describe('a half-closed connection (§4.4)', () => {
  it('gets the replies to what it sent before its FIN, then the server closes without an error', async () => {
    const { port } = await startServer();
    const { client: watcher } = await RawClient.hello(port, 'Watcher');
    const room = ((await watcher.request({ type: 'room_create', name: 'Half' }))['data'] as { room: { id: string } })
      .room;
    await watcher.request({ type: 'room_join', room: room.id });

    const client = await RawClient.open(port);
    client.socket.end(
      Buffer.concat([
        encodeFrame({ type: 'hello', id: 1, protocol: 1, name: 'Leaver' }),
        encodeFrame({ type: 'room_join', id: 2, room: room.id }),
        encodeFrame({ type: 'send', id: 3, room: room.id, msgId: 'half-1', text: 'sent before FIN' }),
      ]),
    );
    await client.waitClosed();
    expect(client.frames.map((f) => f['re'] ?? f.type)).toEqual([1, 2, 3]);
    expect(client.frames.some((f) => f.type === 'error')).toBe(false);
    // The others saw it join, its message, then leave.
    const order: string[] = [];
    for (;;) {
      const frame = await watcher.next((f) => ['member_joined', 'message', 'member_left'].includes(f.type));
      order.push(frame.type);
      if (frame.type === 'member_left') break;
    }
    expect(order).toEqual(['member_joined', 'message', 'member_left']);
  });
});
