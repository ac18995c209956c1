/**
 * The tick batch's fast paths (issue 10) keep what users see: a send no longer reads the store
 * before it is queued (the insert itself finds a stored msgId), and a run of messages to one room
 * is concatenated once for all its members. These tests pin the behaviour those shortcuts could
 * break: resends answered with the original, numbers without gaps, and every connection's order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../src/shared/protocol/server-frames.ts';
import { encodeFrame, type ParsedFrame } from '../src/main/core/framing/frame-codec.ts';
import { cleanupAll, RawClient, startServer } from './support/harness.ts';

afterEach(cleanupAll);

const messageOf = (frame: ParsedFrame) => (frame['data'] as { message: ChatMessage }).message;

async function roomWith(port: number, names: string[], roomName = 'Batch') {
  const clients: RawClient[] = [];
  for (const name of names) clients.push((await RawClient.hello(port, name)).client);
  const created = await clients[0]!.request({ type: 'room_create', name: roomName });
  const roomId = (created['data'] as { room: { id: string } }).room.id;
  for (const c of clients) await c.request({ type: 'room_join', room: roomId });
  // Everyone has read every member_joined before the test starts.
  for (const c of clients) await c.request({ type: 'ping' });
  for (const c of clients) c.frames.length = 0;
  return { clients, roomId };
}

function sendFrame(id: string, room: string, msgId: string, text = msgId): Buffer {
  return encodeFrame({ type: 'send', id, room, msgId, text });
}

describe('a resend of a stored msgId in a batch with new messages', () => {
  it('is answered with the original, and the new messages around it are numbered without a gap', async () => {
    const { port } = await startServer();
    const {
      clients: [ada, bob],
      roomId,
    } = await roomWith(port, ['Ada', 'Bob']);
    const first = await ada!.request({ type: 'send', room: roomId, msgId: 'm1', text: 'first' });
    const original = messageOf(first);
    expect(original.seq).toBe(1);

    // One write, so one tick: a new message, the resend of m1, another new message.
    ada!.writeRaw(
      Buffer.concat([
        sendFrame('a', roomId, 'm2'),
        sendFrame('b', roomId, 'm1', 'first'),
        sendFrame('c', roomId, 'm3'),
      ]),
    );
    const a = await ada!.next((f) => f['re'] === 'a');
    const b = await ada!.next((f) => f['re'] === 'b');
    const c = await ada!.next((f) => f['re'] === 'c');
    expect(a).toMatchObject({ type: 'result', data: { duplicate: false, message: { msgId: 'm2', seq: 2 } } });
    expect(b).toMatchObject({ type: 'result', data: { duplicate: true, message: original } });
    expect(c).toMatchObject({ type: 'result', data: { duplicate: false, message: { msgId: 'm3', seq: 3 } } });

    // Bob sees each new message once, the resend not at all, and numbering goes on from 3.
    const seen: number[] = [];
    while (seen.length < 3) seen.push(((await bob!.next((f) => f.type === 'message'))['message'] as ChatMessage).seq);
    expect(seen).toEqual([1, 2, 3]);
    const next = await bob!.request({ type: 'send', room: roomId, msgId: 'b1', text: 'after' });
    expect(messageOf(next).seq).toBe(4);
    const history = await bob!.request({ type: 'history', room: roomId });
    expect((history['data'] as { messages: ChatMessage[] }).messages.map((m) => [m.seq, m.msgId])).toEqual([
      [1, 'm1'],
      [2, 'm2'],
      [3, 'm3'],
      [4, 'b1'],
    ]);
  });

  it('is answered with the original even when the sender has left the room since', async () => {
    const { port } = await startServer();
    const {
      clients: [ada],
      roomId,
    } = await roomWith(port, ['Ada', 'Bob']);
    const original = messageOf(await ada!.request({ type: 'send', room: roomId, msgId: 'gone', text: 'hi' }));
    await ada!.request({ type: 'room_leave', room: roomId });
    const resent = await ada!.request({ type: 'send', room: roomId, msgId: 'gone', text: 'hi' });
    expect(resent).toMatchObject({ type: 'result', data: { duplicate: true, message: original } });
    // A new msgId from outside the room is still refused.
    expect(await ada!.request({ type: 'send', room: roomId, msgId: 'new', text: 'hi' })).toMatchObject({
      type: 'error',
      code: 'not_member',
    });
  });
});

describe('the order each connection sees', () => {
  it('keeps a listener in two rooms seeing messages in the order they were sent across the rooms', async () => {
    const { port } = await startServer();
    const { client: ada } = await RawClient.hello(port, 'Ada');
    const { client: carol } = await RawClient.hello(port, 'Carol');
    const rooms: string[] = [];
    for (const name of ['North', 'South']) {
      const created = await ada.request({ type: 'room_create', name });
      const id = (created['data'] as { room: { id: string } }).room.id;
      rooms.push(id);
      await ada.request({ type: 'room_join', room: id });
      await carol.request({ type: 'room_join', room: id });
    }
    await carol.request({ type: 'ping' });
    carol.frames.length = 0;
    const order = ['n1', 's1', 's2', 'n2', 'n3', 's3'];
    ada.writeRaw(Buffer.concat(order.map((m, i) => sendFrame(`x${i}`, rooms[m[0] === 'n' ? 0 : 1]!, m))));
    const seen: string[] = [];
    while (seen.length < order.length)
      seen.push(((await carol.next((f) => f.type === 'message'))['message'] as ChatMessage).msgId);
    expect(seen).toEqual(order);
  });

  it('gives two members sending at once each other’s messages interleaved with their own acks, in seq order', async () => {
    const { port } = await startServer();
    const {
      clients: [ada, bob, carol],
      roomId,
    } = await roomWith(port, ['Ada', 'Bob', 'Carol']);
    // Both write in the same moment, so their sends usually land in one tick's batch; repeated so
    // that some rounds do. Each connection must see the room's messages and its acks by seq.
    for (let round = 0; round < 10; round++) {
      ada!.writeRaw(Buffer.concat([0, 1, 2].map((i) => sendFrame(`a${round}-${i}`, roomId, `a${round}-${i}`))));
      bob!.writeRaw(Buffer.concat([0, 1, 2].map((i) => sendFrame(`b${round}-${i}`, roomId, `b${round}-${i}`))));
    }
    const seqsSeenBy = async (client: RawClient, expected: number) => {
      const seqs: number[] = [];
      while (seqs.length < expected) {
        const f = await client.next((x) => x.type === 'message' || x.type === 'result');
        seqs.push(f.type === 'message' ? (f['message'] as ChatMessage).seq : messageOf(f).seq);
      }
      return seqs;
    };
    const all = Array.from({ length: 60 }, (_, i) => i + 1);
    // Ada and Bob: 30 acks + 30 events of the other; Carol: 60 events.
    expect(await seqsSeenBy(ada!, 60)).toEqual(all);
    expect(await seqsSeenBy(bob!, 60)).toEqual(all);
    expect(await seqsSeenBy(carol!, 60)).toEqual(all);
  });
});
