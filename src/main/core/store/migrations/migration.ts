/**
 * Applying numbered schema migrations. PRAGMA user_version is the schema version (it was already
 * 1 before migrations existed); schema_migrations records when each one was applied. Each
 * migration runs in its own transaction together with its record, so it is applied exactly once.
 */
import type { DatabaseSync } from 'node:sqlite';

export interface Migration {
  /** 1, 2, 3 … in order, no gaps. */
  version: number;
  /** What it does, for the record. */
  name: string;
  sql: string;
}

const LOG_SQL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

function userVersion(db: DatabaseSync): number {
  return (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
}

/** Brings `db` to the last migration's version; throws if it was written by a newer Parley. */
export function migrate(db: DatabaseSync, migrations: readonly Migration[], path: string, now = Date.now()): void {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = userVersion(db);
  if (current > latest) {
    throw new Error(`${path} was written by a newer Parley (schema ${current} > ${latest})`);
  }
  db.exec('BEGIN');
  try {
    db.exec(LOG_SQL);
    // A database from before this log existed: record the versions it already had.
    const record = db.prepare('INSERT OR IGNORE INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations) if (m.version <= current) record.run(m.version, m.name, now);
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.exec('BEGIN');
    try {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        now,
      );
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw new Error(`migration ${m.version} (${m.name}) of ${path} failed`, { cause: error });
    }
  }
}
