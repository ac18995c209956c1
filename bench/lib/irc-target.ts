/**
 * A target (lib/target.ts) on ngIRCd: one channel, `receivers` members besides the sender.
 *
 * The sender writes `PRIVMSG #bench :<text>` with the same ~100-byte text as the Parley targets
 * ("bench message <index> xxx…"). Every receiver gets `:<sender's mask> PRIVMSG #bench :<text>`;
 * the mask is known from the sender's 001 welcome, so a receiver recognises a delivery by a byte
 * compare of that fixed prefix and reads the index from the digits after it. IRC sends nothing
 * back to the sender (no echo, no ack).
 */
import { mapLimit, messageText } from './bench-conn.ts';
import { IrcConn } from './irc-conn.ts';
import { NGIRCD_OPER, NgircdProcess } from './ngircd.ts';
import { TEXT_BYTES } from './parley-target.ts';
import { recogniser, type ReceiverSpec } from './recogniser.ts';
import { closeTarget, excerpt, type Target } from './target.ts';

const CHANNEL = '#bench';
/** messageText(i) begins so: the index follows at a fixed offset. */
const TEXT_HEAD = 'bench message ';

export async function ircTarget(receivers: number): Promise<Target> {
  const server = await NgircdProcess.start();
  const conns: IrcConn[] = [];
  try {
    const sender = await IrcConn.register(server.port, 'sender');
    conns.push(sender);
    const welcome = sender.welcomeMask;
    if (!/^sender!\S+@\S+$/.test(welcome)) throw new Error(`ngIRCd's 001 did not end in the sender's mask: ${welcome}`);
    // Flood control off for the sender (user mode +F, IRC operators only): see lib/ngircd.ts.
    await sender.command(`OPER ${NGIRCD_OPER.name} ${NGIRCD_OPER.password}\r\n`, (m) => m.command === '381');
    await sender.command(
      'MODE sender +F\r\n',
      (m) => m.command === 'MODE' && m.params[0] === 'sender' && m.params[1]?.includes('F') === true,
    );
    await sender.join(CHANNEL);
    const members = await mapLimit(
      Array.from({ length: receivers }, (_, i) => i),
      50,
      async (i) => {
        const conn = await IrcConn.register(server.port, `r${i}`);
        conns.push(conn);
        await conn.join(CHANNEL);
        return conn;
      },
    );
    // As Parley's ping: once each PONG is back, every JOIN line queued before it has been read.
    await mapLimit(conns, 50, (c) => c.sync());

    const receiverSpec: ReceiverSpec = { kind: 'irc-prefix', prefix: `:${welcome} PRIVMSG ${CHANNEL} :${TEXT_HEAD}` };
    const recognise = recogniser(receiverSpec);
    return {
      name: 'ngIRCd',
      pid: server.pid,
      get running() {
        return server.running;
      },
      sender,
      receivers: members,
      acks: false,
      encode: (index) => Buffer.from(`PRIVMSG ${CHANNEL} :${messageText(index, TEXT_BYTES)}\r\n`),
      receiverSpec,
      messageIndex: recognise.messageIndex,
      isAck: () => false,
      // Nothing else is expected during a run, at the sender either (see lib/recogniser.ts).
      problem: (line, at) => (at === 'sender' ? excerpt(line) : recognise.problem(line)),
      stop: () => closeTarget(conns, server),
    };
  } catch (error) {
    await closeTarget(conns, server);
    throw new Error(`${(error as Error).message}\n${server.recentLogs.slice(-10).join('\n')}`, { cause: error });
  }
}
