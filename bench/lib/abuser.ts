/**
 * The abusive client of bench/abuse.ts, run as its own process so that reading its replies does
 * not slow the process that measures the others: `node bench/lib/abuser.ts <port> <phase>
 * <archiveRoom> <durationMs>`. One connection at its limits; if the server drops it, it
 * reconnects at once. Prints {"replies": n, "drops": n} when done.
 */
import { encodeFrame } from '../../src/main/core/framing/frame-codec.ts';
import { BenchConn } from './bench-conn.ts';

const ABUSE_INTERVAL_MS = 50;
const LARGE_FRAME_BYTES = 1024 * 1024 - 64;

export type AbusePhase = 'room_list flood' | 'large frames' | 'history pipelining';

export interface AbuserReport {
  /** Replies (results) the abuser got, and how often the server dropped it. */
  replies: number;
  drops: number;
}

interface Abuser extends AbuserReport {
  stop(): void;
}

let abuserCount = 0;

function fail(error: unknown): void {
  process.stderr.write(`abuser: ${String(error)}\n`);
}

/** Runs the abusive connection for one phase, reconnecting whenever the server drops it. */
function abuse(port: number, phase: AbusePhase, archiveRoom: string): Abuser {
  const state: Abuser = { stop: () => {}, replies: 0, drops: 0 };
  let stopped = false;
  let conn: BenchConn | undefined;
  const large = encodeFrame({ type: 'ping', id: 1, pad: 'p'.repeat(LARGE_FRAME_BYTES) });
  const request =
    phase === 'room_list flood'
      ? encodeFrame({ type: 'room_list', id: 1 })
      : encodeFrame({ type: 'history', id: 1, room: archiveRoom, limit: 200 });
  const RESULT = Buffer.from('{"type":"result"');

  const connect = async (): Promise<void> => {
    const c = await BenchConn.hello(port, `Abuser${process.pid}-${++abuserCount}`);
    if (phase === 'history pipelining') await c.call({ type: 'room_join', room: archiveRoom });
    c.rawHandler = (payload) => {
      if (payload.length > RESULT.length && payload.compare(RESULT, 0, RESULT.length, 0, RESULT.length) === 0)
        state.replies++;
    };
    c.socket.on('close', () => {
      if (stopped) return;
      state.drops++;
      void connect().catch(fail);
    });
    conn = c;
    if (phase === 'large frames') {
      // As fast as the socket takes them: the server decides how fast it reads.
      const pump = () => {
        while (!stopped && !c.closed && c.socket.write(large));
      };
      c.socket.on('drain', pump);
      pump();
    }
  };
  void connect().catch(fail);
  const timer =
    phase === 'large frames'
      ? undefined
      : setInterval(() => {
          if (conn && !conn.closed) conn.socket.write(request);
        }, ABUSE_INTERVAL_MS);
  state.stop = () => {
    stopped = true;
    clearInterval(timer);
    conn?.destroy();
  };
  return state;
}

if (import.meta.main) {
  const [port, phase, archiveRoom, durationMs] = process.argv.slice(2);
  const abuser = abuse(Number(port), phase as AbusePhase, archiveRoom!);
  setTimeout(() => {
    abuser.stop();
    process.stdout.write(JSON.stringify({ replies: abuser.replies, drops: abuser.drops }));
    process.exit(0);
  }, Number(durationMs));
}
