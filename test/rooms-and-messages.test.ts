/**
 * Rooms, messages, direct messages, renames, presence, history paging, text rules, identity and
 * a full disk — as users see them through the client library, against a real server and store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type {
  ChatMessage,
  ErrorFrame,
  MemberJoinedEvent,
  MemberLeftEvent,
  RoomCreatedEvent,
  UserRenamedEvent,
} from '../src/shared/protocol/server-frames.ts';
import {
  barrier,
  cleanupAll,
  connectClient,
  fullHistory,
  RawClient,
  record,
  startServer,
  waitForEvent,
} from './support/harness.ts';

afterEach(cleanupAll);

/** The error code a request was refused with (fails the test if it succeeded). */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  throw new Error('expected the request to be refused');
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('rooms', () => {
  it('creates rooms with unique names (ignoring case), rejects invalid names, keeps the topic', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const created = record<RoomCreatedEvent>(bob, 'room_created');

    const before = Date.now();
    const { room } = await ada.createRoom('  Lobby  ', '  General chat  ');
    expect(room).toMatchObject({ name: 'Lobby', topic: 'General chat', members: 0, lastSeq: 0 });
    expect(room.id).toEqual(expect.any(String));
    expect(room.lastActivity).toBeGreaterThanOrEqual(before - 1000);
    await waitForEvent(bob, 'room_created');
    expect(created.map((e) => e.room)).toEqual([room]);

    expect(await codeOf(bob.createRoom('lobby'))).toBe('room_exists');
    expect(await codeOf(bob.createRoom('LOBBY'))).toBe('room_exists');
    expect(await codeOf(bob.createRoom(' LoBbY '))).toBe('room_exists');
    await ada.createRoom('Café');
    expect(await codeOf(bob.createRoom('CAFÉ'))).toBe('room_exists');
    // NFC: "Cafe" + combining acute accent is the same name.
    expect(await codeOf(bob.createRoom('Cafe\u0301'))).toBe('room_exists');

    for (const bad of ['', '   ', 'a\u0000b', 'two\nlines', 'tab\there', 'x'.repeat(65), '\u202Eevil', 'del\u007f']) {
      expect(await codeOf(bob.createRoom(bad)), JSON.stringify(bad)).toBe('room_name_invalid');
    }
    expect(await codeOf(bob.createRoom('Topic too long', 't'.repeat(257)))).toBe('topic_invalid');

    // The limits are characters (code points), not UTF-16 units.
    const longest = await bob.createRoom('y'.repeat(64), 't'.repeat(256));
    expect(longest.room.name).toHaveLength(64);
    expect((await bob.createRoom('🎉'.repeat(64))).room.name).toBe('🎉'.repeat(64));
    expect((await bob.createRoom('No topic')).room.topic).toBe('');

    const { rooms } = await bob.listRooms();
    expect(rooms.map((r) => r.name).sort()).toEqual(
      ['Café', 'Lobby', 'No topic', 'y'.repeat(64), '🎉'.repeat(64)].sort(),
    );
    expect(rooms.find((r) => r.id === room.id)).toMatchObject({ name: 'Lobby', topic: 'General chat' });
  });

  it('lists rooms with member counts and last activity', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const one = (await ada.createRoom('One')).room;
    const two = (await ada.createRoom('Two')).room;
    await ada.joinRoom(one.id);
    await bob.joinRoom(one.id);
    await bob.joinRoom(two.id);

    let { rooms } = await ada.listRooms();
    expect(rooms.find((r) => r.id === one.id)).toMatchObject({
      members: 2,
      lastSeq: 0,
      lastActivity: one.lastActivity,
    });
    expect(rooms.find((r) => r.id === two.id)).toMatchObject({
      members: 1,
      lastSeq: 0,
      lastActivity: two.lastActivity,
    });

    const sent = await bob.sendMessage({ room: two.id }, 'hello');
    ({ rooms } = await ada.listRooms());
    expect(rooms.find((r) => r.id === two.id)).toMatchObject({ members: 1, lastSeq: 1, lastActivity: sent.ts });
    expect(rooms.find((r) => r.id === one.id)).toMatchObject({ lastSeq: 0, lastActivity: one.lastActivity });

    await bob.leaveRoom(one.id);
    ({ rooms } = await ada.listRooms());
    expect(rooms.find((r) => r.id === one.id)!.members).toBe(1);

    // A newcomer sees the same in its welcome.
    const cy = await connectClient(port, 'Cy');
    const welcomeRooms = cy.welcome!.rooms;
    expect(welcomeRooms.find((r) => r.id === one.id)).toMatchObject({ members: 1, lastSeq: 0 });
    expect(welcomeRooms.find((r) => r.id === two.id)).toMatchObject({ members: 1, lastSeq: 1, lastActivity: sent.ts });
  });

  it('joins, lists members and leaves', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const { room } = await ada.createRoom('Lobby');

    const adaJoin = await ada.joinRoom(room.id);
    expect(adaJoin.members).toEqual([{ id: ada.userId, name: 'Ada' }]);
    expect(adaJoin.room).toMatchObject({ id: room.id, members: 1 });
    expect(adaJoin).toMatchObject({ messages: [], hasMore: false });

    const bobJoin = await bob.joinRoom(room.id);
    expect(bobJoin.members).toHaveLength(2);
    expect(bobJoin.members).toEqual(
      expect.arrayContaining([
        { id: ada.userId, name: 'Ada' },
        { id: bob.userId, name: 'Bob' },
      ]),
    );
    // Joining again is harmless.
    expect((await bob.joinRoom(room.id)).members).toHaveLength(2);
    expect((await ada.members(room.id)).members).toHaveLength(2);

    await bob.leaveRoom(room.id);
    expect((await ada.members(room.id)).members).toEqual([{ id: ada.userId, name: 'Ada' }]);
    expect(await codeOf(bob.members(room.id))).toBe('not_member');
    expect(await codeOf(bob.leaveRoom(room.id))).toBe('not_member');
    expect(await codeOf(bob.sendMessage({ room: room.id }, 'not in there'))).toBe('not_member');
    expect(await codeOf(bob.history({ room: room.id }))).toBe('not_member');
    expect(await codeOf(bob.joinRoom('r_doesnotexist'))).toBe('room_not_found');
    expect(await codeOf(bob.sendMessage({ room: 'r_doesnotexist' }, 'hi'))).toBe('room_not_found');
  });
});

