/**
 * Durable server state in one SQLite file (node:sqlite, WAL): server identity, users, rooms and
 * every room and direct message with its per-conversation sequence number. The schema is built by
 * the numbered migrations in migrations/ (see README.md).
 *
 * Durability: a batch of messages is committed in one transaction before anyone is told about
 * it. In WAL mode a committed transaction is in the operating system's hands, so a `kill -9`
 * right after the acknowledgement loses nothing; `synchronous: 'full'` also survives power loss
 * at the cost of an fsync per batch.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { ChatMessage, FileInfo } from '../../../shared/protocol/server-frames.ts';
import { FileRecords } from './file-records.ts';
import { GameRecords } from './game-records.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { migrate } from './migrations/migration.ts';
import { WalCheckpointer, type CheckpointerStats } from './wal-checkpointer.ts';

export const DATABASE_FILE = 'parley.db';

export interface HistoryStoreOptions {
  /** 'normal' survives a crashed process; 'full' also survives power loss (fsync per batch). */
  synchronous?: 'normal' | 'full';
  /**
   * The history size cap: refuse messages that would grow the database beyond this size. Other
   * writes (users, rooms, names) may use a reserve beyond it, so a full history does not stop
   * people from connecting, creating rooms or renaming (docs/PROTOCOL.md §14.1).
   */
  maxSizeBytes?: number;
  /** Told (once) when the WAL checkpointer thread fails: checkpoints are then SQLite's own, in COMMIT. */
  onWarning?: (message: string, error: unknown) => void;
}

export interface StoredUser {
  id: string;
  name: string;
}

/** A user as authenticated by a hello: `kept` is false until it did something (bug 3's rule). */
export interface AuthenticatedUser extends StoredUser {
  kept: boolean;
}

/** Why appendBatch left a message out when it would pass the history size cap. */
export class HistoryFullError extends Error {}

/** A message appendBatch left out (the others of its batch were stored), and why. */
export interface RefusedMessage {
  message: ChatMessage;
  error: unknown;
  /**
   * Set when the message is a resend: its sender already stored a message under this msgId, and
   * this is that message (nothing was stored; the sender is answered with it, `duplicate: true`).
   */
  existing?: ChatMessage;
}

/** Why appendBatch left out a resend of a stored msgId (RefusedMessage.existing is the original). */
export class AlreadyStoredError extends Error {}

export interface StoredRoom {
  id: string;
  name: string;
  topic: string;
  createdAt: number;
  /** The user id of its creator (the room's owner). */
  createdBy: string;
  lastSeq: number;
  lastTs: number;
}

export interface DmRow {
  peer: string;
  peerName: string;
  lastSeq: number;
  lastTs: number;
}

