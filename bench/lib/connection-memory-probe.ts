/**
 * Child process of connection-memory.ts, run with `node --expose-gc`: accepts N sockets on
 * 127.0.0.1 and measures its own memory three times — listening only, with the N accepted
 * sockets (what Node itself keeps per connection), and after wrapping each one the way the room
 * server does (a Connection with its decoder, three token buckets, input gate and queues, its
 * hooks, and the data/close/error listeners). Prints one JSON line per step on stdout.
 */
import { createServer, type Socket } from 'node:net';
import { Connection } from '../../src/main/core/server/connection.ts';
import { DEFAULT_LIMITS } from '../../src/main/core/server/server-config.ts';

const n = Number(process.argv[2]);
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect || !Number.isInteger(n) || n <= 0) {
  process.stderr.write('usage: node --expose-gc connection-memory-probe.ts <sockets>\n');
  process.exit(2);
}
const gc = collect;

async function settled(): Promise<{ rss: number; heapUsed: number; external: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

const sockets: Socket[] = [];
// Kept reachable so that nothing measured is collected between the steps.
const kept: unknown[] = [];
let allAccepted: () => void = () => {};
const accepted = new Promise<void>((resolve) => (allAccepted = resolve));
const server = createServer({ noDelay: true }, (socket) => {
  sockets.push(socket);
  if (sockets.length === n) allAccepted();
});

server.listen(0, '127.0.0.1', async () => {
  const base = await settled();
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  await accepted;
  const withSockets = await settled();
  const now = Date.now();
  for (const socket of sockets) {
    socket.on('error', () => {});
    const connection = new Connection(
      socket,
      socket.remoteAddress ?? '',
      { ...DEFAULT_LIMITS, now },
      { onDirty: () => {}, onOverflow: () => {}, onWritable: () => {}, onRepliesOverBudget: () => {} },
    );
    socket.on('data', (chunk: Buffer) => connection.decoder.push(chunk, () => {}));
    socket.on('close', () => connection.dispose());
    kept.push(connection);
  }
  const withConnections = await settled();
  process.stdout.write(`${JSON.stringify({ n, base, withSockets, withConnections })}\n`);
  for (const socket of sockets) socket.destroy();
  server.close();
});