describe('room messages', () => {
  it('delivers to every client exactly the messages of the rooms it is in, and nothing after leaving', async () => {
    const { port } = await startServer();
    const clients = await Promise.all(['C0', 'C1', 'C2', 'C3'].map((name) => connectClient(port, name)));
    const received = clients.map((c) => record<ChatMessage>(c, 'message'));
    const rooms: string[] = [];
    for (const name of ['R0', 'R1', 'R2']) rooms.push((await clients[0]!.createRoom(name)).room.id);

    // Membership per phase: room index -> client indexes.
    const phase1: number[][] = [
      [0, 2],
      [0, 1, 2],
      [1, 2, 3],
    ];
    const phase2: number[][] = [
      [0], // C2 leaves R0
      [0, 2], // C1 leaves R1
      [1, 2], // C3 leaves R2 and is in no room at all
    ];
    for (const [r, members] of phase1.entries()) {
      for (const c of members) await clients[c]!.joinRoom(rooms[r]!);
    }

    /** msgId -> room index; everyone in a room sends 3 messages to it, all at once. */
    const sentTo = new Map<string, number>();
    const sendPhase = async (phase: number, membership: number[][]) => {
      const sends: Promise<ChatMessage>[] = [];
      for (const [r, members] of membership.entries()) {
        for (const c of members) {
          for (let i = 0; i < 3; i++) {
            const msgId = `p${phase}-r${r}-c${c}-${i}`;
            sentTo.set(msgId, r);
            sends.push(clients[c]!.sendMessage({ room: rooms[r]! }, `message ${msgId}`, msgId));
          }
        }
      }
      const acks = await Promise.all(sends);
      for (const ack of acks) {
        expect(ack.seq).toBeGreaterThan(0);
        expect(ack.ts).toEqual(expect.any(Number));
        expect(ack.room).toBe(rooms[sentTo.get(ack.msgId)!]);
      }
    };

    await sendPhase(1, phase1);
    await clients[2]!.leaveRoom(rooms[0]!);
    await clients[1]!.leaveRoom(rooms[1]!);
    await clients[3]!.leaveRoom(rooms[2]!);
    await sendPhase(2, phase2);
    await barrier(...clients);

    for (const [c, messages] of received.entries()) {
      const expected: string[] = [];
      for (const [phase, membership] of [phase1, phase2].entries()) {
        for (const [r, members] of membership.entries()) {
          if (!members.includes(c)) continue;
          for (const sender of members)
            for (let i = 0; i < 3; i++) expected.push(`p${phase + 1}-r${r}-c${sender}-${i}`);
        }
      }
      expect(messages.map((m) => m.msgId).sort(), `C${c}`).toEqual(expected.sort());
      // In each room, a client sees the messages in seq order.
      for (const room of rooms) {
        const seqs = messages.filter((m) => m.room === room).map((m) => m.seq);
        expect(seqs, `C${c} in ${room}`).toEqual([...seqs].sort((a, b) => a - b));
      }
    }

    // Per room: seq is 1, 2, 3 … with no gaps, each message once, in its own room only.
    const reader = clients[2]!;
    for (const [r, room] of rooms.entries()) {
      if (r === 0) await reader.joinRoom(room);
      const history = await fullHistory(reader, { room });
      const expectedCount = (phase1[r]!.length + phase2[r]!.length) * 3;
      expect(history.map((m) => m.seq)).toEqual(range(1, expectedCount));
      expect(history.every((m) => sentTo.get(m.msgId) === r)).toBe(true);
      expect(new Set(history.map((m) => m.msgId)).size).toBe(expectedCount);
    }
  });

  it('numbers concurrent messages 1, 2, 3 … and every member sees the same order', async () => {
    const { port } = await startServer();
    const senders = await Promise.all(['Ada', 'Bob', 'Cy'].map((name) => connectClient(port, name)));
    const { room } = await senders[0]!.createRoom('Busy');
    for (const s of senders) await s.joinRoom(room.id);
    // A byte-level member too: it sees the frames exactly as sent, with no client-side filtering.
    const { client: raw } = await RawClient.hello(port, 'Watcher');
    expect((await raw.request({ type: 'room_join', room: room.id })).type).toBe('result');
    const seen = senders.map((s) => record<ChatMessage>(s, 'message'));

    const perSender = 20;
    const started = Date.now();
    const acks = await Promise.all(
      senders.flatMap((s, si) =>
        range(1, perSender).map((i) => s.sendMessage({ room: room.id }, `${si}:${i}`, `m-${si}-${i}`)),
      ),
    );
    const total = senders.length * perSender;
    // Each sender's reply carries the stored seq and the server's timestamp.
    expect(acks.map((a) => a.seq).sort((a, b) => a - b)).toEqual(range(1, total));
    for (const ack of acks) {
      expect(ack.room).toBe(room.id);
      expect(ack.ts).toBeGreaterThanOrEqual(started - 1000);
      expect(ack.ts).toBeLessThanOrEqual(Date.now() + 1000);
    }
    // Each sender's own messages are numbered in the order it sent them.
    for (const si of range(0, senders.length - 1)) {
      const own = acks.filter((a) => a.msgId.startsWith(`m-${si}-`));
      expect(own.map((a) => a.seq)).toEqual([...own.map((a) => a.seq)].sort((a, b) => a - b));
    }
    const bySeq = new Map(acks.map((a) => [a.seq, a.msgId]));

    await barrier(...senders);
    expect((await raw.request({ type: 'ping' })).type).toBe('result');
    const rawMessages = raw.frames.filter((f) => f.type === 'message').map((f) => f['message'] as ChatMessage);
    expect(rawMessages.map((m) => m.seq)).toEqual(range(1, total));
    expect(rawMessages.map((m) => m.msgId)).toEqual(range(1, total).map((seq) => bySeq.get(seq)));
    for (const [si, messages] of seen.entries()) {
      // Own messages (from the acknowledgement) and everyone else's (live) in one order.
      expect(
        messages.map((m) => m.seq),
        `sender ${si}`,
      ).toEqual(range(1, total));
      expect(messages.map((m) => m.msgId)).toEqual(rawMessages.map((m) => m.msgId));
      expect(messages.map((m) => m.ts)).toEqual(rawMessages.map((m) => m.ts));
    }
    const history = await fullHistory(senders[0]!, { room: room.id });
    expect(history.map((m) => m.msgId)).toEqual(rawMessages.map((m) => m.msgId));
  });
});

