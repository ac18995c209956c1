/**
 * Users who never did anything are forgotten once offline (issue 8, bug 3): `kept` is 0 for a user
 * created by a hello until it joins or creates a room or renames itself (sending and receiving
 * are seen in messages and dms). Users from before this migration are kept: they may have used
 * their credentials in ways the old schema did not record.
 */
import type { Migration } from './migration.ts';

export const userKept: Migration = {
  version: 2,
  name: 'users.kept: forget users who never did anything',
  sql: `ALTER TABLE users ADD COLUMN kept INTEGER NOT NULL DEFAULT 1;`,
};
