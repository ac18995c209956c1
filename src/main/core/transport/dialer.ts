/**
 * How the client library opens its byte stream to a server. Injected into ParleyClient (option
 * `dialer`), so that another transport — TLS next — is a new dialer here, not a change of the
 * client: the client only needs a stream that emits 'data', 'error' and 'close'.
 */
import { connect, type Socket } from 'node:net';

export interface DialTarget {
  host: string;
  port: number;
}

/**
 * Opens a stream to `target` and calls `onReady` once the client may write its hello (TCP: on
 * 'connect'; TLS would call it on 'secureConnect', after the handshake and certificate checks).
 */
export type Dialer = (target: DialTarget, onReady: () => void) => Socket;

/** Plain TCP, Nagle off: frames are small and latency matters more than packet count. */
export const tcpDialer: Dialer = (target, onReady) => {
  const socket = connect({ host: target.host, port: target.port, noDelay: true });
  socket.once('connect', onReady);
  return socket;
};
