/**
 * The client library's reconnect rules against real servers: a name taken while away is never
 * final (the client keeps trying with backoff and keeps its outbox), and one msgId sent twice
 * settles both calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionStatus, ParleyClient } from '../src/main/core/client/parley-client.ts';
import { cleanupAll, connectClient, record, startServer, TcpProxy, waitFor, waitForEvent } from './support/harness.ts';

afterEach(cleanupAll);

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

describe('bug 4: name_taken during a reconnect is not final', () => {
  it('keeps retrying with backoff, keeps the outbox, and gets in once the name is free', async () => {
    const { port } = await startServer();
    const relay = await TcpProxy.start(port);
    const ada = await connectClient(relay.port, 'Ada');
    const { room } = await ada.createRoom('Lobby');
    await ada.joinRoom(room.id);
    const statuses = record<ConnectionStatus>(ada, 'status');

    relay.cut();
    await waitForEvent<ConnectionStatus>(ada, 'status', (s) => s.status === 'reconnecting');
    let squatter: ParleyClient | undefined;
    await waitFor(async () => {
      squatter = await connectClient(port, 'ADA', { reconnect: false }).catch(() => undefined);
      return squatter !== undefined;
    }, 'the name to be free');
    const queued = ada.sendMessage({ room: room.id }, 'queued while away', 'queued-1');
    let settled = false;
    void queued.then(
      () => (settled = true),
      () => (settled = true),
    );
    relay.restore();
    // A few refused (or variant) hellos: nothing is given up.
    await sleep(800);
    expect(statuses.map((s) => s.status)).not.toContain('closed');
    if (!ada.connected) expect(settled).toBe(false);

    squatter!.close();
    const stored = await queued;
    expect(stored.msgId).toBe('queued-1');
    expect(stored.from).toBe(ada.userId);
    expect(statuses.map((s) => s.status)).not.toContain('closed');
  });
});

describe('bug 5: sendMessage twice with one msgId', () => {
  it('while queued (disconnected): both promises settle with the one stored message', async () => {
    const { port } = await startServer();
    const relay = await TcpProxy.start(port);
    const ada = await connectClient(relay.port, 'Ada');
    const { room } = await ada.createRoom('Lobby');
    await ada.joinRoom(room.id);
    relay.cut();
    await waitForEvent<ConnectionStatus>(ada, 'status', (s) => s.status === 'reconnecting');
    const first = ada.sendMessage({ room: room.id }, 'twice', 'same-id');
    const second = ada.sendMessage({ room: room.id }, 'twice', 'same-id');
    expect(ada.unacknowledged).toBe(1);
    relay.restore();
    const [a, b] = await Promise.all([first, second]);
    expect(a.seq).toBe(b.seq);
    expect(a.msgId).toBe('same-id');
  });

  it('while in flight: both promises settle, with the same outcome', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const { room } = await ada.createRoom('Lobby');
    await ada.joinRoom(room.id);
    const first = ada.sendMessage({ room: room.id }, 'twice', 'live-id');
    const second = ada.sendMessage({ room: room.id }, 'twice', 'live-id');
    const [a, b] = await Promise.all([first, second]);
    expect(a).toEqual(b);
    // A refusal reaches both too.
    const tooLong = 'x'.repeat(ada.welcome!.limits.maxTextChars + 1);
    const r1 = ada.sendMessage({ room: room.id }, tooLong, 'long-id').catch((e: { code: string }) => e.code);
    const r2 = ada.sendMessage({ room: room.id }, tooLong, 'long-id').catch((e: { code: string }) => e.code);
    expect(await Promise.all([r1, r2])).toEqual(['text_too_long', 'text_too_long']);
    expect(ada.unacknowledged).toBe(0);
  });
});
