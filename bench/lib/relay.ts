/**
 * A bare Node relay, run as a child process by the one-hop benchmark as a floor: the same process
 * layout and event-loop shape as the server (decode frames, answer in setImmediate, one write per
 * socket) without JSON, validation or SQLite. The first connection is A, the second B; every frame
 * from A is written to B, and A gets a small acknowledgement. Prints {"port": n} when listening.
 */
import { createServer, type Socket } from 'node:net';
import { encodeFrame } from '../../src/main/core/framing/frame-codec.ts';
import { FrameDecoder } from '../../src/main/core/framing/frame-decoder.ts';

const ACK = encodeFrame({ type: 'result', re: 0, data: {} });
const peers: Socket[] = [];
const server = createServer({ noDelay: true }, (socket) => {
  peers.push(socket);
  socket.on('error', () => {});
  if (peers.length !== 1) return;
  const decoder = new FrameDecoder(1024 * 1024);
  let pending: Buffer[] = [];
  const flush = () => {
    const b = peers[1];
    for (const frame of pending) {
      b?.write(frame);
      socket.write(ACK);
    }
    pending = [];
  };
  socket.on('data', (chunk: Buffer) => {
    decoder.push(chunk, (payload) => {
      const frame = Buffer.allocUnsafe(4 + payload.length);
      frame.writeUInt32BE(payload.length, 0);
      payload.copy(frame, 4);
      if (pending.push(frame) === 1) setImmediate(flush);
    });
  });
});
server.listen({ host: '127.0.0.1', port: 0 }, () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
