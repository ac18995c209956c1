/**
 * Files (issue 12, docs/PROTOCOL.md §18). The bytes live in `<dataDir>/files/` (../files/README.md);
 * SQLite holds what they are:
 * - `blobs`: one row per stored content (SHA-256): the same bytes sent twice are stored once;
 * - `files`: one row per finished upload (its sanitized name, sniffed type, dimensions, preview),
 *   with the conversation it was uploaded to and, once sent, the message that carries it;
 * - `uploads`: one row per upload a user asked for, keyed by (owner, key) so that asking again
 *   resumes it or answers its file (exactly once); `file_id` is set when it finished;
 * - `messages.attachments`: the FileInfo list a message carries, as JSON (NULL for a message
 *   without files, so a plain message costs what it cost before: no join, no second table).
 * The tables are WITHOUT ROWID (no separate primary-key index): four pages in an empty database,
 * which the history size cap does not count (FileRecords.metadataBytes).
 */
import type { Migration } from './migration.ts';

export const files: Migration = {
  version: 4,
  name: 'files: blobs, files, uploads; messages.attachments',
  sql: `
ALTER TABLE messages ADD COLUMN attachments TEXT;

CREATE TABLE blobs (
  sha256     TEXT PRIMARY KEY,
  size       INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE files (
  id           TEXT PRIMARY KEY,
  sha256       TEXT NOT NULL REFERENCES blobs (sha256),
  name         TEXT NOT NULL,
  size         INTEGER NOT NULL,
  type         TEXT NOT NULL,
  kind         TEXT NOT NULL,
  width        INTEGER,
  height       INTEGER,
  thumb_sha256 TEXT REFERENCES blobs (sha256),
  thumb_type   TEXT,
  thumb_width  INTEGER,
  thumb_height INTEGER,
  thumb_size   INTEGER,
  owner        TEXT NOT NULL,
  conv         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  message_seq  INTEGER            -- the message of conv that carries it; NULL until sent
) WITHOUT ROWID;

CREATE TABLE uploads (
  id           TEXT PRIMARY KEY,
  owner        TEXT NOT NULL,
  key          TEXT NOT NULL,
  conv         TEXT NOT NULL,
  name         TEXT NOT NULL,     -- sanitized
  size         INTEGER NOT NULL,
  thumb_bytes  INTEGER,            -- size of the checked thumbnail (files/partial/<id>.thumb); NULL: none
  thumb_width  INTEGER,
  thumb_height INTEGER,
  width        INTEGER,           -- stated by the sender (videos)
  height       INTEGER,
  created_at   INTEGER NOT NULL,
  touched_at   INTEGER NOT NULL,  -- last time bytes arrived: abandoned partials expire from it
  file_id      TEXT REFERENCES files (id),
  UNIQUE (owner, key)
) WITHOUT ROWID;
`,
};
