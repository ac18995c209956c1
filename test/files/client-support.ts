/**
 * Helpers of the client and session file tests: random files, SHA-256, a TCP relay that cuts (or
 * stalls) the connections for real once a transfer has moved a given number of bytes, and a fake
 * of the Electron edge (`DesktopFiles`) that records its calls.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { DesktopFiles } from '../../src/main/core/session/media.ts';
import { tcpDialer, type Dialer } from '../../src/main/core/transport/dialer.ts';
import { onCleanup } from '../support/harness.ts';

export function randomFile(bytes: number): Buffer {
  return randomBytes(bytes);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** All bytes of a stream. */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

type Direction = 'up' | 'down';

interface Trigger {
  direction: Direction;
  afterBytes: number;
  action: 'cut' | 'stall';
  fired: () => void;
}

/**
 * A relay on 127.0.0.1 in front of a server's chat port and its transfer port (one listener
 * each; a client that should go through it for transfers too dials with `relay.dialer`, which
 * takes the welcome's transfer port to the relay's). `cutAfter('up', n)`: once one relayed
 * connection has carried n bytes from the client (`up`) or to it (`down`), exactly n are passed
 * on and every relayed connection is destroyed, chat and transfer alike (a cable pulled
 * mid-transfer); with `refuse` new connections are refused until `restore()`. `stallAfter`
 * stops relaying that connection after n bytes instead (a peer that stopped moving).
 */
export class CuttingRelay {
  /** Where the client connects for chat. */
  readonly port: number;
  private readonly listeners: Server[];
  private readonly transferTarget: number;
  private readonly transferPort: number;
  private readonly sockets = new Set<Socket>();
  private trigger: Trigger | undefined;
  private refusing = false;

  private constructor(listeners: Server[], transferTarget: number) {
    this.listeners = listeners;
    this.port = (listeners[0]!.address() as AddressInfo).port;
    this.transferPort = (listeners[1]!.address() as AddressInfo).port;
    this.transferTarget = transferTarget;
  }

  /** Relays to the chat port `targetPort` and to the transfer port `transferTargetPort`. */
  static async start(targetPort: number, transferTargetPort: number): Promise<CuttingRelay> {
    const made: { relay?: CuttingRelay } = {};
    const listen = (target: number) =>
      new Promise<Server>((resolve, reject) => {
        const listener = createServer({ noDelay: true }, (downstream) => made.relay?.accept(downstream, target));
        listener.once('error', reject);
        listener.listen({ host: '127.0.0.1', port: 0 }, () => resolve(listener));
      });
    const listeners = [await listen(targetPort), await listen(transferTargetPort)];
    const relay = new CuttingRelay(listeners, transferTargetPort);
    made.relay = relay;
    onCleanup(() => relay.close());
    return relay;
  }

  /** Dials like the client does, except that transfer connections go through this relay. */
  get dialer(): Dialer {
    return (target, onReady) =>
      tcpDialer(target.port === this.transferTarget ? { host: '127.0.0.1', port: this.transferPort } : target, onReady);
  }

  /** Resolves when the cut happened. */
  cutAfter(direction: Direction, afterBytes: number, options: { refuse?: boolean } = {}): Promise<void> {
    return new Promise((fired) => {
      this.trigger = {
        direction,
        afterBytes,
        action: 'cut',
        fired: () => {
          if (options.refuse) this.refusing = true;
          this.cutAll();
          fired();
        },
      };
    });
  }

  /** Resolves when the connection stalled. */
  stallAfter(direction: Direction, afterBytes: number): Promise<void> {
    return new Promise((fired) => {
      this.trigger = { direction, afterBytes, action: 'stall', fired };
    });
  }

  /** Drops every relayed connection now and refuses new ones until `restore()`. */
  cut(): void {
    this.refusing = true;
    this.cutAll();
  }

  /** Accepts connections again after a cut with `refuse`. */
  restore(): void {
    this.refusing = false;
  }

  cutAll(): void {
    for (const socket of [...this.sockets]) socket.destroy();
  }

  async close(): Promise<void> {
    this.cutAll();
    await Promise.all(this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
  }

  private accept(downstream: Socket, targetPort: number): void {
    downstream.on('error', () => {});
    if (this.refusing) {
      downstream.destroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: targetPort, noDelay: true });
    upstream.on('error', () => {});
    for (const socket of [downstream, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    }
    downstream.on('close', () => upstream.destroy());
    upstream.on('close', () => downstream.destroy());
    this.relay(downstream, upstream, 'up');
    this.relay(upstream, downstream, 'down');
  }

  /** Copies `from` → `to` with backpressure, counting, and firing the armed trigger. */
  private relay(from: Socket, to: Socket, direction: Direction): void {
    let count = 0;
    let stalled = false;
    from.on('data', (chunk: Buffer) => {
      if (stalled) return;
      const trigger = this.trigger;
      if (trigger && trigger.direction === direction && count + chunk.length >= trigger.afterBytes) {
        this.trigger = undefined;
        const part = chunk.subarray(0, trigger.afterBytes - count);
        count = trigger.afterBytes;
        // Nothing after the n-th byte gets through, cut or stalled.
        stalled = true;
        if (trigger.action === 'stall') {
          to.write(part);
          from.pause();
          trigger.fired();
        } else {
          to.write(part, () => trigger.fired());
        }
        return;
      }
      count += chunk.length;
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => !stalled && from.resume());
      }
    });
  }
}

export interface FakeDesktop extends DesktopFiles {
  opened: string[];
  shown: string[];
  asked: string[];
  /** What chooseSavePath answers (null: the user cancelled). */
  answer: string | null;
}

/** The Electron edge as plain functions that record their calls. */
export function fakeDesktop(downloadsDir: string): FakeDesktop {
  const desktop: FakeDesktop = {
    opened: [],
    shown: [],
    asked: [],
    answer: null,
    downloadsDir: () => downloadsDir,
    chooseSavePath: async (suggested) => {
      desktop.asked.push(suggested);
      return desktop.answer;
    },
    openPath: async (path) => {
      desktop.opened.push(path);
    },
    showInFolder: (path) => {
      desktop.shown.push(path);
    },
  };
  return desktop;
}
