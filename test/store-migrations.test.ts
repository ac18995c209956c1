/**
 * Numbered schema migrations: a database written by the main branch before migrations existed
 * (test/fixtures/parley-v1-d24c5b3.db, see test/fixtures/README.md) opens with everything in it,
 * the newer migrations are applied once, and a second open applies nothing.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, HistoryStore, dmKey } from '../src/main/core/store/history-store.ts';
import { MIGRATIONS } from '../src/main/core/store/migrations/index.ts';
import { cleanupAll, onCleanup, RawClient, startServer, tempDir } from './support/harness.ts';

afterEach(cleanupAll);

const FIXTURE = join(import.meta.dirname, 'fixtures', 'parley-v1-d24c5b3.db');
const ADA = { id: 'u_n_Vgx_mDO2fR', token: 'f54UtsWMe9YHRU3lASI7ZZwuEfAwO0pOo9RzzGdVDrg' };
const BOB = { id: 'u_W8VFCcuaNBgw', token: 'xRlX6nFOx55AeQHqFRp8WKC2quTGGVHZf5lAC3-Wtxc' };
const IDLE = { id: 'u_cXG9Ej_bGjRo', token: 'G2DGOpTfS2PHBlFLLrj2P5tbTVkeoeX7nfsMPBFkQXw' };
const GENERAL = 'r_5opMJeb4bSyN';
const RANDOM = 'r_ncCBL-63d3G-';
/** The ts of each room's newest message in the fixture (test/fixtures/README.md). */
const GENERAL_LAST_TS = 1700000004000;
const RANDOM_LAST_TS = 1700000005000;

function copyFixture(): string {
  const dir = tempDir();
  copyFileSync(FIXTURE, join(dir, 'parley.db'));
  return dir;
}

