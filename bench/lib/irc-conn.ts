/**
 * A cheap IRC client for load generation, of the same design as bench-conn.ts: a raw socket, and
 * lines split on CR LF without decoding the chunk as a string.
 *
 * Outside the measured phase every line is decoded and parsed, and a waiter per request resolves
 * on its reply (registration → 001, JOIN → 366 end of NAMES, PING → PONG). During the measured
 * phase a benchmark installs a `rawHandler` that sees each line's bytes (without CR LF) with the
 * arrival time of its TCP chunk — the same nowNs() as BenchConn — so that 200 receivers cost
 * little more than the bytes they read. A PING from the server is answered in both phases.
 */
import type { Socket } from 'node:net';
import { connectSocket, type RawHandler } from './bench-conn.ts';
import { nowNs } from './stats.ts';
import { releaseSocket } from './target.ts';

const CR = 0x0d;
const LF = 0x0a;
const PING = Buffer.from('PING ');

export interface IrcMessage {
  prefix: string;
  command: string;
  params: string[];
}

/** Parses one line (RFC 2812 §2.3.1: [":" prefix SP] command *(SP param) [SP ":" trailing]). */
export function parseIrcLine(line: string): IrcMessage {
  let rest = line;
  let prefix = '';
  if (rest.startsWith(':')) {
    const space = rest.indexOf(' ');
    prefix = rest.slice(1, space === -1 ? undefined : space);
    rest = space === -1 ? '' : rest.slice(space + 1);
  }
  const params: string[] = [];
  let command = '';
  while (rest.length > 0) {
    if (rest.startsWith(':') && command !== '') {
      params.push(rest.slice(1));
      break;
    }
    const space = rest.indexOf(' ');
    const word = space === -1 ? rest : rest.slice(0, space);
    rest = space === -1 ? '' : rest.slice(space + 1).replace(/^ +/, '');
    if (command === '') command = word.toUpperCase();
    else params.push(word);
  }
  return { prefix, command, params };
}

interface Waiter {
  /** True when `message` is the awaited reply; throws when it is a refusal. */
  match: (message: IrcMessage) => boolean;
  resolve: (message: IrcMessage) => void;
  reject: (error: Error) => void;
}

/** Numeric replies 400–599 are errors (RFC 2812 §5.2). */
function isErrorNumeric(command: string): boolean {
  return /^[45]\d\d$/.test(command);
}

export class IrcConn {
  readonly socket: Socket;
  rawHandler: RawHandler | undefined;
  nick = '';
  /** The last word of the 001 welcome: this client's full mask, nick!user@host (RFC 2812 §5.1). */
  welcomeMask = '';
  closed = false;
  closeError: Error | undefined;
  /** The part of the last chunk after its last LF (a line cut by the TCP segmentation). */
  private partial: Buffer | undefined;
  private readonly waiters = new Set<Waiter>();
  private nextToken = 1;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => (this.closeError = error));
    socket.on('close', () => {
      this.closed = true;
      const error = this.closeError ?? new Error('connection closed');
      for (const w of this.waiters) w.reject(error);
      this.waiters.clear();
    });
  }

  static async open(port: number, host = '127.0.0.1', timeoutMs = 10_000): Promise<IrcConn> {
    return new IrcConn(await connectSocket(port, host, timeoutMs));
  }

  /** Wraps a socket another process registered and handed over (lib/receiver-child.ts). */
  static adopt(socket: Socket): IrcConn {
    const conn = new IrcConn(socket);
    socket.resume();
    return conn;
  }

  /** See RawConn.detach (lib/target.ts). */
  detach(): Socket {
    if (this.partial || this.waiters.size > 0) {
      throw new Error('cannot hand over a connection with a partial line or a command in flight');
    }
    return releaseSocket(this.socket);
  }

  /** Connects and registers (NICK, USER), resolving on 001 RPL_WELCOME. */
  static async register(port: number, nick: string): Promise<IrcConn> {
    const conn = await IrcConn.open(port);
    try {
      conn.nick = nick;
      const welcome = await conn.command(
        `NICK ${nick}\r\nUSER ${nick} 0 * :Parley bench\r\n`,
        (m) => m.command === '001',
      );
      conn.welcomeMask = welcome.params.at(-1)?.split(' ').at(-1) ?? '';
    } catch (error) {
      conn.destroy();
      throw error;
    }
    return conn;
  }

  private onData(chunk: Buffer): void {
    const t = nowNs();
    let data = chunk;
    if (this.partial) {
      data = Buffer.concat([this.partial, chunk]);
      this.partial = undefined;
    }
    let start = 0;
    for (;;) {
      const lf = data.indexOf(LF, start);
      if (lf === -1) break;
      const end = lf > start && data[lf - 1] === CR ? lf - 1 : lf;
      const line = data.subarray(start, end);
      start = lf + 1;
      if (line.length === 0) continue;
      if (line.length > PING.length && line.compare(PING, 0, PING.length, 0, PING.length) === 0) {
        // "PING <token>" → "PONG <token>": the server would disconnect a silent client.
        this.socket.write(Buffer.concat([Buffer.from('PONG '), line.subarray(PING.length), Buffer.from('\r\n')]));
        continue;
      }
      const raw = this.rawHandler;
      if (raw) raw(line, t);
      else this.onLine(parseIrcLine(line.toString('utf8')));
    }
    // Copied: the chunk's memory must not be kept alive (or changed) under us.
    if (start < data.length) this.partial = Buffer.from(data.subarray(start));
  }

  private onLine(message: IrcMessage): void {
    for (const w of this.waiters) {
      let matched: boolean;
      try {
        matched = w.match(message);
      } catch (error) {
        this.waiters.delete(w);
        w.reject(error as Error);
        continue;
      }
      if (matched) {
        this.waiters.delete(w);
        w.resolve(message);
      }
    }
  }

  /**
   * Writes `lines` (CR LF terminated) and resolves on the first line for which `match` holds.
   * An error numeric or ERROR line while waiting rejects (ngIRCd answers a refused command so).
   */
  command(lines: string, match: (m: IrcMessage) => boolean, timeoutMs = 30_000): Promise<IrcMessage> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.nick}: no reply to ${JSON.stringify(lines.trim())} in ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        match: (m) => {
          if (match(m)) return true;
          if (isErrorNumeric(m.command) || m.command === 'ERROR') {
            throw new Error(
              `${this.nick}: ${JSON.stringify(lines.trim())} refused: ${m.command} ${m.params.join(' ')}`,
            );
          }
          return false;
        },
        resolve: (m) => {
          clearTimeout(timer);
          resolvePromise(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.add(waiter);
      this.socket.write(lines);
    });
  }

  /** JOIN, resolving on 366 RPL_ENDOFNAMES for the channel (the join is complete). */
  async join(channel: string): Promise<void> {
    await this.command(`JOIN ${channel}\r\n`, (m) => m.command === '366' && m.params[1] === channel);
  }

  /**
   * A PING round trip: once its PONG is back, every line the server queued for this connection
   * before it (e.g. other clients' JOINs) has been read.
   */
  async sync(): Promise<void> {
    const token = `sync${this.nextToken++}`;
    await this.command(`PING :${token}\r\n`, (m) => m.command === 'PONG' && m.params.at(-1) === token);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
