/**
 * The canary: an ordinary user in an ordinary room who keeps sending a normal message and timing
 * its reply while the fuzzers hammer the server. Its latencies are the campaign's "did anyone else
 * suffer" figure; any refusal or disconnect of the canary is a failure of the campaign.
 */
import { WireConnection } from './wire.ts';

export class Canary {
  readonly latenciesMs: number[] = [];
  readonly failures: string[] = [];
  maxTextChars = 4000;
  maxFrameBytes = 1024 * 1024;
  roomId = '';
  private connection!: WireConnection;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  async start(port: number): Promise<void> {
    this.connection = await WireConnection.open(port);
    const welcome = await this.connection.request(
      { type: 'hello', protocol: 1, name: 'Canary', client: 'fuzz-canary' },
      'welcome',
    );
    if (welcome?.type !== 'welcome') throw new Error(`canary hello failed: ${JSON.stringify(welcome)}`);
    const limits = welcome['limits'] as { maxTextChars?: number; maxFrameBytes?: number } | undefined;
    this.maxTextChars = limits?.maxTextChars ?? this.maxTextChars;
    this.maxFrameBytes = limits?.maxFrameBytes ?? this.maxFrameBytes;
    const created = await this.connection.request({ type: 'room_create', id: 'c', name: 'Canary room' }, 'c');
    this.roomId = ((created?.['data'] as { room?: { id?: string } } | undefined)?.room?.id ?? '') as string;
    const joined = await this.connection.request({ type: 'room_join', id: 'j', room: this.roomId }, 'j');
    if (joined?.type !== 'result') throw new Error(`canary could not join its room: ${JSON.stringify(joined)}`);
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    for (let n = 1; this.running; n++) {
      const started = performance.now();
      const reply = await this.connection.request(
        { type: 'send', id: n, room: this.roomId, msgId: `canary-${n}`, text: `canary message ${n}` },
        n,
      );
      if (!this.running) return;
      if (reply?.type === 'result') this.latenciesMs.push(performance.now() - started);
      else {
        this.failures.push(
          this.connection.closed ? 'canary was disconnected' : `canary send ${n}: ${JSON.stringify(reply)}`,
        );
        return;
      }
      await new Promise((wake) => setTimeout(wake, 20));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.connection.close();
  }
}
