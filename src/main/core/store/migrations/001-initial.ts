/**
 * The schema as it was before numbered migrations (schema version 1, up to commit d24c5b3).
 * Never edit a migration that has shipped: add the next one instead.
 */
import type { Migration } from './migration.ts';

export const initial: Migration = {
  version: 1,
  name: 'initial schema: meta, users, rooms, messages, dms',
  sql: `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
  id         TEXT PRIMARY KEY,
  token_hash BLOB NOT NULL,   -- sha256 of the secret token issued in welcome
  name       TEXT NOT NULL,   -- last display name used
  created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS rooms (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  name_key   TEXT NOT NULL UNIQUE,  -- case-folded name, for "unique ignoring case"
  topic      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  last_seq   INTEGER NOT NULL,
  last_ts    INTEGER NOT NULL
);

-- Every room and direct message. conv is the room id or 'dm:<userA>:<userB>' (ids sorted).
-- WITHOUT ROWID clusters a conversation's messages by seq: the latest page is one index walk.
CREATE TABLE IF NOT EXISTS messages (
  conv        TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  ts          INTEGER NOT NULL,
  sender      TEXT NOT NULL,
  sender_name TEXT NOT NULL,
  recipient   TEXT,            -- NULL for room messages
  text        TEXT NOT NULL,
  msg_id      TEXT NOT NULL,   -- client-chosen, unique per sender: resends are deduplicated
  PRIMARY KEY (conv, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_msg_id ON messages (sender, msg_id);

CREATE TABLE IF NOT EXISTS dms (
  conv     TEXT PRIMARY KEY,
  user_a   TEXT NOT NULL,
  user_b   TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  last_ts  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dms_by_a ON dms (user_a);
CREATE INDEX IF NOT EXISTS dms_by_b ON dms (user_b);
`,
};
