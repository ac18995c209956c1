/**
 * What a reconnect brings besides room messages, through the session (what the app sees):
 *  - the member list of each room rejoined after a reconnect (`roomMembers`): people who left or
 *    joined while we were away sent no memberLeft/memberJoined to us;
 *  - the direct messages a fresh session (the browser build after its page socket dropped) would
 *    otherwise treat as seen: `catchUpDm(server, user, {since})` emits them, once, in order.
 * Real servers on 127.0.0.1; the app's connection is cut with a relay in front of the server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryProfileStore } from '../src/main/core/session/profile.ts';
import { cleanupAll, connectClient, startServer } from './support/harness.ts';
import { key, namedSession, sessionInRoomViaRelay } from './support/session-recorder.ts';

afterEach(cleanupAll);

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

describe('member lists after a reconnect', () => {
  it('the session emits the fresh member list of each rejoined room', async () => {
    const { port } = await startServer();
    const { t, relay, k, room } = await sessionInRoomViaRelay(port, 'Ada', 'Lobby');
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

describe('catchUpDm: direct messages missed by a fresh session', () => {
  it('emits every DM after `since` exactly once, in order, across history pages', async () => {
    const { port } = await startServer({ limits: { ratePerSecond: 10_000, rateBurst: 10_000 } });
    const profile = new InMemoryProfileStore();
    const bob = await connectClient(port, 'Bob');
    const k = key(port);

    // Ada's first session (a browser page) sees Bob's first DM, then its page goes away.
    const first = await namedSession('Ada', { profile });
    const view = await first.session.connectServer({ host: '127.0.0.1', port });
    const ada = view.self!.id;
    await bob.sendMessage({ user: ada }, 'd1');
    await first.waitFor('message', (m) => m.message.text === 'd1');
    await first.session.close();

    // More than one history page (200) while she is away.
    const total = 260;
    await Promise.all(Array.from({ length: total - 1 }, (_, i) => bob.sendMessage({ user: ada }, `d${i + 2}`)));

    // The page's new session: it treats the DM as seen up to its newest message when it connects.
    const t = await namedSession('Ada', { profile, hop: { delayMs: 1 } });
    await t.session.connectServer({ host: '127.0.0.1', port });
    await t.waitFor('serverChanged', (v) => v.status === 'connected');
    await t.session.catchUpDm(k, bob.userId!, { since: 1 });
    await bob.sendMessage({ user: ada }, 'live');
    await t.waitFor('message', (m) => m.message.text === 'live');
    // Asking again from the same point (or later) emits nothing already emitted.
    await t.session.catchUpDm(k, bob.userId!, { since: 1 });
    await t.session.catchUpDm(k, bob.userId!, { since: 100 });
    await sleep(200);

    const expected = [...Array.from({ length: total - 1 }, (_, i) => `d${i + 2}`), 'live'];
    expect(t.all('message').map((m) => m.message.text)).toEqual(expected);
    const seqs = t.all('message').map((m) => m.message.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
