/**
 * Bytes of the database that some tables and their indexes take (their b-trees' pages), from
 * SQLite's dbstat in its fast aggregate form. The history size cap is about messages, so the
 * stores of other data (files' rows, games) measure theirs with this after each write and the
 * cap leaves it out. An SQLite without dbstat answers 0: the cap then counts them too.
 */
import type { DatabaseSync } from 'node:sqlite';

export class TableBytes {
  /** As measured last (by the constructor, then by `measure`). */
  bytes = 0;
  private readonly db: DatabaseSync;
  /** The b-trees of the tables and their indexes. */
  private readonly trees: string[];

  constructor(db: DatabaseSync, tables: readonly string[]) {
    this.db = db;
    const list = tables.map(() => '?').join(', ');
    this.trees = (
      db.prepare(`SELECT name FROM sqlite_schema WHERE tbl_name IN (${list}) AND rootpage > 0`).all(...tables) as {
        name: string;
      }[]
    ).map((r) => r.name);
    this.measure();
  }

  measure(): void {
    try {
      const stmt = this.db.prepare('SELECT pgsize FROM dbstat WHERE name = ? AND aggregate = TRUE');
      let bytes = 0;
      for (const name of this.trees) bytes += (stmt.get(name) as { pgsize?: number } | undefined)?.pgsize ?? 0;
      this.bytes = bytes;
    } catch {
      this.bytes = 0;
    }
  }
}
