/**
 * One order for everyone (issue 8, bug 8): when the server ends a connection in the same tick as
 * that client's message, the others see the message before that client's member_left.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '../src/main/core/framing/frame-codec.ts';
import { cleanupAll, RawClient, startServer } from './support/harness.ts';

afterEach(cleanupAll);

describe('a message and its sender being closed in one tick', () => {
  it('delivers the message before member_left when a send is followed by a malformed frame', async () => {
    const { port } = await startServer();
    const { client: ada } = await RawClient.hello(port, 'Ada');
    const { client: bob } = await RawClient.hello(port, 'Bob');
    const room = ((await ada.request({ type: 'room_create', name: 'Order' }))['data'] as { room: { id: string } }).room;
    await ada.request({ type: 'room_join', room: room.id });
    await bob.request({ type: 'room_join', room: room.id });
    await ada.next((f) => f.type === 'member_joined');

    const send = encodeFrame({ type: 'send', id: 9, room: room.id, msgId: 'last-words', text: 'bye' });
    const garbage = Buffer.from([0, 0, 0, 3, 0x7b, 0x7b, 0x7b]); // "{{{": not JSON → bad_frame
    bob.writeRaw(Buffer.concat([send, garbage]));

    const seen: string[] = [];
    for (;;) {
      const frame = await ada.next((f) => f.type === 'message' || f.type === 'member_left');
      seen.push(frame.type);
      if (frame.type === 'member_left') break;
    }
    expect(seen).toEqual(['message', 'member_left']);
    // Bob's message was committed: he gets its result before his fatal error.
    expect(await bob.next((f) => f['re'] === 9)).toMatchObject({ type: 'result' });
    expect(await bob.next((f) => f.type === 'error')).toMatchObject({ code: 'bad_frame', fatal: true });
  });
});