describe('direct messages', () => {
  it('delivers by user id to the recipient only, lists and pages the conversation', async () => {
    const { port } = await startServer({ limits: { ratePerSecond: 1000, rateBurst: 1000 } });
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const eve = await connectClient(port, 'Eve');
    const bobGot = record<ChatMessage>(bob, 'message');
    const eveGot = record<ChatMessage>(eve, 'message');

    const live = waitForEvent<ChatMessage>(bob, 'message');
    const first = await ada.sendMessage({ user: bob.userId! }, 'hi Bob');
    expect(first).toMatchObject({ to: bob.userId, from: ada.userId, fromName: 'Ada', seq: 1, text: 'hi Bob' });
    expect(first.room).toBeUndefined();
    expect(await live).toEqual(first);
    const reply = await bob.sendMessage({ user: ada.userId! }, 'hi Ada');
    expect(reply).toMatchObject({ to: ada.userId, from: bob.userId, seq: 2 });

    // Enough for several pages.
    await Promise.all(
      range(3, 60).map((i) => (i % 2 ? ada : bob).sendMessage({ user: (i % 2 ? bob : ada).userId! }, `dm ${i}`)),
    );
    await barrier(ada, bob, eve);
    expect(eveGot).toEqual([]);
    expect(bobGot.map((m) => m.seq)).toEqual(range(1, 60)); // Ada's live, his own from acks

    const adaList = await ada.dmList();
    expect(adaList.conversations).toEqual([
      { user: { id: bob.userId, name: 'Bob' }, lastSeq: 60, lastActivity: expect.any(Number) },
    ]);
    const bobList = await bob.dmList();
    expect(bobList.conversations).toEqual([
      { user: { id: ada.userId, name: 'Ada' }, lastSeq: 60, lastActivity: adaList.conversations[0]!.lastActivity },
    ]);
    expect((await eve.dmList()).conversations).toEqual([]);

    const latest = await bob.history({ user: ada.userId! }, { limit: 25 });
    expect(latest.messages.map((m) => m.seq)).toEqual(range(36, 60));
    expect(latest.hasMore).toBe(true);
    const older = await bob.history({ user: ada.userId! }, { before: 36, limit: 25 });
    expect(older.messages.map((m) => m.seq)).toEqual(range(11, 35));
    const oldest = await bob.history({ user: ada.userId! }, { before: 11, limit: 25 });
    expect(oldest.messages.map((m) => m.seq)).toEqual(range(1, 10));
    expect(oldest.hasMore).toBe(false);
    expect(oldest.messages[0]).toEqual(first);
    // Both sides read the same conversation; a third user's view of "Ada" is its own (empty) one.
    expect((await ada.history({ user: bob.userId! }, { limit: 25 })).messages).toEqual(latest.messages);
    expect((await eve.history({ user: ada.userId! })).messages).toEqual([]);

    expect(await codeOf(ada.sendMessage({ user: 'u_nobody' }, 'hello?'))).toBe('user_not_found');
    expect(await codeOf(ada.history({ user: 'u_nobody' }))).toBe('user_not_found');
  });

  it('stores a DM to an offline user, who sees it after reconnecting with their credentials', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const credentials = bob.welcome!.credentials!;
    expect(credentials.userId).toBe(bob.userId);
    bob.close();

    const sent = await ada.sendMessage({ user: credentials.userId }, 'see you later');
    const later = await ada.sendMessage({ user: credentials.userId }, 'line one\nline two');

    const bobAgain = await connectClient(port, 'Bob', { credentials });
    expect(bobAgain.userId).toBe(credentials.userId);
    expect((await bobAgain.dmList()).conversations).toEqual([
      { user: { id: ada.userId, name: 'Ada' }, lastSeq: 2, lastActivity: later.ts },
    ]);
    expect((await bobAgain.history({ user: ada.userId! })).messages).toEqual([sent, later]);
  });
});

