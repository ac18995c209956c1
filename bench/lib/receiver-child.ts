/**
 * A receiver process of the fan-out loop (lib/receiver-pool.ts forks it): it reads some of the
 * receivers' sockets, handed over by the parent after setup, so that reading 200 sockets is not
 * bounded by one load-generator process on a small machine.
 *
 * The receive path is the parent's: the same BenchConn / IrcConn raw handlers (FrameDecoder or the
 * CR LF splitter, one nowNs() per TCP chunk), the same messageIndex (lib/recogniser.ts, rebuilt
 * from the target's ReceiverSpec) and the same checks as lib/fanout-loop.ts: every message of the
 * phase exactly once per receiver, anything else reported as a problem.
 */
import type { Socket } from 'node:net';
import { BenchConn } from './bench-conn.ts';
import { IrcConn } from './irc-conn.ts';
import type { FromChild, ToChild } from './receiver-ipc.ts';
import { protocolOf, recogniser, type Recogniser } from './recogniser.ts';
import { originNs } from './stats.ts';
import { NOT_A_MESSAGE } from './target.ts';

type Conn = BenchConn | IrcConn;

const conns: { conn: Conn; receiver: number }[] = [];
let recognise: Recogniser | undefined;
let adopt: (socket: Socket) => Conn = () => {
  throw new Error('socket before init');
};
/** Added to this process's nowNs() to get the parent's. */
let toParentNs = 0;
let stopping = false;

function send(message: FromChild): void {
  process.send!(message);
}

function problem(text: string): void {
  if (!stopping) send({ type: 'problem', text });
}

function startPhase(first: number, count: number): void {
  const check = recognise!;
  const arrivalNs = new Float64Array(conns.length * count);
  const total = arrivalNs.length;
  let delivered = 0;
  const bytesBefore = conns.reduce((sum, c) => sum + c.conn.socket.bytesRead, 0);
  const finish = () => {
    for (const { conn } of conns) conn.rawHandler = undefined;
    for (let k = 0; k < total; k++) arrivalNs[k] = arrivalNs[k]! + toParentNs;
    const bytesRead = conns.reduce((sum, c) => sum + c.conn.socket.bytesRead, 0) - bytesBefore;
    send({ type: 'done', arrivalNs, bytesRead });
  };
  conns.forEach(({ conn, receiver: r }, j) => {
    const offset = j * count;
    conn.rawHandler = (payload, t) => {
      const index = check.messageIndex(payload);
      if (index === NOT_A_MESSAGE) {
        const text = check.problem(payload);
        if (text) problem(`receiver ${r}: ${text}`);
        return;
      }
      const i = index - first;
      if (i < 0 || i >= count) {
        problem(`receiver ${r}: unexpected message ${index}`);
        return;
      }
      if (arrivalNs[offset + i] !== 0) problem(`receiver ${r}: message ${index} twice`);
      arrivalNs[offset + i] = t;
      if (++delivered === total) finish();
    };
  });
  send({ type: 'ready' });
  if (total === 0) finish();
}

process.on('message', (message: ToChild, handle: unknown) => {
  switch (message.type) {
    case 'init': {
      recognise = recogniser(message.spec);
      adopt = protocolOf(message.spec) === 'irc' ? IrcConn.adopt : BenchConn.adopt;
      toParentNs = Number(originNs() - message.parentOrigin);
      break;
    }
    case 'socket': {
      const conn = adopt(handle as Socket);
      conns.push({ conn, receiver: message.receiver });
      conn.socket.on('close', () => problem(`receiver ${message.receiver}: connection closed`));
      send({ type: 'socket-taken', receiver: message.receiver });
      break;
    }
    case 'clock':
      send({ type: 'clock', hrtime: process.hrtime.bigint() });
      break;
    case 'phase':
      startPhase(message.first, message.count);
      break;
    case 'stop':
      stopping = true;
      for (const { conn } of conns) conn.destroy();
      process.disconnect();
      break;
  }
});
// The parent gone (crashed or killed): nothing left to do.
process.on('disconnect', () => {
  stopping = true;
  for (const { conn } of conns) conn.destroy();
});
