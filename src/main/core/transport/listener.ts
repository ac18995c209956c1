/**
 * Where the room server's connections come from. RoomServer only sees this interface, so a TLS
 * listener (tls.createServer yields TLSSockets, which are net.Sockets) can be added beside
 * `tcpListener` without touching the server.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface ListenOptions {
  /** Interface to bind; empty string means every interface. */
  host: string;
  port: number;
}

export interface Listener {
  /** Starts listening; rejects if the address cannot be bound. */
  listen(options: ListenOptions): Promise<void>;
  /** The address actually bound (with the real port when 0 was asked for). */
  address(): AddressInfo;
  /** Stops accepting; resolves when the listener is closed (open connections are not touched). */
  close(): Promise<void>;
}

export interface ListenerHooks {
  /** A client connected. */
  onConnection(socket: Socket): void;
  /** The listener failed after it started (logged by the server). */
  onError(error: Error): void;
}

export type ListenerFactory = (hooks: ListenerHooks) => Listener;

/** Plain TCP, Nagle off, a deep backlog so that a thousand clients connecting at once are queued. */
export const tcpListener: ListenerFactory = (hooks) => {
  const server = createServer({ noDelay: true }, (socket) => hooks.onConnection(socket));
  server.on('error', (error) => hooks.onError(error));
  return {
    listen: ({ host, port }) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, ...(host ? { host } : {}), backlog: 4096 }, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    address: () => server.address() as AddressInfo,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