describe('renames', () => {
  it('tells everyone sharing a room once, and nobody else', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const cy = await connectClient(port, 'Cy');
    const loner = await connectClient(port, 'Loner');
    const one = (await ada.createRoom('One')).room.id;
    const two = (await ada.createRoom('Two')).room.id;
    const elsewhere = (await ada.createRoom('Elsewhere')).room.id;
    for (const c of [ada, bob]) {
      await c.joinRoom(one);
      await c.joinRoom(two);
    }
    await cy.joinRoom(two);
    await loner.joinRoom(elsewhere);
    const heard = [bob, cy, loner, ada].map((c) => record<UserRenamedEvent>(c, 'user_renamed'));

    const result = await ada.rename('Ada Lovelace');
    expect(result.user).toEqual({ id: ada.userId, name: 'Ada Lovelace' });
    await barrier(ada, bob, cy, loner);
    const event = { type: 'user_renamed', user: { id: ada.userId, name: 'Ada Lovelace' }, oldName: 'Ada' };
    expect(heard[0]).toEqual([event]); // Bob shares two rooms and hears it once
    expect(heard[1]).toEqual([event]);
    expect(heard[2]).toEqual([]);
    expect(heard[3]).toEqual([]); // the renamed user gets the reply, not an event

    // The new name shows everywhere from now on.
    expect((await bob.members(one)).members).toContainEqual({ id: ada.userId, name: 'Ada Lovelace' });
    const sent = await ada.sendMessage({ room: one }, 'renamed');
    expect(sent.fromName).toBe('Ada Lovelace');
    expect(await codeOf(ada.rename('   '))).toBe('name_invalid');
    expect(await codeOf(ada.rename('x'.repeat(33)))).toBe('name_invalid');
  });

  it('refuses a connected user’s name ignoring case and frees names on rename and disconnect', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    expect(await codeOf(bob.rename('ada'))).toBe('name_taken');
    expect(await codeOf(bob.rename(' ADA '))).toBe('name_taken');
    expect(await codeOf(connectClient(port, 'aDa', { reconnect: false }))).toBe('name_taken');
    // Renaming to another case of one's own name is fine.
    expect((await ada.rename('ADA')).user.name).toBe('ADA');

    await ada.rename('Countess');
    // The old name is free at once …
    expect((await bob.rename('ada')).user.name).toBe('ada');
    expect(await codeOf(bob.rename('countess'))).toBe('name_taken');

    // … and the current one once its owner is gone.
    const { room } = await bob.createRoom('Lobby');
    await bob.joinRoom(room.id);
    await ada.joinRoom(room.id);
    const gone = waitForEvent<MemberLeftEvent>(bob, 'member_left', (e) => e.user.id === ada.userId);
    ada.close();
    await gone;
    expect((await bob.rename('COUNTESS')).user.name).toBe('COUNTESS');
    const newcomer = await connectClient(port, 'Ada');
    expect(newcomer.welcome!.user.name).toBe('Ada');
  });
});