function appliedMigrations(dir: string): { version: number; count: number } {
  const db = new DatabaseSync(join(dir, 'parley.db'), { readOnly: true });
  try {
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    const count = (db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n;
    return { version, count };
  } finally {
    db.close();
  }
}

describe('upgrading a database written before numbered migrations', () => {
  it('keeps the server id, users, rooms, room messages and DMs', () => {
    const dir = copyFixture();
    const store = HistoryStore.open(dir);
    try {
      expect(store.serverId()).toBe('s_vaQs7ECT_tYj');
      expect(store.authenticate(ADA.id, ADA.token)).toEqual({ id: ADA.id, name: 'Ada', kept: true });
      expect(store.authenticate(BOB.id, BOB.token)).toEqual({ id: BOB.id, name: 'Bob', kept: true });
      // Users who existed before the bug-3 rule are kept, whatever they did.
      expect(store.authenticate(IDLE.id, IDLE.token)).toEqual({ id: IDLE.id, name: 'Idle', kept: true });
      // Since migration 003 a room's last seq and activity come from its newest message.
      expect(store.listRooms().map((r) => [r.id, r.name, r.topic, r.lastSeq, r.lastTs])).toEqual([
        [GENERAL, 'General', 'Everything', 2, GENERAL_LAST_TS],
        [RANDOM, 'Random', '', 1, RANDOM_LAST_TS],
      ]);
      expect(store.latest(GENERAL, 10).messages.map((m) => m.text)).toEqual(['Hello, world', 'Hi Ada 👋']);
      expect(store.latest(RANDOM, 10).messages.map((m) => m.msgId)).toEqual(['m3']);
      const dm = store.latest(dmKey(ADA.id, BOB.id), 10).messages;
      expect(dm.map((m) => [m.from, m.to, m.text])).toEqual([
        [ADA.id, BOB.id, 'psst, Bob'],
        [BOB.id, ADA.id, 'yes?'],
      ]);
      expect(store.dmsOf(ADA.id)).toEqual([{ peer: BOB.id, peerName: 'Bob', lastSeq: 2, lastTs: 1700000007000 }]);
      expect(store.findByMsgId(BOB.id, 'm2')?.seq).toBe(2);
      // Migration 005: no games yet, and the rooms' games can be asked for.
      expect(store.games.openGames()).toEqual([]);
      expect(store.games.endedGames(GENERAL, 20)).toEqual({ games: [], hasMore: false });
    } finally {
      store.close();
    }
    const latest = MIGRATIONS.at(-1)!.version;
    expect(appliedMigrations(dir)).toEqual({ version: latest, count: MIGRATIONS.length });
  });

  it('applies each migration once: opening again changes nothing', () => {
    const dir = copyFixture();
    HistoryStore.open(dir).close();
    const db = new DatabaseSync(join(dir, 'parley.db'));
    const before = db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
    db.close();
    HistoryStore.open(dir).close();
    const again = new DatabaseSync(join(dir, 'parley.db'), { readOnly: true });
    expect(again.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all()).toEqual(before);
    again.close();
    expect(before.map((r) => r['version'])).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('serves the upgraded data: Ada resumes and reads her DM and room history', async () => {
    const dir = copyFixture();
    const { port } = await startServer({ dataDir: dir });
    const ada = await RawClient.open(port);
    ada.send({ type: 'hello', id: 1, protocol: 1, name: 'Ada', resume: { userId: ADA.id, token: ADA.token } });
    const welcome = await ada.next((f) => f['re'] === 1);
    expect(welcome).toMatchObject({ type: 'welcome', server: { id: 's_vaQs7ECT_tYj' }, user: { id: ADA.id } });
    expect(welcome['credentials']).toBeUndefined();
    const dms = await ada.request({ type: 'dm_list' });
    expect(dms['data']).toMatchObject({ conversations: [{ user: { id: BOB.id, name: 'Bob' }, lastSeq: 2 }] });
    const joined = await ada.request({ type: 'room_join', room: GENERAL });
    expect((joined['data'] as { messages: unknown[] }).messages).toHaveLength(2);
    // The upgraded database stores games (migration 005).
    const games = await ada.request({ type: 'game_list', room: GENERAL });
    expect(games['data']).toMatchObject({ open: [], ended: [], hasMore: false });
    expect(await ada.request({ type: 'game_scores', room: GENERAL })).toMatchObject({ data: { scores: [] } });
  });

  it('refuses a database from a newer Parley', () => {
    const dir = copyFixture();
    const db = new DatabaseSync(join(dir, 'parley.db'));
    db.exec('PRAGMA user_version = 999');
    db.close();
    expect(() => HistoryStore.open(dir)).toThrow(/newer Parley/);
  });
});

describe("a room's last seq and activity (migration 003: derived, not stored)", () => {
  it('come from its newest message after a restart, and from its creation while it has none', () => {
    const dir = tempDir();
    const store = HistoryStore.open(dir);
    const ada = store.createUser('Ada');
    const busy = store.createRoom('Busy', 'busy', '', ada.id, 1_000)!;
    const quiet = store.createRoom('Quiet', 'quiet', '', ada.id, 2_000)!;
    const message = (seq: number, ts: number) => ({
      seq,
      ts,
      from: ada.id,
      fromName: 'Ada',
      text: `m${seq}`,
      msgId: `m${seq}`,
      room: busy.id,
    });
    expect(store.appendBatch([message(1, 5_000), message(2, 6_000)])).toEqual([]);
    expect(store.appendBatch([message(3, 7_000)])).toEqual([]);
    store.close();
    const again = HistoryStore.open(dir);
    onCleanup(() => again.close());
    expect(again.listRooms().map((r) => [r.name, r.lastSeq, r.lastTs])).toEqual([
      ['Busy', 3, 7_000],
      ['Quiet', 0, 2_000],
    ]);
    // The rooms table no longer has the columns every commit used to update.
    const db = new DatabaseSync(join(dir, DATABASE_FILE));
    const columns = db
      .prepare('PRAGMA table_info(rooms)')
      .all()
      .map((c) => c['name']);
    db.close();
    expect(columns).not.toContain('last_seq');
    expect(quiet.lastSeq).toBe(0);
  });
});
