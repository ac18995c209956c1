/**
 * What one connection costs the server, split: Node's own socket (the libuv handle, TCPWrap and
 * the stream objects) against the server's Connection object on top of it. Measured in a separate
 * process (connection-memory-probe.ts, under --expose-gc) with only the server side of the
 * sockets in it; this process opens the client side.
 */
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { HOST, mapLimit } from './bench-conn.ts';

interface Step {
  rss: number;
  heapUsed: number;
  external: number;
}

export interface ConnectionMemory {
  n: number;
  /** Per accepted socket, bytes. */
  socket: { rss: number; heapAndExternal: number };
  /** Per Connection (and its listeners) on top of the socket, bytes. */
  connection: { rss: number; heapAndExternal: number };
}

function perItem(a: Step, b: Step, n: number): { rss: number; heapAndExternal: number } {
  return { rss: (b.rss - a.rss) / n, heapAndExternal: (b.heapUsed + b.external - a.heapUsed - a.external) / n };
}

export async function measureConnectionMemory(n: number, timeoutMs = 60_000): Promise<ConnectionMemory> {
  const probe = resolve(import.meta.dirname, 'connection-memory-probe.ts');
  const child = spawn(process.execPath, ['--expose-gc', probe, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const sockets: Socket[] = [];
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async (): Promise<Record<string, unknown>> => {
      const line = await lines.next();
      if (line.done) throw new Error(`connection-memory probe exited (${child.exitCode ?? child.signalCode})`);
      return JSON.parse(line.value) as Record<string, unknown>;
    };
    const { port } = (await next()) as { port: number };
    await mapLimit(
      Array.from({ length: n }, (_, i) => i),
      200,
      () =>
        new Promise<void>((done, fail) => {
          const socket = connect({ host: HOST, port, noDelay: true });
          socket.once('connect', () => done());
          // Also after the connect: the probe's exit resets these sockets.
          socket.on('error', fail);
          sockets.push(socket);
        }),
    );
    const result = (await next()) as { n: number; base: Step; withSockets: Step; withConnections: Step };
    return {
      n,
      socket: perItem(result.base, result.withSockets, n),
      connection: perItem(result.withSockets, result.withConnections, n),
    };
  } finally {
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}