describe('presence', () => {
  it('announces joins, leaves and disconnects; a disconnect leaves every room', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const one = (await ada.createRoom('One')).room.id;
    const two = (await ada.createRoom('Two')).room.id;
    await ada.joinRoom(one);
    await ada.joinRoom(two);
    const joined = record<MemberJoinedEvent>(ada, 'member_joined');
    const left = record<MemberLeftEvent>(ada, 'member_left');
    const bobRef = { id: bob.userId, name: 'Bob' };

    await bob.joinRoom(one);
    await bob.joinRoom(two);
    await barrier(ada);
    expect(joined).toEqual([
      { type: 'member_joined', room: one, user: bobRef },
      { type: 'member_joined', room: two, user: bobRef },
    ]);

    await bob.leaveRoom(one);
    await barrier(ada);
    expect(left).toEqual([{ type: 'member_left', room: one, user: bobRef, reason: 'left' }]);

    await bob.joinRoom(one);
    const bothGone = new Promise<void>((resolve) => {
      ada.on('member_left', () => {
        if (left.length === 3) resolve();
      });
    });
    bob.close();
    await bothGone;
    expect(left.slice(1).sort((a, b) => a.room.localeCompare(b.room))).toEqual(
      [
        { type: 'member_left', room: one, user: bobRef, reason: 'disconnected' },
        { type: 'member_left', room: two, user: bobRef, reason: 'disconnected' },
      ].sort((a, b) => a.room.localeCompare(b.room)),
    );
    expect((await ada.members(one)).members).toEqual([{ id: ada.userId, name: 'Ada' }]);
    expect((await ada.members(two)).members).toEqual([{ id: ada.userId, name: 'Ada' }]);
    expect((await ada.listRooms()).rooms.map((r) => r.members)).toEqual([1, 1]);
  });
});

