/**
 * Games in rooms (issue 13, docs/PROTOCOL.md §19). One row per game, invitation to result:
 * - `state` is the game's whole public state as JSON (the machine's `Game`, which is the wire's
 *   `GameInfo`): a game is a few hundred bytes, is always read and written whole, and its shape
 *   belongs to src/shared/games/, so the store does not take it apart;
 * - `room`, `status`, `created_at`, `ended_at` and `version` are copies of fields of `state` that
 *   the queries need: the open games at start (`ended_at IS NULL`), a room's ended games newest
 *   first for `game_list`'s pages, and the scored ones for `game_scores`.
 * Two partial indexes, one per question, so neither scans the other kind of game. No comments in
 * the SQL: SQLite keeps a table's text in sqlite_schema, whose pages the history size cap counts.
 */
import type { Migration } from './migration.ts';

export const games: Migration = {
  version: 5,
  name: 'games: one row per game with its state as JSON',
  sql: `
CREATE TABLE games (
  id         TEXT PRIMARY KEY,
  room       TEXT NOT NULL,
  kind       TEXT NOT NULL,
  status     TEXT NOT NULL,
  version    INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  ended_at   INTEGER,
  state      TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX games_open ON games (room, created_at, id) WHERE ended_at IS NULL;
CREATE INDEX games_ended ON games (room, ended_at, id) WHERE ended_at IS NOT NULL;
`,
};