/** The key under which a conversation's messages are stored. Room ids never contain ':'. */
export function dmKey(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

function newId(prefix: string): string {
  return prefix + randomBytes(9).toString('base64url');
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Quiet time after the last message batch before the WAL is checkpointed and truncated. */
export const IDLE_CHECKPOINT_MS = 1000;

/**
 * SQLite's own checkpoint runs in every COMMIT that leaves this many WAL pages or more (SQLite's
 * default, set explicitly: the WAL's bound is derived from it).
 */
export const WAL_AUTOCHECKPOINT_PAGES = 1000;

/**
 * While the checkpointer thread runs, SQLite's own checkpoint is off (it was an fsync on the event
 * loop, and under disk load such fsyncs take tens of ms: chat waited behind them). The thread
 * copies the WAL every CHECKPOINT_POLL_MS and the next commit starts it over, so it stays near
 * WAL_AUTOCHECKPOINT_PAGES; only past this many pages (the thread not keeping up) does this
 * connection checkpoint itself (boundWal), as a last resort.
 */
export const WAL_HARD_LIMIT_PAGES = 4 * WAL_AUTOCHECKPOINT_PAGES;

/** Bytes of a WAL file of `frames` pages: a 32-byte header, then each page with a 24-byte header. */
export function walFileBytes(frames: number, pageSize: number): number {
  return 32 + frames * (pageSize + 24);
}

/** What close() did: a WAL it could not checkpoint (disk full) is kept and applied at the next open. */
export type CloseOutcome = { checkpointed: true } | { checkpointed: false; error: unknown };

/** Room for users, rooms and names beyond the history cap (at least; or 1/8 of the cap). */
const HISTORY_RESERVE_BYTES = 64 * 1024;

/** A user who never sent a message and takes part in no DM (`?1` is the user id). */
const UNUSED_USER =
  'NOT EXISTS (SELECT 1 FROM messages WHERE sender = ?1) AND NOT EXISTS (SELECT 1 FROM dms WHERE user_a = ?1 OR user_b = ?1)';

/** What a batch adds to the database, estimated generously (UTF-8, row and index overhead). */
function estimateBytes(messages: readonly ChatMessage[]): number {
  let bytes = 0;
  for (const m of messages) {
    bytes += 120 + 3 * (m.text.length + m.fromName.length) + 2 * m.msgId.length;
    if (m.attachments) bytes += 3 * JSON.stringify(m.attachments).length;
  }
  return bytes;
}

type Row = Record<string, string | number | null | Uint8Array>;

function toMessage(row: Row): ChatMessage {
  const recipient = row['recipient'] as string | null;
  const message: ChatMessage = {
    seq: row['seq'] as number,
    ts: row['ts'] as number,
    from: row['sender'] as string,
    fromName: row['sender_name'] as string,
    text: row['text'] as string,
    msgId: row['msg_id'] as string,
  };
  const attachments = row['attachments'];
  if (typeof attachments === 'string') message.attachments = JSON.parse(attachments) as FileInfo[];
  if (recipient === null) message.room = row['conv'] as string;
  else message.to = recipient;
  return message;
}

export class HistoryStore {
  readonly path: string;
  /** The files' rows (migration 004): blobs, files, uploads. */
  readonly files: FileRecords;
  /** The games' rows (migration 005). */
  readonly games: GameRecords;
  private readonly db: DatabaseSync;
  private readonly stmt: {
    insertMessage: StatementSync;
    latest: StatementSync;
    before: StatementSync;
    after: StatementSync;
    lastSeq: StatementSync;
    byMsgId: StatementSync;
    upsertDm: StatementSync;
    dmsOf: StatementSync;
    insertUser: StatementSync;
    userById: StatementSync;
    renameUser: StatementSync;
    insertRoom: StatementSync;
    roomByKey: StatementSync;
    rooms: StatementSync;
    keepUser: StatementSync;
    forgetUser: StatementSync;
    forgetUsers: StatementSync;
    pageCount: StatementSync;
    freePages: StatementSync;
  };
  private idleCheckpoint: NodeJS.Timeout | undefined;
  /** The thread that copies the WAL into the database in the background (wal-checkpointer.ts). */
  private checkpointer: WalCheckpointer | undefined;
  /** The history size cap in bytes (0: none), and the page size it is measured in. */
  private readonly capBytes: number;
  private readonly pageSize: number;
  /** A WAL file longer than this holds more than WAL_HARD_LIMIT_PAGES pages (see boundWal). */
  private readonly walHardLimitBytes: number;

  private constructor(path: string, db: DatabaseSync, capBytes: number) {
    this.path = path;
    this.db = db;
    this.capBytes = capBytes;
    this.pageSize = (db.prepare('PRAGMA page_size').get() as Row)['page_size'] as number;
    this.walHardLimitBytes = walFileBytes(WAL_HARD_LIMIT_PAGES, this.pageSize);
    // When the WAL starts over, its file is cut back to WAL_AUTOCHECKPOINT_PAGES pages (SQLite
    // does it in the first commit after), so a burst does not leave a large file behind, and a
    // file longer than the hard limit means the WAL holds that many pages now (boundWal).
    db.exec(`PRAGMA journal_size_limit = ${walFileBytes(WAL_AUTOCHECKPOINT_PAGES, this.pageSize)}`);
    this.files = new FileRecords(db, () => this.wrote());
    this.games = new GameRecords(db, () => this.wrote());
    const cols = 'conv, seq, ts, sender, sender_name, recipient, text, msg_id, attachments';
    this.stmt = {
      // A stored msgId is not an error but a resend (changes = 0): the insert finds it in the
      // unique index it updates anyway, so a send needs no separate lookup (appendBatch).
      insertMessage: db.prepare(
        `INSERT INTO messages (${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sender, msg_id) DO NOTHING`,
      ),
      latest: db.prepare(`SELECT ${cols} FROM messages WHERE conv = ? ORDER BY seq DESC LIMIT ?`),
      before: db.prepare(`SELECT ${cols} FROM messages WHERE conv = ? AND seq < ? ORDER BY seq DESC LIMIT ?`),
      after: db.prepare(`SELECT ${cols} FROM messages WHERE conv = ? AND seq > ? ORDER BY seq ASC LIMIT ?`),
      lastSeq: db.prepare('SELECT max(seq) AS seq FROM messages WHERE conv = ?'),
      byMsgId: db.prepare(`SELECT ${cols} FROM messages WHERE sender = ? AND msg_id = ?`),
      upsertDm: db.prepare(
        `INSERT INTO dms (conv, user_a, user_b, last_seq, last_ts) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (conv) DO UPDATE SET last_seq = excluded.last_seq, last_ts = excluded.last_ts`,
      ),
      dmsOf: db.prepare(
        `SELECT d.user_b AS peer, u.name AS peer_name, d.last_seq, d.last_ts FROM dms d JOIN users u ON u.id = d.user_b WHERE d.user_a = ?1
         UNION ALL
         SELECT d.user_a AS peer, u.name AS peer_name, d.last_seq, d.last_ts FROM dms d JOIN users u ON u.id = d.user_a WHERE d.user_b = ?1 AND d.user_a <> ?1
         ORDER BY last_ts DESC, peer`,
      ),
      insertUser: db.prepare('INSERT INTO users (id, token_hash, name, created_at, kept) VALUES (?, ?, ?, ?, 0)'),
      userById: db.prepare('SELECT id, name, token_hash, kept FROM users WHERE id = ?'),
      keepUser: db.prepare('UPDATE users SET kept = 1 WHERE id = ? AND kept = 0'),
      forgetUser: db.prepare(`DELETE FROM users WHERE id = ?1 AND kept = 0 AND ${UNUSED_USER}`),
      forgetUsers: db.prepare(
        `DELETE FROM users WHERE kept = 0 AND ${UNUSED_USER.replaceAll('?1', 'users.id')}
         AND rowid NOT IN (SELECT rowid FROM users WHERE kept = 0 ORDER BY rowid DESC LIMIT ?)`,
      ),
      pageCount: db.prepare('PRAGMA page_count'),
      freePages: db.prepare('PRAGMA freelist_count'),
      renameUser: db.prepare('UPDATE users SET name = ? WHERE id = ?'),
      insertRoom: db.prepare(
        'INSERT INTO rooms (id, name, name_key, topic, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      roomByKey: db.prepare('SELECT id FROM rooms WHERE name_key = ?'),
      // rowid breaks ties in creation order: rooms created within one millisecond keep the order
      // the live server showed (ordering by the random id reshuffled them after a restart).
      rooms: db.prepare(
        // Last seq and activity from the newest message (migration 003): one index descent each.
        `SELECT r.id, r.name, r.topic, r.created_at, r.created_by,
           coalesce((SELECT seq FROM messages WHERE conv = r.id ORDER BY seq DESC LIMIT 1), 0) AS last_seq,
           coalesce((SELECT ts FROM messages WHERE conv = r.id ORDER BY seq DESC LIMIT 1), r.created_at) AS last_ts
         FROM rooms r ORDER BY r.created_at, r.rowid`,
      ),
    };
  }

  /** Opens (creating if needed) the store in `dataDir`. */
  static open(dataDir: string, options: HistoryStoreOptions = {}): HistoryStore {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, DATABASE_FILE);
    const db = new DatabaseSync(path, { timeout: 5000 });
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.exec('PRAGMA foreign_keys = ON');
    // The WAL (defect 5 of issue 9): SQLite's own checkpoint every 1000 pages (4 MB) bounds it
    // under load, and an idle moment truncates it to nothing (see wrote()), so a small database
    // never keeps MBs of WAL on a small disk. Checkpointing more often (every 256 pages, with a
    // journal_size_limit) was measured: it doubled the one-hop p99, each checkpoint being an fsync
    // on the event loop (docs/BENCHMARKS.md, issue 9). Since issue 10 a worker thread does the
    // copying in the background (startCheckpointer), and while it runs SQLite's own checkpoint is
    // off (WAL_HARD_LIMIT_PAGES says why; boundWal is the last resort). Without the thread, this.
    db.exec(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    try {
      migrate(db, MIGRATIONS, path);
    } catch (error) {
      db.close();
      throw error;
    }
    const cap = options.maxSizeBytes ?? 0;
    if (cap > 0) {
      // Hard stop for everything, some way past the messages' cap (see maxSizeBytes).
      const pageSize = (db.prepare('PRAGMA page_size').get() as Row)['page_size'] as number;
      const hardBytes = cap + Math.max(HISTORY_RESERVE_BYTES, cap / 8);
      db.exec(`PRAGMA max_page_count = ${Math.max(1, Math.floor(hardBytes / pageSize))}`);
    }
    const store = new HistoryStore(path, db, cap);
    store.startCheckpointer(options);
    return store;
  }

  /**
   * Starts the thread that copies the WAL into the database off the event loop. Without it (it
   * cannot start, or dies) nothing breaks: SQLite's own checkpoint in COMMIT does it all, as it
   * did before; the warning says so once.
   */
  private startCheckpointer(options: HistoryStoreOptions): void {
    const warn = (error: unknown) => {
      this.checkpointer = undefined;
      // SQLite's own checkpoint bounds the WAL again.
      if (this.db.isOpen) this.db.exec(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      options.onWarning?.('the WAL checkpointer thread failed: WAL checkpoints run on the event loop', error);
    };
    try {
      this.checkpointer = new WalCheckpointer({
        path: this.path,
        synchronous: options.synchronous === 'full' ? 'FULL' : 'NORMAL',
        onDeath: warn,
      });
      if (this.checkpointer) this.db.exec('PRAGMA wal_autocheckpoint = 0');
    } catch (error) {
      warn(error);
    }
  }

  /** What the checkpointer thread did so far; undefined when there is none (it failed, or closed). */
  checkpointerStats(): CheckpointerStats | undefined {
    return this.checkpointer?.running ? this.checkpointer.stats() : undefined;
  }

  /**
   * Checkpoints the WAL into the database and closes it. A checkpoint that fails (the disk is full,
   * so the database file cannot grow) loses nothing: every committed change is in the WAL, which
   * SQLite applies at the next open. So that is reported, not thrown, and the file is closed anyway.
   */
  close(): CloseOutcome {
    if (!this.db.isOpen) return { checkpointed: true };
    clearTimeout(this.idleCheckpoint);
    this.idleCheckpoint = undefined;
    // First no checkpoint of the thread may run (stop() waits for one that is running), or the
    // TRUNCATE below would find the checkpoint lock taken and skip.
    this.checkpointer?.stop();
    this.checkpointer = undefined;
    const failure = this.checkpoint();
    this.db.close();
    return failure === undefined ? { checkpointed: true } : { checkpointed: false, error: failure };
  }

  /** Size of the write-ahead log file now, in bytes (0 when there is none). */
  walBytes(): number {
    try {
      return statSync(`${this.path}-wal`).size;
    } catch {
      return 0;
    }
  }

  /** Copies the WAL into the database and truncates it; the error if that failed (nothing lost). */
  private checkpoint(): unknown {
    try {
      this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      return undefined;
    } catch (error) {
      return error;
    }
  }

  /**
   * The last resort of the WAL's bound while the checkpointer thread runs (SQLite's own checkpoint
   * is off then: WAL_HARD_LIMIT_PAGES). The thread copies the WAL every CHECKPOINT_POLL_MS and the
   * next commit starts it over, so it normally stays near WAL_AUTOCHECKPOINT_PAGES. When the
   * thread does not keep up (a slow disk, a long checkpoint) and a commit left the WAL past the
   * hard limit, this connection checkpoints it, the thread held off (holdWhile: after waiting for
   * its running checkpoint), and the next commit starts it over. So the WAL never holds more than
   * WAL_HARD_LIMIT_PAGES pages plus one commit's, unless another process's reader keeps it. Costs
   * a stat per commit; the wait (an fsync on the event loop) only past the hard limit.
   */
  private boundWal(): void {
    if (!this.checkpointer || this.db.isTransaction || this.walBytes() <= this.walHardLimitBytes) return;
    const passive = () => this.db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    try {
      if (this.checkpointer) this.checkpointer.holdWhile(passive);
      else passive();
    } catch {
      // Disk full or an I/O error: nothing is lost (the WAL keeps every commit); tried again after
      // the next commit, as SQLite's own checkpoint would be.
    }
  }

  /**
   * After a write: bound the WAL (boundWal), and once nothing more was written for
   * IDLE_CHECKPOINT_MS, truncate it.
   */
  private wrote(): void {
    this.boundWal();
    clearTimeout(this.idleCheckpoint);
    this.idleCheckpoint = setTimeout(() => {
      this.idleCheckpoint = undefined;
      if (this.db.isOpen) this.checkpoint(); // a failure (disk full) is retried after the next write
    }, IDLE_CHECKPOINT_MS);
    this.idleCheckpoint.unref();
  }

  // ── server identity ────────────────────────────────────────────────────────────────────────

  /** A random id created on first start and kept for the life of the data folder. */
  serverId(): string {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'server_id'").get() as Row | undefined;
    if (row) return row['value'] as string;
    const id = newId('s_');
    this.db.prepare("INSERT INTO meta (key, value) VALUES ('server_id', ?)").run(id);
    return id;
  }

  // ── users ──────────────────────────────────────────────────────────────────────────────────

  /** Creates a user and returns its id with the secret token that proves it later. */
  createUser(name: string, now = Date.now()): StoredUser & { token: string } {
    const id = newId('u_');
    const token = randomBytes(32).toString('base64url');
    this.stmt.insertUser.run(id, hashToken(token), name, now);
    return { id, name, token };
  }

  /** The user if `token` is the one issued to `userId`; compared in constant time. */
  authenticate(userId: string, token: string): AuthenticatedUser | undefined {
    const row = this.stmt.userById.get(userId) as Row | undefined;
    if (!row) return undefined;
    const expected = row['token_hash'] as Uint8Array;
    const actual = hashToken(token);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    return { id: row['id'] as string, name: row['name'] as string, kept: row['kept'] === 1 };
  }

  /** Marks a user as one to keep: it joined or created a room, renamed itself or resumed. */
  keepUser(id: string): void {
    this.stmt.keepUser.run(id);
  }

  /** Deletes a user who never did anything (not kept, sent nothing, no DM); true if it was deleted. */
  forgetIfUnused(id: string): boolean {
    return Number(this.stmt.forgetUser.run(id).changes) > 0;
  }

  /** Ids of the users not (yet) kept, oldest first. */
  unconfirmedUsers(): string[] {
    return (this.db.prepare('SELECT id FROM users WHERE kept = 0 ORDER BY rowid').all() as Row[]).map(
      (r) => r['id'] as string,
    );
  }

  /** Deletes such users but the `keep` newest: at startup, nobody is online. */
  forgetUnusedUsers(keep: number): number {
    return Number(this.stmt.forgetUsers.run(keep).changes);
  }

  getUser(id: string): StoredUser | undefined {
    const row = this.stmt.userById.get(id) as Row | undefined;
    return row ? { id: row['id'] as string, name: row['name'] as string } : undefined;
  }

  setUserName(id: string, name: string): void {
    this.stmt.renameUser.run(name, id);
  }

  // ── rooms ──────────────────────────────────────────────────────────────────────────────────

  listRooms(): StoredRoom[] {
    return (this.stmt.rooms.all() as Row[]).map((r) => ({
      id: r['id'] as string,
      name: r['name'] as string,
      topic: r['topic'] as string,
      createdAt: r['created_at'] as number,
      createdBy: r['created_by'] as string,
      lastSeq: r['last_seq'] as number,
      lastTs: r['last_ts'] as number,
    }));
  }

  /** Creates a room; undefined when a room with the same name (ignoring case) exists. */
  createRoom(
    name: string,
    nameKey: string,
    topic: string,
    createdBy: string,
    now = Date.now(),
  ): StoredRoom | undefined {
    if (this.stmt.roomByKey.get(nameKey)) return undefined;
    const id = newId('r_');
    this.stmt.insertRoom.run(id, name, nameKey, topic, now, createdBy);
    return { id, name, topic, createdAt: now, createdBy, lastSeq: 0, lastTs: now };
  }

  // ── messages ───────────────────────────────────────────────────────────────────────────────

  /** The highest sequence number stored in a conversation (0 when empty). */
  lastSeq(conv: string): number {
    const row = this.stmt.lastSeq.get(conv) as Row;
    return (row['seq'] as number | null) ?? 0;
  }

  /** The message a sender already stored under `msgId`, for deduplicating resends. */
  findByMsgId(sender: string, msgId: string): ChatMessage | undefined {
    const row = this.stmt.byMsgId.get(sender, msgId) as Row | undefined;
    return row ? toMessage(row) : undefined;
  }

  /**
   * Stores a batch of messages (already numbered) in one transaction, and bumps the rooms' and
   * direct conversations' last activity. Each message is inserted in its own savepoint, so a row
   * that fails (a constraint, a trigger, the history cap) is left out alone and the others are
   * still stored: one sender's bad row never fails other people's messages. The later messages
   * of a failed one's conversation move down one number (their `seq` is changed in place; nothing
   * was acknowledged yet), so a conversation never has a gap.
   *
   * A message whose sender already stored one under its msgId (a resend) is left out the same way,
   * with `existing` set to the stored one.
   *
   * Returns the messages left out, with why. Throws (everything rolled back, nothing stored) only
   * when the transaction itself cannot be begun or committed (disk full, I/O error).
   */
  appendBatch(messages: readonly ChatMessage[]): RefusedMessage[] {
    // The common case pays nothing for the savepoints: the whole batch at once, and only if that
    // fails (or the cap is near) again one savepoint per message, to find the rows that fail.
    const budget = this.capBytes > 0 ? this.capBytes - this.usedBytes() : Infinity;
    if (estimateBytes(messages) <= budget) {
      try {
        return this.storeBatch(messages, budget, false);
      } catch {
        // retried below, message by message
      }
    }
    return this.storeBatch(messages, budget, true);
  }

  /**
   * One transaction for `messages`. With `isolate`, each in its own savepoint (a failing row, or
   * one past `budget`, is left out and returned); without, any failure fails all. On a throw
   * everything is rolled back and the messages keep their numbers.
   */
  private storeBatch(messages: readonly ChatMessage[], budget: number, isolate: boolean): RefusedMessage[] {
    const { insertMessage, upsertDm } = this.stmt;
    const refused: RefusedMessage[] = [];
    /** How many numbers each conversation's later messages move down (by its failed ones). */
    const shift = new Map<string, number>();
    const leaveOut = (m: ChatMessage, conv: string, error: unknown, existing?: ChatMessage) => {
      refused.push(existing ? { message: m, error, existing } : { message: m, error });
      shift.set(conv, (shift.get(conv) ?? 0) + 1);
    };
    /** Leaves out a resend of a stored msgId: `existing` is the message stored under it. */
    const leaveOutResend = (m: ChatMessage, conv: string, existing: ChatMessage) =>
      leaveOut(m, conv, new AlreadyStoredError(`msgId ${JSON.stringify(m.msgId)} is stored`), existing);
    /** Inserts one message; false (and left out) when its msgId was already stored by its sender. */
    const insert = (m: ChatMessage, conv: string): boolean => {
      const attachments = m.attachments ? JSON.stringify(m.attachments) : null;
      const { changes } = insertMessage.run(
        conv,
        m.seq,
        m.ts,
        m.from,
        m.fromName,
        m.to ?? null,
        m.text,
        m.msgId,
        attachments,
      );
      if (changes !== 0) {
        // Each file is carried by one message; the server checked that before, so this only
        // fails for a file raced into two messages: that message is left out (storage_failed).
        for (const file of m.attachments ?? []) {
          if (!this.files.attach(file.id, m.seq)) throw new Error(`file ${file.id} is already attached`);
        }
        return true;
      }
      leaveOutResend(m, conv, this.findByMsgId(m.from, m.msgId)!);
      return false;
    };
    const seqBefore = messages.map((m) => m.seq);
    this.db.exec('BEGIN');
    try {
      // Last seq/ts per direct conversation, written once per batch rather than once per message
      // (a room's are derived from its messages: migration 003).
      const lastOfDm = new Map<string, ChatMessage>();
      for (const m of messages) {
        const conv = m.room ?? dmKey(m.from, m.to!);
        if (shift.size > 0) m.seq -= shift.get(conv) ?? 0;
        if (!isolate) {
          if (insert(m, conv) && m.to !== undefined) lastOfDm.set(conv, m);
          continue;
        }
        const bytes = estimateBytes([m]);
        if (bytes > budget) {
          // A resend stores nothing: it is answered with the original, however full the history.
          const existing = this.findByMsgId(m.from, m.msgId);
          if (existing) leaveOutResend(m, conv, existing);
          else leaveOut(m, conv, new HistoryFullError(`the history would pass its size cap of ${this.capBytes} bytes`));
          continue;
        }
        this.db.exec('SAVEPOINT one_message');
        let inserted: boolean;
        try {
          inserted = insert(m, conv);
          this.db.exec('RELEASE one_message');
        } catch (error) {
          this.db.exec('ROLLBACK TO one_message');
          this.db.exec('RELEASE one_message');
          leaveOut(m, conv, error);
          continue;
        }
        if (!inserted) continue;
        budget -= bytes;
        if (m.to !== undefined) lastOfDm.set(conv, m);
      }
      for (const [conv, m] of lastOfDm) {
        const [a, b] = m.from < m.to! ? [m.from, m.to!] : [m.to!, m.from];
        upsertDm.run(conv, a, b, m.seq, m.ts);
      }
      this.db.exec('COMMIT');
      this.wrote();
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      messages.forEach((m, i) => (m.seq = seqBefore[i]!));
      throw error;
    }
    return refused;
  }

  /** Bytes of the database in use (pages not on the free list), less the files' and the games' rows. */
  private usedBytes(): number {
    const pages = (this.stmt.pageCount.get() as Row)['page_count'] as number;
    const free = (this.stmt.freePages.get() as Row)['freelist_count'] as number;
    return (pages - free) * this.pageSize - this.files.metadataBytes - this.games.metadataBytes;
  }

  /** The newest `limit` messages, oldest first, and whether older ones exist. */
  latest(conv: string, limit: number): { messages: ChatMessage[]; hasMore: boolean } {
    const rows = this.stmt.latest.all(conv, limit + 1) as Row[];
    return { messages: rows.slice(0, limit).reverse().map(toMessage), hasMore: rows.length > limit };
  }

  /** Up to `limit` messages older than `seq`, oldest first, and whether still older ones exist. */
  before(conv: string, seq: number, limit: number): { messages: ChatMessage[]; hasMore: boolean } {
    const rows = this.stmt.before.all(conv, seq, limit + 1) as Row[];
    return { messages: rows.slice(0, limit).reverse().map(toMessage), hasMore: rows.length > limit };
  }

  /** Up to `limit` messages newer than `seq`, oldest first, and whether still newer ones exist. */
  after(conv: string, seq: number, limit: number): { messages: ChatMessage[]; hasMore: boolean } {
    const rows = this.stmt.after.all(conv, seq, limit + 1) as Row[];
    return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit };
  }

  /** The direct conversations a user takes part in, most recent first. */
  dmsOf(userId: string): DmRow[] {
    return (this.stmt.dmsOf.all(userId) as Row[]).map((r) => ({
      peer: r['peer'] as string,
      peerName: r['peer_name'] as string,
      lastSeq: r['last_seq'] as number,
      lastTs: r['last_ts'] as number,
    }));
  }
}
