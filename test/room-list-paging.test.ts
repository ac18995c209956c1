/**
 * Room lists cost what one page costs (issue 9, defect 3): a 40-byte room_list or a hello must
 * not make the server send every room. Real server and store; the rooms are written to the store
 * before the server starts, as if created over months (the rate limit would make that slow here).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ParsedFrame } from '../src/main/core/framing/frame-codec.ts';
import { HistoryStore } from '../src/main/core/store/history-store.ts';
import { DEFAULT_ROOM_PAGE, MAX_ROOM_NAME_CHARS, MAX_TOPIC_CHARS } from '../src/shared/protocol/constants.ts';
import type { RoomInfo } from '../src/shared/protocol/server-frames.ts';
import { nameKey } from '../src/shared/text-rules.ts';
import { RawClient, cleanupAll, connectClient, startServer, tempDir } from './support/harness.ts';
import { key, namedSession } from './support/session-recorder.ts';

afterEach(cleanupAll);

/** A data folder holding `count` rooms; `big` ones have maximum-length names and topics of 4-byte characters. */
function roomsOnDisk(count: number, big = true): { dataDir: string; names: string[] } {
  const dataDir = tempDir();
  const store = HistoryStore.open(dataDir);
  const owner = store.createUser('Owner');
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const label = `Room ${String(i).padStart(4, '0')} `;
    const name = big ? label + 'é'.repeat(MAX_ROOM_NAME_CHARS - label.length) : label.trim();
    store.createRoom(name, nameKey(name), big ? '🙂'.repeat(MAX_TOPIC_CHARS) : '', owner.id, 1_000 + i);
    names.push(name);
  }
  store.close();
  return { dataDir, names };
}

const bytesOf = (frame: ParsedFrame) => Buffer.byteLength(JSON.stringify(frame));

describe('room lists are paged (issue 9, defect 3)', () => {
  it('answers a hello and a room_list with one page, not 1,000 maximum-size rooms', async () => {
    const { dataDir } = roomsOnDisk(1000);
    const { server, port } = await startServer({ dataDir });
    const { client, welcome } = await RawClient.hello(port, 'Ada');
    // LAN discovery's room count (the TXT record, Nearby) comes from the server, not the welcome.
    expect(server.roomCount).toBe(1000);

    // Main sent all 1,000 rooms in both: 1.39 MB each.
    expect(bytesOf(welcome)).toBeLessThan(64 * 1024);
    expect(welcome['rooms']).toBeInstanceOf(Array);
    expect(welcome['roomsHasMore']).toBe(true);
    expect(welcome['roomCount']).toBe(1000);

    // An old client's request, without limit or cursor: the first page, bounded, and hasMore.
    const oldStyle = await client.request({ type: 'room_list' });
    const page = oldStyle['data'] as { rooms: RoomInfo[]; hasMore: boolean; next: string };
    expect(bytesOf(oldStyle)).toBeLessThan(300 * 1024);
    expect(page.rooms.length).toBeLessThanOrEqual(DEFAULT_ROOM_PAGE);
    expect(page.hasMore).toBe(true);
    expect(page.next).toBe(page.rooms.at(-1)!.id);

    // The largest page a request may ask for is bounded by bytes as well as by count.
    const largest = await client.request({ type: 'room_list', limit: 200, after: page.next });
    expect(bytesOf(largest)).toBeLessThan(300 * 1024);
    expect((largest['data'] as { hasMore: boolean }).hasMore).toBe(true);
  });

  it('returns every room exactly once, in creation order, while rooms are created in between', async () => {
    const { dataDir, names } = roomsOnDisk(230, false);
    const { port } = await startServer({ dataDir, limits: { ratePerSecond: 1000, rateBurst: 1000 } });
    const reader = await connectClient(port, 'Reader');
    const creator = await connectClient(port, 'Creator');

    const seen: RoomInfo[] = [];
    let after: string | undefined;
    for (let pages = 0; ; pages++) {
      const page = await reader.listRooms({ limit: 50, ...(after !== undefined ? { after } : {}) });
      seen.push(...page.rooms);
      if (!page.hasMore) break;
      after = page.next;
      // Between two pages someone creates a room; it sorts last, so this pass still sees it.
      names.push((await creator.createRoom(`Made during page ${pages}`)).room.name);
    }

    expect(seen.map((r) => r.name)).toEqual(names);
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
  });

  it('filters by name on the server, page by page, and refuses a cursor it never gave', async () => {
    const { dataDir } = roomsOnDisk(300, false);
    const { port } = await startServer({ dataDir });
    const reader = await connectClient(port, 'Reader');

    // "Room 01xx" and "Room 1xxx" do not exist past 0299: rooms 0100–0199 contain "room 01".
    const first = await reader.listRooms({ query: 'ROOM 01', limit: 60 });
    expect(first.rooms).toHaveLength(60);
    expect(first.hasMore).toBe(true);
    const second = await reader.listRooms({ query: 'room 01', limit: 60, after: first.next! });
    expect(second.hasMore).toBe(false);
    const names = [...first.rooms, ...second.rooms].map((r) => r.name);
    expect(names).toEqual(Array.from({ length: 100 }, (_, i) => `Room 01${String(i).padStart(2, '0')}`));

    await expect(reader.listRooms({ after: 'r_no_such_room' })).rejects.toMatchObject({ code: 'bad_request' });
    const raw = await RawClient.open(port);
    raw.send({ type: 'hello', protocol: 1, name: 'Raw' });
    await raw.next((f) => f.type === 'welcome');
    const tooMany = await raw.request({ type: 'room_list', limit: 201 });
    expect(tooMany).toMatchObject({ type: 'error', code: 'bad_request' });
  });

  it('pages and searches through the app contract (the session), as the room browser asks', async () => {
    const { dataDir, names } = roomsOnDisk(150, false);
    const { port } = await startServer({ dataDir });
    const t = await namedSession('Ada');
    await t.session.connectServer({ host: '127.0.0.1', port });

    const first = await t.session.listRooms(key(port));
    expect(first.rooms.map((r) => r.name)).toEqual(names.slice(0, DEFAULT_ROOM_PAGE));
    expect(first.hasMore).toBe(true);
    const rest = await t.session.listRooms(key(port), { after: first.next! });
    expect(rest).toMatchObject({ hasMore: false });
    expect(rest.rooms.map((r) => r.name)).toEqual(names.slice(DEFAULT_ROOM_PAGE));

    const found = await t.session.listRooms(key(port), { query: 'room 0149' });
    expect(found.rooms.map((r) => r.name)).toEqual(['Room 0149']);
  });
});