describe('history paging', () => {
  it('pages a room of 250 messages backwards and forwards without gaps or overlap', async () => {
    const { port } = await startServer({ limits: { ratePerSecond: 10_000, rateBurst: 10_000 } });
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const { room } = await ada.createRoom('Archive');
    await ada.joinRoom(room.id);
    const acks = await Promise.all(range(1, 250).map((i) => ada.sendMessage({ room: room.id }, `message ${i}`)));
    expect(acks.map((a) => a.seq)).toEqual(range(1, 250));

    const join = await bob.joinRoom(room.id);
    expect(join.messages.map((m) => m.seq)).toEqual(range(201, 250));
    expect(join.messages.map((m) => m.text)).toEqual(range(201, 250).map((i) => `message ${i}`));
    expect(join.hasMore).toBe(true);
    expect(join.room.lastSeq).toBe(250);

    const backwards: number[][] = [];
    let oldest = join.messages[0]!.seq;
    for (;;) {
      const page = await bob.history({ room: room.id }, { before: oldest, limit: 60 });
      backwards.push(page.messages.map((m) => m.seq));
      oldest = page.messages[0]!.seq;
      if (!page.hasMore) break;
    }
    expect(backwards).toEqual([range(141, 200), range(81, 140), range(21, 80), range(1, 20)]);

    const forwards: number[][] = [];
    let newest = 0;
    for (;;) {
      const page = await bob.history({ room: room.id }, { after: newest, limit: 100 });
      forwards.push(page.messages.map((m) => m.seq));
      newest = page.messages.at(-1)!.seq;
      if (!page.hasMore) break;
    }
    expect(forwards).toEqual([range(1, 100), range(101, 200), range(201, 250)]);
    const all = await fullHistory(bob, { room: room.id });
    expect(all).toEqual(acks);

    expect((await bob.history({ room: room.id }, { after: 250 })).messages).toEqual([]);
    expect((await bob.history({ room: room.id }, { before: 1 })).messages).toEqual([]);
    expect((await bob.history({ room: room.id })).messages.map((m) => m.seq)).toEqual(range(201, 250));
    expect(await codeOf(bob.history({ room: room.id }, { limit: 201 }))).toBe('bad_request');
    expect(await codeOf(bob.history({ room: room.id }, { before: 10, after: 5 }))).toBe('bad_request');
  });
});

