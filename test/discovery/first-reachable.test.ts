/** Choosing the address of a nearby server that answers: real sockets on this machine. */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { firstReachable } from '../../src/main/core/discovery/first-reachable.ts';
import { freePort } from '../support/harness.ts';

const servers: Server[] = [];

async function listen(host: string): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as { port: number }).port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('firstReachable', () => {
  it('skips an address that refuses and picks the one that answers', async () => {
    const port = await listen('127.0.0.1');
    // Only IPv4 loopback listens: ::1 is refused at once.
    await expect(firstReachable(['::1', '127.0.0.1'], port, { staggerMs: 50 })).resolves.toBe('127.0.0.1');
  });

  it('prefers the first address when several answer', async () => {
    const port = await listen('::');
    await expect(firstReachable(['127.0.0.1', '::1'], port, { staggerMs: 200 })).resolves.toBe('127.0.0.1');
  });

  it('does not wait for a silent address before trying the next (staggered, not one after the other)', async () => {
    const port = await listen('127.0.0.1');
    const started = Date.now();
    // 192.0.2.1 (TEST-NET-1) never answers: without staggering this would take the full timeout.
    await expect(firstReachable(['192.0.2.1', '127.0.0.1'], port, { staggerMs: 100, timeoutMs: 5000 })).resolves.toBe(
      '127.0.0.1',
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('resolves null when nothing answers, and for no addresses at all', async () => {
    const port = await freePort();
    await expect(firstReachable(['127.0.0.1', '::1'], port, { staggerMs: 10 })).resolves.toBeNull();
    await expect(firstReachable([], port)).resolves.toBeNull();
  });
});
