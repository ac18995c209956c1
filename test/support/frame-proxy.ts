/**
 * A protocol-aware TCP relay for client tests: reads the frames a client sends, and lets the test
 * swallow some of them (a server that "ignores" a request, as a lost or stuck reply looks to the
 * client) without touching our server. `cut()` drops every connection and refuses new ones until
 * `restore()`, like TcpProxy.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { encodeFrame, parseFrame, type ParsedFrame } from '../../src/main/core/framing/frame-codec.ts';
import { FrameDecoder } from '../../src/main/core/framing/frame-decoder.ts';
import { onCleanup } from './harness.ts';

/** Decides, per frame from the client, whether the server gets it. */
export type FrameFilter = (frame: ParsedFrame) => 'pass' | 'drop';

export class FrameProxy {
  readonly port: number;
  /** Frames swallowed so far. */
  readonly dropped: ParsedFrame[] = [];
  filter: FrameFilter = () => 'pass';
  private readonly listener: Server;
  private readonly sockets = new Set<Socket>();
  private isCut = false;

  private constructor(listener: Server) {
    this.listener = listener;
    this.port = (listener.address() as AddressInfo).port;
  }

  static start(targetPort: number): Promise<FrameProxy> {
    return new Promise((resolve, reject) => {
      let proxy: FrameProxy | undefined;
      const listener = createServer((downstream) => {
        downstream.on('error', () => {});
        if (!proxy || proxy.isCut) {
          downstream.destroy();
          return;
        }
        proxy.relay(downstream, targetPort);
      });
      listener.once('error', reject);
      listener.listen({ host: '127.0.0.1', port: 0 }, () => {
        proxy = new FrameProxy(listener);
        onCleanup(() => proxy!.close());
        resolve(proxy);
      });
    });
  }

  private relay(downstream: Socket, targetPort: number): void {
    const upstream = connect({ host: '127.0.0.1', port: targetPort, noDelay: true });
    upstream.on('error', () => {});
    this.sockets.add(downstream);
    this.sockets.add(upstream);
    const decoder = new FrameDecoder(16 * 1024 * 1024);
    downstream.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk, (payload) => {
          const parsed = parseFrame(payload);
          if (parsed.ok && this.filter(parsed.frame) === 'drop') {
            this.dropped.push(parsed.frame);
            return;
          }
          upstream.write(parsed.ok ? encodeFrame(parsed.frame) : payload);
        });
      } catch {
        downstream.destroy();
      }
    });
    upstream.pipe(downstream);
    downstream.on('close', () => {
      this.sockets.delete(downstream);
      upstream.end();
    });
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      downstream.end();
    });
  }

  /** Drops every relayed connection (both sides) and refuses new ones. */
  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.isCut = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.listener.close(() => resolve()));
  }
}
