/**
 * Targets (lib/target.ts) on Parley's protocol: the real headless server with one room, and the
 * bare relay (lib/relay.ts) that one-hop uses as its floor.
 *
 * Parley: a message is identified by its room seq, the first field of the message event, read at
 * a fixed offset without JSON-parsing the frame. The single sender's sends are processed in order,
 * so seq = the first seq after setup + send index. Every send is acknowledged by a result frame.
 */
import { encodeFrame } from '../../src/main/core/framing/frame-codec.ts';
import { BenchConn, mapLimit, messageText } from './bench-conn.ts';
import { ServerProcess, startRelay } from './server-process.ts';
import { recogniser, type ReceiverSpec } from './recogniser.ts';
import { closeTarget, excerpt, startsWith, type Target } from './target.ts';

export { messageSeq, TYPE_MESSAGE } from './recogniser.ts';

export const TEXT_BYTES = 100;

export const TYPE_RESULT = Buffer.from('{"type":"result"');

/** The send frame of message `index` (the text has its index in it, as the IRC targets' do). */
function sendFrame(room: string, index: number): Buffer {
  return encodeFrame({ type: 'send', id: index + 1, room, msgId: `m-${index}`, text: messageText(index, TEXT_BYTES) });
}

/** The real server, one room, `receivers` members besides the sender, all quiet. */
export async function parleyTarget(receivers: number): Promise<Target> {
  const server = await ServerProcess.start();
  const conns: BenchConn[] = [];
  try {
    const sender = await BenchConn.hello(server.port, 'sender');
    conns.push(sender);
    const created = await sender.call({ type: 'room_create', name: 'bench' });
    const roomId = (created['room'] as { id: string }).id;
    const joined = await sender.call({ type: 'room_join', room: roomId, limit: 1 });
    const firstSeq = (joined['room'] as { lastSeq: number }).lastSeq + 1;
    const members = await mapLimit(
      Array.from({ length: receivers }, (_, i) => i),
      50,
      async (i) => {
        const conn = await BenchConn.hello(server.port, `r${i}`);
        conns.push(conn);
        await conn.call({ type: 'room_join', room: roomId, limit: 1 });
        return conn;
      },
    );
    // A ping answered on every connection means every member_joined event queued before it
    // has been read: the receivers are quiet when the measurement starts.
    await mapLimit(conns, 50, (c) => c.call({ type: 'ping' }));
    const receiverSpec: ReceiverSpec = { kind: 'parley-seq', firstSeq };
    const recognise = recogniser(receiverSpec);
    return {
      name: 'Parley',
      pid: server.pid,
      get running() {
        return server.running;
      },
      sender,
      receivers: members,
      acks: true,
      encode: (index) => sendFrame(roomId, index),
      receiverSpec,
      messageIndex: recognise.messageIndex,
      isAck: (payload) => startsWith(payload, TYPE_RESULT),
      problem: (payload, at) => (at === 'sender' ? excerpt(payload) : recognise.problem(payload)),
      stop: () => closeTarget(conns, server),
    };
  } catch (error) {
    await closeTarget(conns, server);
    throw error;
  }
}

/**
 * The bare relay: the first connection is the sender, the second the receiver; every frame from
 * the sender is forwarded as it is (so the index is read from the send frame's id) and acknowledged.
 */
export async function relayTarget(): Promise<Target> {
  const relay = await startRelay();
  const conns: BenchConn[] = [];
  try {
    // The relay must have accepted A before B: A's first frame only goes out once both exist.
    const a = await BenchConn.open(relay.port);
    conns.push(a);
    const b = await BenchConn.open(relay.port);
    conns.push(b);
    let stopped = false;
    const receiverSpec: ReceiverSpec = { kind: 'parley-send-id' };
    const recognise = recogniser(receiverSpec);
    return {
      name: 'relay',
      pid: relay.pid,
      get running() {
        return !stopped;
      },
      sender: a,
      receivers: [b],
      acks: true,
      encode: (index) => sendFrame('relay', index),
      receiverSpec,
      messageIndex: recognise.messageIndex,
      isAck: (payload) => startsWith(payload, TYPE_RESULT),
      problem: (payload, at) => (at === 'sender' ? excerpt(payload) : recognise.problem(payload)),
      stop: () => {
        stopped = true;
        return closeTarget(conns, relay);
      },
    };
  } catch (error) {
    await closeTarget(conns, relay);
    throw error;
  }
}