describe('text rules', () => {
  it('allows 4000 characters by default and refuses more', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    expect(ada.welcome!.limits.maxTextChars).toBe(4000);
    const { room } = await ada.createRoom('Long');
    await ada.joinRoom(room.id);
    await bob.joinRoom(room.id);
    const got = record<ChatMessage>(bob, 'message');

    expect(await codeOf(ada.sendMessage({ room: room.id }, 'x'.repeat(4001)))).toBe('text_too_long');
    expect(await codeOf(ada.sendMessage({ room: room.id }, '😀'.repeat(4001)))).toBe('text_too_long');
    const ascii = await ada.sendMessage({ room: room.id }, 'x'.repeat(4000));
    // Characters are code points: 4000 emoji are 8000 UTF-16 units and still allowed.
    const emoji = await ada.sendMessage({ room: room.id }, '😀'.repeat(4000));
    expect([ascii.seq, emoji.seq]).toEqual([1, 2]);
    await barrier(bob);
    expect(got.map((m) => m.text)).toEqual(['x'.repeat(4000), '😀'.repeat(4000)]);
  });

  it('applies a smaller configured limit', async () => {
    const { port } = await startServer({ limits: { maxTextChars: 10 } });
    const ada = await connectClient(port, 'Ada');
    expect(ada.welcome!.limits.maxTextChars).toBe(10);
    const { room } = await ada.createRoom('Short');
    await ada.joinRoom(room.id);
    expect(await codeOf(ada.sendMessage({ room: room.id }, '12345678901'))).toBe('text_too_long');
    expect(await codeOf(ada.sendMessage({ user: ada.userId! }, '12345678901'))).toBe('text_too_long');
    expect((await ada.sendMessage({ room: room.id }, '1234567890')).seq).toBe(1);
    expect((await ada.sendMessage({ room: room.id }, 'ééééééééé€')).seq).toBe(2);
    // A refused message takes no seq.
    expect((await ada.history({ room: room.id })).messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('refuses blank text and control characters, keeps newlines and tabs', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const { room } = await ada.createRoom('Text');
    await ada.joinRoom(room.id);
    await bob.joinRoom(room.id);
    for (const blank of ['', ' ', '   ', '\n\n', ' \t \n ']) {
      expect(await codeOf(ada.sendMessage({ room: room.id }, blank)), JSON.stringify(blank)).toBe('text_invalid');
    }
    for (const bad of ['bell\u0007', 'nul\u0000', 'esc\u001b[31m', 'c1\u0085']) {
      expect(await codeOf(ada.sendMessage({ room: room.id }, bad)), JSON.stringify(bad)).toBe('text_invalid');
    }
    const text = 'first line\nsecond line\n\n\tindented\n  trailing spaces  ';
    const live = waitForEvent<ChatMessage>(bob, 'message');
    const sent = await ada.sendMessage({ room: room.id }, text);
    expect(sent.text).toBe(text);
    expect((await live).text).toBe(text);
    expect((await bob.history({ room: room.id })).messages.map((m) => m.text)).toEqual([text]);
  });
});

describe('identity', () => {
  it('keeps the user id when reconnecting with the same credentials', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const credentials = ada.welcome!.credentials!;
    expect(credentials).toEqual({ userId: ada.userId, token: expect.any(String) });
    ada.close();
    const again = await connectClient(port, 'Ada', { credentials });
    expect(again.userId).toBe(credentials.userId);
    expect(again.welcome!.credentials).toBeUndefined(); // nothing new to keep
    // Even under another name.
    again.close();
    const renamed = await connectClient(port, 'Ada II', { credentials });
    expect(renamed.welcome!.user).toEqual({ id: credentials.userId, name: 'Ada II' });
  });

  it('gives a forged token a new user id, never the claimed one', async () => {
    const { port } = await startServer();
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    await ada.sendMessage({ user: bob.userId! }, 'private');
    const victim = ada.userId!;

    const forger = await connectClient(port, 'Mallory', { credentials: { userId: victim, token: 'forged-token' } });
    expect(forger.userId).not.toBe(victim);
    expect(forger.welcome!.credentials).toBeDefined();
    expect(forger.welcome!.credentials!.userId).toBe(forger.userId);
    // The real user is still connected and nothing of theirs is visible to the forger.
    expect(ada.connected).toBe(true);
    expect((await forger.dmList()).conversations).toEqual([]);
    expect((await forger.history({ user: bob.userId! })).messages).toEqual([]);

    // A real token for another user id does not work either.
    const bobToken = bob.welcome!.credentials!.token;
    const swapped = await connectClient(port, 'Trudy', { credentials: { userId: victim, token: bobToken } });
    expect([victim, bob.userId, forger.userId]).not.toContain(swapped.userId);
  });

  it('replaces an older connection of the same user, which is told `replaced`', async () => {
    const { port } = await startServer();
    const first = await connectClient(port, 'Ada');
    const credentials = first.welcome!.credentials!;
    const { room } = await first.createRoom('Lobby');
    await first.joinRoom(room.id);
    const errors: ErrorFrame[] = [];
    first.on('server_error', (e) => errors.push(e));
    const closed = waitForEvent<{ status: string; code?: string }>(first, 'status', (s) => s.status === 'closed');

    const second = await connectClient(port, 'Ada', { credentials });
    expect(second.userId).toBe(credentials.userId);
    expect(await closed).toMatchObject({ status: 'closed', code: 'replaced' });
    expect(errors).toEqual([{ type: 'error', code: 'replaced', message: expect.any(String), fatal: true }]);
    expect(first.connected).toBe(false);
    // The new connection works, and the old one is no longer a member anywhere.
    await second.joinRoom(room.id);
    expect((await second.members(room.id)).members).toEqual([{ id: credentials.userId, name: 'Ada' }]);
  });
});

