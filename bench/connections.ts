/**
 * 1000 connections opened at once: 1000 sockets are opened in one synchronous loop, each writes
 * its hello as soon as it is connected, and the clock stops when the last welcome has arrived.
 * Refusals (too_many_connections, connection errors, closes before a welcome) are counted.
 * Three rounds on one server, each with fresh sockets and names; the worst round is compared
 * with the target. Each hello creates a new user (a row in SQLite), as for a first-time client.
 */
import { connect, type Socket } from 'node:net';
import { encodeFrame } from '../src/main/core/framing/frame-codec.ts';
import { FrameDecoder } from '../src/main/core/framing/frame-decoder.ts';
import { PROTOCOL_VERSION } from '../src/shared/protocol/constants.ts';
import { HOST } from './lib/bench-conn.ts';
import { CpuMeter } from './lib/cpu.ts';
import { checked, fmt, info, type Benchmark, type ResultRow } from './lib/report.ts';
import { ServerProcess } from './lib/server-process.ts';
import { markWindow, nowNs, sleep, summarize } from './lib/stats.ts';

const CONNECTIONS = 1000;
const ROUNDS = 3;
const ROUND_TIMEOUT_MS = 30_000;
const TARGET_MS = 1000;

const TYPE_WELCOME = Buffer.from('{"type":"welcome"');

interface Round {
  allWelcomedMs: number;
  allConnectedMs: number;
  welcomed: number;
  refused: number;
  /** Per-connection start → welcome, ms. */
  perConnection: number[];
  serverCpu: number;
}

function openRound(port: number, round: number, server: ServerProcess): Promise<{ round: Round; sockets: Socket[] }> {
  return new Promise((resolve) => {
    const sockets: Socket[] = [];
    const perConnection: number[] = [];
    let welcomed = 0;
    let refused = 0;
    let connected = 0;
    let allConnectedNs = 0;
    let lastWelcomeNs = 0;
    let settled = false;
    const meter = new CpuMeter(server.pid);
    const t0 = nowNs();
    const finish = () => {
      if (settled || welcomed + refused < CONNECTIONS) return;
      settled = true;
      clearTimeout(timer);
      markWindow(`connections round ${round}`, t0, lastWelcomeNs);
      resolve({
        round: {
          allWelcomedMs: (lastWelcomeNs - t0) / 1e6,
          allConnectedMs: (allConnectedNs - t0) / 1e6,
          welcomed,
          refused,
          perConnection,
          serverCpu: meter.read().server,
        },
        sockets,
      });
    };
    const timer = setTimeout(() => {
      refused += CONNECTIONS - welcomed - refused;
      lastWelcomeNs = nowNs();
      finish();
    }, ROUND_TIMEOUT_MS);
    for (let i = 0; i < CONNECTIONS; i++) {
      const hello = encodeFrame({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        name: `c${round}-${i}`,
        client: 'parley-bench',
      });
      const socket = connect({ host: HOST, port, noDelay: true });
      sockets.push(socket);
      const decoder = new FrameDecoder(1024 * 1024);
      let state: 'waiting' | 'welcomed' | 'refused' = 'waiting';
      const refuse = () => {
        if (state !== 'waiting') return;
        state = 'refused';
        refused++;
        finish();
      };
      socket.once('connect', () => {
        if (++connected === CONNECTIONS) allConnectedNs = nowNs();
        socket.write(hello);
      });
      socket.on('data', (chunk: Buffer) => {
        const t = nowNs();
        decoder.push(chunk, (payload) => {
          if (state !== 'waiting') return;
          const ok =
            payload.length > TYPE_WELCOME.length &&
            payload.compare(TYPE_WELCOME, 0, TYPE_WELCOME.length, 0, TYPE_WELCOME.length) === 0;
          if (!ok) {
            refuse();
            return;
          }
          state = 'welcomed';
          welcomed++;
          lastWelcomeNs = Math.max(lastWelcomeNs, t);
          perConnection.push((t - t0) / 1e6);
          finish();
        });
      });
      socket.on('error', refuse);
      socket.on('close', refuse);
    }
  });
}

async function run(): Promise<ResultRow[]> {
  const server = await ServerProcess.start();
  const rounds: Round[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const { round, sockets } = await openRound(server.port, r, server);
      rounds.push(round);
      for (const s of sockets) s.destroy();
      // Let the server process the 1000 closes before the next round.
      await sleep(1000);
      if (!server.running) throw new Error('connections: the server exited');
    }
  } finally {
    await server.stop();
  }
  const worst = rounds.reduce((a, b) => (b.allWelcomedMs > a.allWelcomedMs ? b : a));
  const refused = rounds.reduce((n, r) => n + r.refused, 0);
  const per = summarize(worst.perConnection);
  return [
    checked(
      'connections',
      `1000 at once → all welcomed (worst of ${ROUNDS})`,
      worst.allWelcomedMs,
      fmt.ms,
      TARGET_MS,
      false,
    ),
    info('connections', 'each round', rounds.map((r) => fmt.ms(r.allWelcomedMs)).join(', ')),
    checked('connections', 'refused or failed', refused, fmt.count, 0, false),
    info('connections', 'all TCP connects done (worst round)', fmt.ms(worst.allConnectedMs)),
    info('connections', 'per-connection welcome p50 / p99', `${fmt.ms(per.p50)} / ${fmt.ms(per.p99)}`),
    info('connections', 'server CPU per round (worst)', fmt.seconds(worst.serverCpu)),
  ];
}

export const connections: Benchmark = {
  name: 'connections',
  title: '1000 connections opened at once, each sends hello',
  run,
};
