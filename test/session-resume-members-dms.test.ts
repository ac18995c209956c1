/**
 * What a reconnect brings besides room messages, through the session (what the app sees):
 *  - the member list of each room rejoined after a reconnect (`roomMembers`): people who left or
 *    joined while we were away sent no memberLeft/memberJoined to us;
 *  - the direct messages a fresh session (the browser build after its page socket dropped) would
 *    otherwise treat as seen: `catchUpDm(server, user, {since})` emits them, once, in order.
 * Real servers on 127.0.0.1; the app's connection is cut with a relay in front of the server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupAll, connectClient, startServer, TcpProxy } from './support/harness.ts';
import { key, namedSession } from './support/session-recorder.ts';

afterEach(cleanupAll);

describe('member lists after a reconnect', () => {
  it('the session emits the fresh member list of each rejoined room', async () => {
    const { port } = await startServer();
    const relay = await TcpProxy.start(port);
    const t = await namedSession('Ada');
    const k = key(relay.port);
    await t.session.connectServer({ host: '127.0.0.1', port: relay.port });
    const room = await t.session.createRoom(k, { name: 'Lobby' });
    await t.session.joinRoom(k, room.id);
    const bob = await connectClient(port, 'Bob');
    await bob.joinRoom(room.id);
    await t.waitFor('memberJoined', (e) => e.user.name === 'Bob');

    const mark = t.events.length;
    relay.cut();
    await t.waitFor('serverChanged', (v) => v.status === 'reconnecting', 5000, mark);
    // While Ada is away: Bob leaves, Carol joins. Ada hears of neither.
    await bob.leaveRoom(room.id);
    const carol = await connectClient(port, 'Carol');
    await carol.joinRoom(room.id);
    relay.restore();

    const fresh = await t.waitFor('roomMembers', (e) => e.room === room.id, 10_000, mark);
    expect(fresh.server).toBe(k);
    expect(fresh.members.map((m) => m.name).sort()).toEqual(['Ada', 'Carol']);
    await t.waitFor('serverChanged', (v) => v.status === 'connected', 10_000, mark);
  });
});
