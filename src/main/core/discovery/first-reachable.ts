/**
 * Picks the first address of a nearby server that accepts a TCP connection. A server usually
 * advertises several (IPv4, global and link-local IPv6, one per interface) and only some of them
 * are reachable from here (a VPN's address, a Docker bridge…). Trying them one after the other
 * with a full timeout each would make a click feel broken, so attempts are staggered the way
 * "happy eyeballs" does (RFC 8305): the next address starts after a short delay, in the order
 * given (IPv4 first), and the first to connect wins; the others are abandoned.
 */
import { connect, type Socket } from 'node:net';

export interface ReachOptions {
  /** Delay before starting the attempt on the next address (ms). */
  staggerMs?: number;
  /** How long one attempt may take (ms). */
  timeoutMs?: number;
}

/** Resolves with the first address that accepted a connection on `port`, or null if none did. */
export function firstReachable(
  addresses: readonly string[],
  port: number,
  options: ReachOptions = {},
): Promise<string | null> {
  const staggerMs = options.staggerMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 2000;
  return new Promise((resolve) => {
    const sockets = new Set<Socket>();
    const timers = new Set<NodeJS.Timeout>();
    let pending = addresses.length;
    let done = false;
    const finish = (address: string | null) => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      resolve(address);
    };
    const failed = () => {
      pending -= 1;
      if (pending === 0) finish(null);
    };
    if (pending === 0) finish(null);
    addresses.forEach((address, index) => {
      const start = () => {
        if (done) return;
        const socket = connect({ host: address, port, timeout: timeoutMs });
        sockets.add(socket);
        let settled = false;
        const fail = () => {
          if (settled) return;
          settled = true;
          socket.destroy();
          failed();
        };
        socket.once('connect', () => {
          settled = true;
          finish(address);
        });
        socket.once('timeout', fail);
        socket.once('error', fail);
      };
      if (index === 0) start();
      else timers.add(setTimeout(start, index * staggerMs));
    });
  });
}
