/**
 * Bytes of the database that some tables and indexes take (their b-trees' pages), from SQLite's
 * dbstat in its fast aggregate form. The history size cap is about messages, so the stores of
 * other data (files' rows, games) measure theirs with this after each write and leave it out.
 * An SQLite without dbstat answers 0: the cap then counts them too.
 */
import type { DatabaseSync } from 'node:sqlite';

export function bytesOfTrees(db: DatabaseSync, trees: readonly string[]): number {
  try {
    const stmt = db.prepare('SELECT pgsize FROM dbstat WHERE name = ? AND aggregate = TRUE');
    let bytes = 0;
    for (const name of trees) bytes += ((stmt.get(name) as { pgsize?: number } | undefined)?.pgsize as number) ?? 0;
    return bytes;
  } catch {
    return 0;
  }
}
