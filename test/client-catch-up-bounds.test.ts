/**
 * The client library's memory stays bounded while it catches up: live messages that arrive during
 * a catch-up are held only up to `maxHeldMessages`; the rest are fetched from history afterwards,
 * so every one is still emitted once and in order. The outbox is bounded too, and a room left
 * while a resume runs stays left; a direct message during the first baseline is emitted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../src/shared/protocol/server-frames.ts';
import { ParleyClient, type ConnectionStatus } from '../src/main/core/client/parley-client.ts';
import { FrameProxy } from './support/frame-proxy.ts';
import { cleanupAll, connectClient, onCleanup, record, startServer, waitFor, waitForEvent } from './support/harness.ts';

afterEach(cleanupAll);

describe('live messages during a catch-up', () => {
  it('holds at most maxHeldMessages and still emits every message once, in order', async () => {
    const { port } = await startServer();
    const relay = await FrameProxy.start(port);
    // The resume's swallowed dm_list (after the room is rejoined) stays unanswered for
    // requestTimeoutMs: the window in which live room messages arrive and are held.
    const ada = await connectClient(relay.port, 'Ada', { requestTimeoutMs: 3000, maxHeldMessages: 3 });
    const bob = await connectClient(port, 'Bob');
    const { room } = await ada.createRoom('Lobby');
    await ada.joinRoom(room.id);
    await bob.joinRoom(room.id);
    const seen = record<ChatMessage>(ada, 'message');

    relay.cut();
    await waitForEvent<ConnectionStatus>(ada, 'status', (s) => s.status === 'reconnecting');
    await bob.sendMessage({ room: room.id }, 'while away');
    let swallowed = false;
    relay.filter = (frame) => {
      if (frame.type !== 'dm_list' || swallowed) return 'pass';
      swallowed = true;
      return 'drop';
    };
    relay.restore();
    await waitFor(() => swallowed, 'the dm_list to be swallowed');
    for (let i = 1; i <= 10; i++) await bob.sendMessage({ room: room.id }, `live ${i}`);
    await waitFor(() => ada.heldMessages === 3, 'the held messages to reach the bound');
    await new Promise((wake) => setTimeout(wake, 100));
    expect(ada.heldMessages).toBe(3);

    await waitForEvent<ConnectionStatus>(ada, 'status', (s) => s.status === 'connected', 10_000);
    await waitFor(() => seen.length === 11, 'every missed and live message', 10_000);
    expect(seen.map((m) => m.text)).toEqual(['while away', ...Array.from({ length: 10 }, (_, i) => `live ${i + 1}`)]);
    expect(ada.heldMessages).toBe(0);
  });
});

describe('the outbox while the server is away', () => {
  it('refuses a send beyond maxUnsentMessages with outbox_full and keeps the ones queued', async () => {
    const { port } = await startServer();
    const relay = await FrameProxy.start(port);
    const ada = await connectClient(relay.port, 'Ada', { maxUnsentMessages: 2 });
    const { room } = await ada.createRoom('Lobby');
    await ada.joinRoom(room.id);
    relay.cut();
    await waitForEvent<ConnectionStatus>(ada, 'status', (s) => s.status === 'reconnecting');
    const first = ada.sendMessage({ room: room.id }, 'one');
    const second = ada.sendMessage({ room: room.id }, 'two');
    const third = ada.sendMessage({ room: room.id }, 'three').catch((e: { code: string }) => e.code);
    expect(await third).toBe('outbox_full');
    expect(ada.unacknowledged).toBe(2);
    relay.restore();
    const stored = await Promise.all([first, second]);
    expect(stored.map((m) => m.text)).toEqual(['one', 'two']);
    expect(ada.unacknowledged).toBe(0);
  });
});

describe('leaving a room while the resume runs', () => {
  it('is not undone by the resume rejoining it', async () => {
    const { port } = await startServer();
    const relay = await FrameProxy.start(port);
    const ada = await connectClient(relay.port, 'Ada', { requestTimeoutMs: 1000 });
    const bob = await connectClient(port, 'Bob');
    const { room: first } = await ada.createRoom('First');
    const { room: second } = await ada.createRoom('Second');
    await ada.joinRoom(first.id);
    await ada.joinRoom(second.id);
    await bob.joinRoom(second.id);
    const seen = record<ChatMessage>(ada, 'message');

    relay.cut();
    await waitForEvent<ConnectionStatus>(ada, 'status', (s) => s.status === 'reconnecting');
    let swallowed = false;
    relay.filter = (frame) => {
      if (frame.type !== 'room_join' || swallowed) return 'pass';
      swallowed = true; // the rejoin of First: the resume waits for it, Second comes after
      return 'drop';
    };
    relay.restore();
    await waitFor(() => swallowed, 'the first rejoin to be swallowed');
    // Not a member on this connection yet: the server may refuse the leave; the client forgets it.
    await ada.leaveRoom(second.id).catch(() => {});
    await waitForEvent<ConnectionStatus>(ada, 'status', (s) => s.status === 'connected', 10_000);

    await bob.sendMessage({ room: second.id }, 'after Ada left');
    const { members } = await bob.members(second.id);
    expect(members.map((m) => m.name)).toEqual(['Bob']);
    await new Promise((wake) => setTimeout(wake, 100));
    expect(seen.filter((m) => m.room === second.id)).toEqual([]);
  });
});

describe("a direct message during the first welcome's baseline", () => {
  it('is emitted: it is news, not history', async () => {
    const { port } = await startServer();
    const relay = await FrameProxy.start(port);
    let swallowed = false;
    relay.filter = (frame) => {
      if (frame.type !== 'dm_list' || swallowed) return 'pass';
      swallowed = true; // the baseline's dm_list: retried after requestTimeoutMs
      return 'drop';
    };
    const bob = await connectClient(port, 'Bob');
    const ada = new ParleyClient({ host: '127.0.0.1', port: relay.port, name: 'Ada', requestTimeoutMs: 1000 });
    onCleanup(() => ada.close());
    const seen = record<ChatMessage>(ada, 'message');
    const connected = ada.connect();
    await waitFor(() => swallowed, 'the baseline dm_list to be swallowed');
    await bob.sendMessage({ user: ada.userId! }, 'hello Ada');
    await connected;

    await waitFor(() => seen.length === 1, 'the direct message');
    expect(seen.map((m) => m.text)).toEqual(['hello Ada']);
  });
});
