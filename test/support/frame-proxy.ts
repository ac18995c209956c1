/**
 * A protocol-aware TCP relay for client tests: reads the frames a client sends, and lets the test
 * swallow some of them (a server that "ignores" a request, as a lost or stuck reply looks to the
 * client) without touching our server. The relaying, `cut()` and `restore()` are TcpProxy's.
 */
import type { Socket } from 'node:net';
import { encodeFrame, parseFrame, type ParsedFrame } from '../../src/main/core/framing/frame-codec.ts';
import { FrameDecoder } from '../../src/main/core/framing/frame-decoder.ts';
import { TcpProxy } from './harness.ts';

/** Decides, per frame from the client, whether the server gets it. */
export type FrameFilter = (frame: ParsedFrame) => 'pass' | 'drop';

export class FrameProxy extends TcpProxy {
  /** Frames swallowed so far. */
  readonly dropped: ParsedFrame[] = [];
  filter: FrameFilter = () => 'pass';

  protected override forward(downstream: Socket, upstream: Socket): void {
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
  }
}
