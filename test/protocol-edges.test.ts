/**
 * Edge cases of the protocol found in review: reply size bounds, text normalization, heartbeat
 * answers, version negotiation, deduplication order and storage errors outside `send`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REPLY_HISTORY_BUDGET_BYTES } from '../src/main/core/server/room-server.ts';
import { cleanupAll, connectClient, RawClient, startServer } from './support/harness.ts';

afterEach(cleanupAll);

describe('reply size', () => {
  it('bounds a catch-up of long messages by bytes and says hasMore, so a reading client is never dropped', async () => {
    // 300 messages of 4000 three-byte characters are ~3.6 MB: more than one reply may carry.
    const { port } = await startServer({
      limits: { rateBurst: 1000, ratePerSecond: 1000, maxQueueBytes: 2 * 1024 * 1024 },
    });
    const writer = await connectClient(port, 'Writer');
    const { room } = await writer.createRoom('Essays');
    await writer.joinRoom(room.id);
    const text = '語'.repeat(4000);
    await Promise.all(Array.from({ length: 300 }, () => writer.sendMessage({ room: room.id }, text)));

    const { client: reader } = await RawClient.hello(port, 'Reader');
    const joined = await reader.request({ type: 'room_join', room: room.id, since: 0, limit: 1000 });
    expect(joined.type).toBe('result');
    const data = joined['data'] as { messages: { seq: number }[]; hasMore: boolean };
    expect(data.hasMore).toBe(true);
    expect(data.messages.length).toBeGreaterThan(0);
    expect(data.messages.length).toBeLessThan(300);
    expect(data.messages.map((m) => m.seq)).toEqual(data.messages.map((_, i) => i + 1)); // oldest first, no gap
    expect(JSON.stringify(data).length * 3).toBeLessThanOrEqual(REPLY_HISTORY_BUDGET_BYTES * 1.5);
    expect(reader.closed).toBe(false);

    // Paging forward from there reaches every message exactly once.
    const late = await connectClient(port, 'Late');
    await late.joinRoom(room.id);
    const seqs: number[] = [];
    for (let after = 0, more = true; more;) {
      const page = await late.history({ room: room.id }, { after, limit: 200 });
      seqs.push(...page.messages.map((m) => m.seq));
      after = seqs.at(-1) ?? after;
      more = page.hasMore;
    }
    expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });
});

describe('text normalization', () => {
  it('turns CRLF and CR into LF, and refuses text made only of invisible characters', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const { room } = await ada.createRoom('Lines');
    await ada.joinRoom(room.id);
    const sent = await ada.sendMessage({ room: room.id }, 'one\r\ntwo\rthree');
    expect(sent.text).toBe('one\ntwo\nthree');
    await expect(ada.sendMessage({ room: room.id }, '\u200b\u200b')).rejects.toMatchObject({ code: 'text_invalid' });
  });

  it('refuses invisible characters in names, so look-alike names cannot be online together', async () => {
    const { port } = await startServer();
    await connectClient(port, 'Ada');
    for (const name of ['A\u200bda', 'Ada\u200e', 'Ad\ufeffa', 'A\u00adda']) {
      const client = await RawClient.open(port);
      client.send({ type: 'hello', protocol: 1, name, id: 1 });
      const reply = await client.next((f) => f.type === 'error');
      expect(reply['code'], JSON.stringify(name)).toBe('name_invalid');
    }
    // Emoji sequences (ZWJ) remain valid names.
    const family = await connectClient(port, '👩‍👩‍👧 family');
    expect(family.welcome?.user.name).toBe('👩‍👩‍👧 family');
  });
});

describe('heartbeat answers and versions', () => {
  it('never rate-limits or answers pong, even a flood of them', async () => {
    const { port } = await startServer({ limits: { ratePerSecond: 1, rateBurst: 2 } });
    const { client } = await RawClient.hello(port, 'Ada');
    for (let i = 0; i < 50; i++) client.send({ type: 'pong' });
    const reply = await client.request({ type: 'ping' });
    expect(reply.type).toBe('result');
    expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
  });

  it('answers a future hello of another shape with protocol_unsupported, not bad_request', async () => {
    const { port } = await startServer();
    const client = await RawClient.open(port);
    client.send({ type: 'hello', protocol: 2, name: { first: 'Ada' }, keys: ['…'] });
    const error = await client.next((f) => f.type === 'error');
    expect(error).toMatchObject({ code: 'protocol_unsupported', fatal: true });
    await client.waitClosed();
  });

  it('tells the client the idle timeout in welcome', async () => {
    const { port } = await startServer({ limits: { heartbeatMs: 1000, idleTimeoutMs: 3500 } });
    const ada = await connectClient(port, 'Ada');
    expect(ada.welcome?.limits).toMatchObject({ heartbeatMs: 1000, idleTimeoutMs: 3500 });
  });
});

describe('deduplication', () => {
  it('answers a resend of a stored msgId with the stored message even after leaving the room', async () => {
    const { port } = await startServer();
    const { client } = await RawClient.hello(port, 'Ada');
    const created = await client.request({ type: 'room_create', name: 'Once' });
    const roomId = (created['data'] as { room: { id: string } }).room.id;
    await client.request({ type: 'room_join', room: roomId });
    const first = await client.request({ type: 'send', room: roomId, msgId: 'm-1', text: 'hello' });
    await client.request({ type: 'room_leave', room: roomId });
    const again = await client.request({ type: 'send', room: roomId, msgId: 'm-1', text: 'hello' });
    expect(again['data']).toMatchObject({ duplicate: true, message: (first['data'] as { message: object }).message });
  });

  it('lists a conversation with yourself once', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    await ada.sendMessage({ user: ada.userId! }, 'note to self');
    const { conversations } = await ada.dmList();
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.user.id).toBe(ada.userId);
  });
});

describe('storage full outside send', () => {
  it('answers storage_failed (not internal) when creating a room cannot be stored', async () => {
    // Rooms may use a reserve beyond the history cap (§14.1); past that reserve the store is full.
    const { port } = await startServer({
      maxHistoryBytes: 64 * 1024,
      limits: { rateBurst: 2000, ratePerSecond: 2000 },
    });
    const ada = await connectClient(port, 'Ada');
    const codes = new Set<string>();
    for (let i = 0; i < 1000 && !codes.has('storage_failed'); i++) {
      try {
        await ada.createRoom(`Room ${i} ${'x'.repeat(50)}`, 't'.repeat(250));
      } catch (error) {
        codes.add((error as { code: string }).code);
      }
    }
    expect([...codes]).toEqual(['storage_failed']);
    // The server keeps serving.
    expect((await ada.listRooms()).rooms.length).toBeGreaterThan(0);
  });
});

describe('per-address limit exemption (web gateway)', () => {
  it('lets an exempted address open more connections than maxConnectionsPerIp, others stay limited', async () => {
    const { server, port } = await startServer({ limits: { maxConnectionsPerIp: 2 } });
    server.exemptFromPerIpLimit('127.0.0.1');
    const clients = await Promise.all(Array.from({ length: 5 }, (_, i) => RawClient.hello(port, `Browser ${i}`)));
    expect(clients.every(({ welcome }) => welcome.type === 'welcome')).toBe(true);
  });
});
