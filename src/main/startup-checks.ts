/**
 * Checks the app runs before it shows anything. Today one: node:sqlite works. The hosted server
 * keeps its rooms in SQLite through Node's built-in module, which is part of Electron's Node build
 * — and an Electron release once shipped with it broken. Without it the app would open a window
 * whose "Host a room" fails obscurely; this says what happened instead, and quits.
 */
import type { DatabaseSync } from 'node:sqlite';
import { app, dialog } from 'electron';

export type CheckResult = { ok: true } | { ok: false; problem: string };

/**
 * An in-memory database, with node:sqlite looked up at run time: a static import of a builtin the
 * runtime lacks fails while this module loads, before any check could say so.
 */
function openMemoryDatabase(): DatabaseSync {
  const sqlite = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite') | undefined;
  if (!sqlite) throw new Error('this build of Electron has no node:sqlite module');
  return new sqlite.DatabaseSync(':memory:');
}

/** Opens an in-memory database and runs a statement; never throws. */
export function checkSqlite(open: () => DatabaseSync = openMemoryDatabase): CheckResult {
  try {
    const db = open();
    try {
      db.exec('CREATE TABLE probe (n INTEGER)');
      db.prepare('INSERT INTO probe (n) VALUES (?)').run(41);
      const row = db.prepare('SELECT n + 1 AS answer FROM probe').get() as { answer?: unknown } | undefined;
      if (row?.answer !== 42) return { ok: false, problem: `a test query returned ${JSON.stringify(row)}` };
    } finally {
      db.close();
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

export const SQLITE_ERROR_TITLE = 'Parley cannot start';

/** The error box's text: what broke, in plain words, and what to do about it. */
export function sqliteErrorMessage(problem: string, version: string): string {
  return (
    `Parley ${version} could not open its database engine (SQLite, built into the app), so it cannot ` +
    `keep rooms or messages.\n\n` +
    `What happened: ${problem}\n\n` +
    `What to do: reinstall Parley from its download page. If that does not help, please report this ` +
    `message, with your operating system and version, to the Parley project.`
  );
}

/**
 * Runs the checks; on a failure shows an error box (not a blank window) and exits with status 1.
 * Returns whether the app may start.
 */
export function passStartupChecks(check: () => CheckResult = checkSqlite): boolean {
  const result = check();
  if (result.ok) return true;
  console.error(`[parley] node:sqlite does not work: ${result.problem}`);
  dialog.showErrorBox(SQLITE_ERROR_TITLE, sqliteErrorMessage(result.problem, app.getVersion()));
  app.exit(1);
  return false;
}