describe('storage full', () => {
  it('refuses a message it cannot store, delivers nothing, keeps what was acknowledged and keeps serving', async () => {
    // An empty database takes ~64 KB of schema pages since migration 005 (the cap counts them),
    // so the cap leaves room for a few messages before it is full.
    const { port } = await startServer({ maxHistoryBytes: 96 * 1024 });
    const ada = await connectClient(port, 'Ada');
    const bob = await connectClient(port, 'Bob');
    const cy = await connectClient(port, 'Cy');
    const { room } = await ada.createRoom('Full');
    await ada.joinRoom(room.id);
    await bob.joinRoom(room.id);
    const bobGot = record<ChatMessage>(bob, 'message');

    const acknowledged: ChatMessage[] = [];
    let failure = '';
    let failedText = '';
    for (let i = 1; i <= 1000 && !failure; i++) {
      const text = `${i} ${'z'.repeat(300)}`;
      try {
        acknowledged.push(await ada.sendMessage({ room: room.id }, text, `full-${i}`));
      } catch (error) {
        failure = (error as { code: string }).code;
        failedText = text;
      }
    }
    expect(failure).toBe('storage_failed');
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.map((m) => m.seq)).toEqual(range(1, acknowledged.length));

    // Cy joining is announced after the failed send: if the refused message had been delivered,
    // Bob would have it by the time he hears about Cy.
    const announced = waitForEvent<MemberJoinedEvent>(bob, 'member_joined', (e) => e.user.id === cy.userId);
    await cy.joinRoom(room.id);
    await announced;
    expect(bobGot.map((m) => m.msgId)).toEqual(acknowledged.map((m) => m.msgId));
    expect(bobGot.some((m) => m.text === failedText)).toBe(false);

    // Everything acknowledged is in history, the refused message is not.
    const history = await fullHistory(cy, { room: room.id });
    expect(history).toEqual(acknowledged);

    // The server keeps answering, and keeps refusing cleanly rather than failing the connection.
    expect(await ada.request('ping', {})).toEqual({});
    expect((await bob.listRooms()).rooms.find((r) => r.id === room.id)).toMatchObject({
      members: 3,
      lastSeq: acknowledged.length,
    });
    expect((await bob.members(room.id)).members).toHaveLength(3);
    expect(await codeOf(ada.sendMessage({ room: room.id }, failedText, 'full-again'))).toBe('storage_failed');
    // A resend stores nothing: however full the history, it learns the outcome of its first attempt.
    const original = acknowledged[acknowledged.length - 1]!;
    expect(await ada.request('send', { room: room.id, msgId: original.msgId, text: original.text })).toEqual({
      message: original,
      duplicate: true,
    });
    expect(ada.connected).toBe(true);
    await barrier(bob);
    expect(bobGot).toHaveLength(acknowledged.length);
  });
});
