/**
 * What survives: restarts on the same data folder, `kill -9` of the headless server right after an
 * acknowledgement, a clean SIGTERM, and clients that reconnect and resume by themselves
 * (queued messages stored exactly once, missed messages emitted exactly once).
 */
import { copyFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../src/main/core/client/parley-client.ts';
import { HistoryStore } from '../src/main/core/store/history-store.ts';
import type { ChatMessage, ErrorFrame, RoomInfo, WelcomeFrame } from '../src/shared/protocol/server-frames.ts';
import {
  cleanupAll,
  connectClient,
  freePort,
  RawClient,
  spawnCli,
  startServer,
  TcpProxy,
  tempDir,
  waitForEvent,
  type CliProcess,
  barrier,
  fullHistory,
  record,
} from './support/harness.ts';

afterEach(cleanupAll);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const statusIs = (status: ConnectionStatus['status']) => (s: ConnectionStatus) => s.status === status;

/** Kills the CLI with SIGKILL and waits until it is gone. */
async function killHard(cli: CliProcess): Promise<void> {
  cli.child.kill('SIGKILL');
  expect(await cli.exited).toBe('SIGKILL');
}

/** A config file that lifts the per-connection rate limit, for bursts from one client. */
function burstConfig(dir: string): string {
  const path = join(dir, 'burst.toml');
  writeFileSync(path, '[limits]\nrate_per_second = 100000\nrate_burst = 100000\n');
  return path;
}

/** A CLI server without rate limits, and Ada (not reconnecting) in a fresh room "Burst". */
async function startBurst() {
  const dataDir = tempDir();
  const args = ['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--config', burstConfig(dataDir)];
  const cli = await spawnCli(args);
  const client = await connectClient(cli.port, 'Ada', { reconnect: false });
  const credentials = client.welcome!.credentials!;
  const { room } = await client.createRoom('Burst');
  await client.joinRoom(room.id);
  return { dataDir, args, cli, client, credentials, room };
}

/** Opens a copy of the database as it was left on disk and checks that SQLite finds it sound. */
function checkDatabaseCopy(dataDir: string): { messages: number } {
  const copy = tempDir('parley-copy-');
  for (const suffix of ['', '-wal']) {
    const file = join(dataDir, `parley.db${suffix}`);
    if (existsSync(file)) copyFileSync(file, join(copy, `parley.db${suffix}`));
  }
  const db = new DatabaseSync(join(copy, 'parley.db'));
  try {
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    const row = db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    return { messages: row.n };
  } finally {
    db.close();
  }
}

describe('restart on the same data folder', () => {
  it('keeps the server id, users, rooms and history with the same seqs', async () => {
    const first = await startServer();
    const ada = await connectClient(first.port, 'Ada');
    const bob = await connectClient(first.port, 'Bob');
    const adaCredentials = ada.welcome!.credentials!;
    const serverId = ada.welcome!.server.id;
    const lobby = (await ada.createRoom('Lobby', 'Say hi')).room;
    const quiet = (await ada.createRoom('Quiet')).room;
    await ada.joinRoom(lobby.id);
    await bob.joinRoom(lobby.id);
    const roomMessages: ChatMessage[] = [];
    for (let i = 1; i <= 5; i++)
      roomMessages.push(await (i % 2 ? ada : bob).sendMessage({ room: lobby.id }, `hello ${i}\nline 2`));
    const dm = await ada.sendMessage({ user: bob.userId! }, 'just between us');
    const { rooms: roomsBefore } = await ada.listRooms();
    ada.close();
    bob.close();
    await first.server.close();

    const second = await startServer({ dataDir: first.dataDir });
    const again = await connectClient(second.port, 'Ada', { credentials: adaCredentials });
    expect(again.welcome!.server.id).toBe(serverId);
    expect(again.userId).toBe(adaCredentials.userId);
    const idle = (r: RoomInfo) => ({ ...r, members: 0 });
    expect(again.welcome!.rooms).toEqual(roomsBefore.map(idle));
    expect(again.welcome!.rooms.map((r) => r.id)).toEqual([lobby.id, quiet.id]);

    const join = await again.joinRoom(lobby.id);
    expect(join.messages).toEqual(roomMessages);
    expect(join.room).toMatchObject({ id: lobby.id, name: 'Lobby', topic: 'Say hi', lastSeq: 5 });
    expect((await again.history({ user: bob.userId! })).messages).toEqual([dm]);
    expect((await again.dmList()).conversations).toEqual([
      { user: { id: bob.userId, name: 'Bob' }, lastSeq: 1, lastActivity: dm.ts },
    ]);
    // Numbering goes on where it stopped; names stay taken.
    expect((await again.sendMessage({ room: lobby.id }, 'after the restart')).seq).toBe(6);
    expect((await again.sendMessage({ user: bob.userId! }, 'still here')).seq).toBe(2);
    expect(await again.createRoom('LOBBY').catch((e: { code: string }) => e.code)).toBe('room_exists');
    // A second restart: the server id is kept for the life of the folder.
    again.close();
    await second.server.close();
    const third = await startServer({ dataDir: first.dataDir });
    const once = await connectClient(third.port, 'Ada', { credentials: adaCredentials });
    expect(once.welcome!.server.id).toBe(serverId);
    expect((await once.joinRoom(lobby.id)).room.lastSeq).toBe(6);
  });
});

describe('room order', () => {
  it('rooms created within one millisecond come back in creation order after reopening', () => {
    const dir = tempDir('parley-order-');
    const names = ['Zulu', 'Alpha', 'Mike', 'Bravo', 'Yankee', 'Charlie', 'Xray', 'Delta'];
    const store = HistoryStore.open(dir);
    const created = names.map((name) => store.createRoom(name, name.toLowerCase(), '', 'u_test', 1_000)!.id);
    store.close();
    const reopened = HistoryStore.open(dir);
    try {
      expect(reopened.listRooms().map((r) => r.id)).toEqual(created);
    } finally {
      reopened.close();
    }
  });
});

describe('kill -9', () => {
  it('keeps every message acknowledged right before the process was killed', async () => {
    const dataDir = tempDir();
    const args = ['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir];
    let credentials: { userId: string; token: string } | undefined;
    let roomId = '';
    const acknowledged: ChatMessage[] = [];
    for (let round = 1; round <= 4; round++) {
      const cli = await spawnCli(args);
      const client = await connectClient(cli.port, 'Ada', {
        reconnect: false,
        ...(credentials ? { credentials } : {}),
      });
      credentials ??= client.welcome!.credentials!;
      expect(client.userId).toBe(credentials.userId);
      if (!roomId) roomId = (await client.createRoom('Durable')).room.id;
      const join = await client.joinRoom(roomId);
      expect(join.messages).toEqual(acknowledged);
      // The kill follows the acknowledgement immediately, in the same turn of the event loop.
      const closed = waitForEvent(client, 'status', statusIs('closed'));
      const ack = await client.sendMessage({ room: roomId }, `round ${round}`).then((message) => {
        cli.child.kill('SIGKILL');
        return message;
      });
      acknowledged.push(ack);
      expect(await cli.exited).toBe('SIGKILL');
      await closed;
      client.close();
    }
    expect(checkDatabaseCopy(dataDir).messages).toBe(4);
    const cli = await spawnCli(args);
    const client = await connectClient(cli.port, 'Ada', { credentials: credentials! });
    await client.joinRoom(roomId);
    const history = await fullHistory(client, { room: roomId });
    expect(history).toEqual(acknowledged);
    expect(history.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps all 200 messages of a burst when killed right after the last acknowledgement', async () => {
    const { dataDir, args, cli, client, credentials, room } = await startBurst();
    const sends = range(1, 200).map((i) => client.sendMessage({ room: room.id }, `burst ${i}`, `burst-${i}`));
    const acks = await Promise.all(sends).then((all) => {
      cli.child.kill('SIGKILL');
      return all;
    });
    expect(await cli.exited).toBe('SIGKILL');
    client.close();
    expect(acks.map((a) => a.seq)).toEqual(range(1, 200));

    expect(checkDatabaseCopy(dataDir).messages).toBe(200);
    const restarted = await spawnCli(args);
    const reader = await connectClient(restarted.port, 'Ada', { credentials });
    await reader.joinRoom(room.id);
    const history = await fullHistory(reader, { room: room.id });
    expect(history).toEqual(acks);
    expect(history.map((m) => m.text)).toEqual(range(1, 200).map((i) => `burst ${i}`));
  });

  it('keeps every acknowledged message when killed in the middle of a burst', async () => {
    const { args, cli, client, credentials, room } = await startBurst();
    const acknowledged: ChatMessage[] = [];
    const sends = range(1, 300).map((i) =>
      client.sendMessage({ room: room.id }, `burst ${i}`, `burst-${i}`).then(
        (message) => {
          acknowledged.push(message);
          if (acknowledged.length === 100) cli.child.kill('SIGKILL');
        },
        () => {}, // the rest are lost with the connection
      ),
    );
    expect(await cli.exited).toBe('SIGKILL');
    client.close();
    await Promise.all(sends);
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);

    const restarted = await spawnCli(args);
    const reader = await connectClient(restarted.port, 'Ada', { credentials });
    await reader.joinRoom(room.id);
    const history = await fullHistory(reader, { room: room.id });
    // Everything acknowledged is there; what is there is numbered without gaps, in sending order.
    const stored = new Map(history.map((m) => [m.msgId, m]));
    for (const ack of acknowledged) expect(stored.get(ack.msgId)).toEqual(ack);
    expect(history.map((m) => m.seq)).toEqual(range(1, history.length));
    expect(history.map((m) => m.msgId)).toEqual(range(1, history.length).map((i) => `burst-${i}`));
  });
});

describe('clean shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s tells clients server_shutdown, commits, logs "stopped" and exits 0',
    async (signal) => {
      const dataDir = tempDir();
      const args = ['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir];
      const cli = await spawnCli(args);
      const client = await connectClient(cli.port, 'Ada');
      const credentials = client.welcome!.credentials!;
      const { room } = await client.createRoom('Lobby');
      await client.joinRoom(room.id);
      const sent = await client.sendMessage({ room: room.id }, 'before the shutdown');
      const { client: raw } = await RawClient.hello(cli.port, 'Raw');

      const notice = waitForEvent<ErrorFrame>(client, 'server_error');
      const reconnecting = waitForEvent(client, 'status', statusIs('reconnecting'));
      cli.child.kill(signal);
      expect(await notice).toEqual({
        type: 'error',
        code: 'server_shutdown',
        message: expect.any(String),
        fatal: true,
      });
      await reconnecting; // not a final code: the client will try again
      expect(await raw.next((f) => f.type === 'error')).toMatchObject({ code: 'server_shutdown', fatal: true });
      await raw.waitClosed();
      expect(await cli.closed).toBe(0);
      expect(cli.logs.find((l) => l['msg'] === 'shutting down')).toMatchObject({ signal });
      expect(cli.logs.at(-1)).toMatchObject({ msg: 'stopped' });
      // Checkpointed and closed: nothing is left in a write-ahead log.
      const wal = join(dataDir, 'parley.db-wal');
      expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
      client.close();

      const restarted = await spawnCli(args);
      const again = await connectClient(restarted.port, 'Ada', { credentials });
      expect((await again.joinRoom(room.id)).messages).toEqual([sent]);
    },
  );
});

describe('reconnect and resume', () => {
  it('after a restart on the same port: queued messages stored once in order, missed ones emitted once', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const first = await startServer({ port, dataDir });
    // Ada reaches the server through a relay, so that she can stay away while Bob is back.
    const relay = await TcpProxy.start(port);
    const ada = await connectClient(relay.port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const adaId = ada.userId;
    const serverId = ada.welcome!.server.id;
    const { room } = await ada.createRoom('Lobby');
    await ada.joinRoom(room.id);
    await bob.joinRoom(room.id);
    await ada.sendMessage({ room: room.id }, 'a0', 'a-0');
    await bob.sendMessage({ room: room.id }, 'b0', 'b-0');
    await barrier(ada, bob);
    const adaGot = record<ChatMessage>(ada, 'message');
    const bobGot = record<ChatMessage>(bob, 'message');

    // Ada drops off, then the server goes down.
    const adaAway = waitForEvent<ConnectionStatus>(ada, 'status', statusIs('reconnecting'));
    relay.cut();
    await adaAway;
    const bobAway = waitForEvent<ConnectionStatus>(bob, 'status', statusIs('reconnecting'));
    await first.server.close();
    await bobAway;

    // Ada writes five messages while disconnected: they wait in her outbox.
    const queued = range(1, 5).map((i) => ada.sendMessage({ room: room.id }, `a${i}`, `a-${i}`));
    expect(ada.unacknowledged).toBe(5);
    expect(ada.connected).toBe(false);

    // The server comes back on the same port and data; Bob reconnects by himself and writes.
    const bobBack = waitForEvent<WelcomeFrame>(bob, 'welcome');
    const second = await startServer({ port, dataDir });
    expect((await bobBack).server.id).toBe(serverId);
    const bobSent: ChatMessage[] = [];
    for (let i = 1; i <= 3; i++) bobSent.push(await bob.sendMessage({ room: room.id }, `b${i}`, `b-${i}`));
    expect(ada.unacknowledged).toBe(5);

    // Ada's network comes back: she reconnects, catches up and sends her outbox.
    const adaBack = waitForEvent<WelcomeFrame>(ada, 'welcome');
    relay.restore();
    expect((await adaBack).user.id).toBe(adaId);
    const acks = await Promise.all(queued);
    expect(ada.unacknowledged).toBe(0);
    await barrier(ada, bob);

    const history = await fullHistory(bob, { room: room.id });
    expect(history.map((m) => m.msgId)).toEqual(['a-0', 'b-0', 'b-1', 'b-2', 'b-3', 'a-1', 'a-2', 'a-3', 'a-4', 'a-5']);
    expect(history.map((m) => m.seq)).toEqual(range(1, 10));
    expect(acks).toEqual(history.slice(5));
    expect(bobSent).toEqual(history.slice(2, 5));
    // Ada saw Bob's messages from while she was away exactly once (catch-up), then her own.
    expect(adaGot.map((m) => m.msgId)).toEqual(['b-1', 'b-2', 'b-3', 'a-1', 'a-2', 'a-3', 'a-4', 'a-5']);
    // Bob saw his own and each of Ada's exactly once.
    expect(bobGot.map((m) => m.msgId)).toEqual(['b-1', 'b-2', 'b-3', 'a-1', 'a-2', 'a-3', 'a-4', 'a-5']);
    expect(second.server.connectionCount).toBe(2);
  });

  it('emits room messages missed while away exactly once, even when a new one arrives during the catch-up', async () => {
    const { port } = await startServer();
    const relay = await TcpProxy.start(port);
    const ada = await connectClient(relay.port, 'Ada');
    const cy = await connectClient(port, 'Cy');
    const { room } = await cy.createRoom('Lobby');
    await cy.joinRoom(room.id);
    await ada.joinRoom(room.id);
    await cy.sendMessage({ room: room.id }, 'r0', 'r-0');
    await barrier(ada);
    const adaGot = record<ChatMessage>(ada, 'message');

    const away = waitForEvent(ada, 'status', statusIs('reconnecting'));
    relay.cut();
    await away;
    for (let i = 1; i <= 3; i++) await cy.sendMessage({ room: room.id }, `r${i}`, `r-${i}`);
    let live: Promise<ChatMessage[]> | undefined;
    ada.once('welcome', () => {
      live = Promise.all(range(4, 6).map((i) => cy.sendMessage({ room: room.id }, `r${i}`, `r-${i}`)));
    });
    const gotAll = waitForEvent<ChatMessage>(ada, 'message', (m) => m.msgId === 'r-6');
    relay.restore();
    await gotAll;
    await live;
    await barrier(ada);
    expect(adaGot.map((m) => m.msgId)).toEqual(range(1, 6).map((i) => `r-${i}`));
  });

  it('emits direct messages missed while away exactly once, even when a new one arrives during the catch-up', async () => {
    const { port } = await startServer();
    const relay = await TcpProxy.start(port);
    const ada = await connectClient(relay.port, 'Ada');
    const cy = await connectClient(port, 'Cy');
    await cy.sendMessage({ user: ada.userId! }, 'd0', 'd-0');
    await barrier(ada);
    const adaGot = record<ChatMessage>(ada, 'message');

    const away = waitForEvent(ada, 'status', statusIs('reconnecting'));
    relay.cut();
    await away;
    for (let i = 1; i <= 3; i++) await cy.sendMessage({ user: ada.userId! }, `d${i}`, `d-${i}`);
    // The moment Ada is back, Cy writes again: it arrives live while Ada is still catching up.
    let live: Promise<ChatMessage> | undefined;
    ada.once('welcome', () => {
      live = cy.sendMessage({ user: ada.userId! }, 'd4', 'd-4');
    });
    const gotAll = waitForEvent<ChatMessage>(ada, 'message', (m) => m.msgId === 'd-4');
    relay.restore();
    await gotAll;
    await live;
    await barrier(ada);
    expect(adaGot.map((m) => m.msgId)).toEqual(['d-1', 'd-2', 'd-3', 'd-4']);
  });

  it('stores a message once when its acknowledgement was lost and it is resent after a restart', async () => {
    const first = await startServer();
    const { client: raw, welcome } = await RawClient.hello(first.port, 'Ada');
    const credentials = welcome['credentials'] as { userId: string; token: string };
    const created = await raw.request({ type: 'room_create', name: 'Lobby' });
    const roomId = (created['data'] as { room: RoomInfo }).room.id;
    await raw.request({ type: 'room_join', room: roomId });
    const bob = await connectClient(first.port, 'Bob');
    await bob.joinRoom(roomId);

    // The send reaches the server, but the connection is gone before the acknowledgement is read.
    const delivered = waitForEvent<ChatMessage>(bob, 'message', (m) => m.msgId === 'm1');
    raw.send({ type: 'send', id: 1, room: roomId, msgId: 'm1', text: 'only once' });
    raw.socket.end();
    const original = await delivered;
    bob.close();
    await first.server.close();

    const second = await startServer({ dataDir: first.dataDir });
    const again = await RawClient.open(second.port);
    again.send({ type: 'hello', protocol: 1, name: 'Ada', resume: credentials });
    expect(await again.next((f) => f.type === 'welcome')).toMatchObject({ user: { id: credentials.userId } });
    await again.request({ type: 'room_join', room: roomId });
    const resent = await again.request({ type: 'send', room: roomId, msgId: 'm1', text: 'only once' });
    expect(resent).toMatchObject({ type: 'result', data: { duplicate: true, message: original } });
    // Twice in a row, in the same turn: still one copy.
    again.send({ type: 'send', id: 'x', room: roomId, msgId: 'm2', text: 'second' });
    again.send({ type: 'send', id: 'y', room: roomId, msgId: 'm2', text: 'second' });
    const x = await again.next((f) => f['re'] === 'x');
    const y = await again.next((f) => f['re'] === 'y');
    expect(x).toMatchObject({ type: 'result', data: { duplicate: false, message: { seq: 2 } } });
    expect(y).toMatchObject({
      type: 'result',
      data: { duplicate: true, message: (x['data'] as { message: ChatMessage }).message },
    });

    const history = await again.request({ type: 'history', room: roomId });
    expect((history['data'] as { messages: ChatMessage[] }).messages.map((m) => m.msgId)).toEqual(['m1', 'm2']);
  });

  it('stores a message once when the server was killed before the acknowledgement was read', async () => {
    const dataDir = tempDir();
    const args = ['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir];
    const cli = await spawnCli(args);
    const { client: raw, welcome } = await RawClient.hello(cli.port, 'Ada');
    const credentials = welcome['credentials'] as { userId: string; token: string };
    const created = await raw.request({ type: 'room_create', name: 'Lobby' });
    const roomId = (created['data'] as { room: RoomInfo }).room.id;
    await raw.request({ type: 'room_join', room: roomId });
    raw.send({ type: 'send', id: 'lost', room: roomId, msgId: 'm1', text: 'only once' });
    // Wait until the reply is on its way (so the message is committed), then kill without reading it.
    const ackOnTheWire = await raw.next((f) => f['re'] === 'lost');
    await killHard(cli);

    const restarted = await spawnCli(args);
    const again = await RawClient.open(restarted.port);
    again.send({ type: 'hello', protocol: 1, name: 'Ada', resume: credentials });
    await again.next((f) => f.type === 'welcome');
    await again.request({ type: 'room_join', room: roomId });
    const resent = await again.request({ type: 'send', room: roomId, msgId: 'm1', text: 'only once' });
    const original = (ackOnTheWire['data'] as { message: ChatMessage }).message;
    expect(resent).toMatchObject({ type: 'result', data: { duplicate: true, message: original } });
    const history = await again.request({ type: 'history', room: roomId });
    expect((history['data'] as { messages: ChatMessage[] }).messages).toEqual([original]);
  });
});
