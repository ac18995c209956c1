/**
 * src/main/startup-checks.ts: node:sqlite is checked before any window, and a failure is an
 * error box that says what to do, followed by an exit — not a blank window.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';

vi.mock('electron', () => import('./electron-mock.ts'));

import type { DatabaseSync } from 'node:sqlite';
import { app, dialog, resetElectronMock } from './electron-mock.ts';
import {
  checkSqlite,
  passStartupChecks,
  SQLITE_ERROR_TITLE,
  sqliteErrorMessage,
} from '../../src/main/startup-checks.ts';

beforeEach(() => resetElectronMock());

describe('checkSqlite', () => {
  it('passes with the node:sqlite of this runtime', () => {
    expect(checkSqlite()).toEqual({ ok: true });
  });

  it('fails, with the reason, when the database cannot be opened', () => {
    const result = checkSqlite(() => {
      throw new Error('no such module: sqlite');
    });
    expect(result).toEqual({ ok: false, problem: 'no such module: sqlite' });
  });

  it('fails when a statement gives a wrong answer', () => {
    const broken = {
      exec: () => {},
      prepare: () => ({ run: () => {}, get: () => ({ answer: 0 }) }),
      close: () => {},
    } as unknown as DatabaseSync;
    const result = checkSqlite(() => broken);
    expect(result.ok).toBe(false);
  });
});

describe('passStartupChecks', () => {
  it('lets the app start when the checks pass, without a dialog', () => {
    expect(passStartupChecks(() => ({ ok: true }))).toBe(true);
    expect(dialog.showErrorBox).not.toHaveBeenCalled();
    expect(app.exit).not.toHaveBeenCalled();
  });

  it('shows what happened and what to do, then exits with status 1', () => {
    expect(passStartupChecks(() => ({ ok: false, problem: 'SQLITE_CORRUPT' }))).toBe(false);
    expect(dialog.showErrorBox).toHaveBeenCalledTimes(1);
    const [title, text] = dialog.showErrorBox.mock.calls[0]!;
    expect(title).toBe(SQLITE_ERROR_TITLE);
    expect(text).toContain('SQLITE_CORRUPT');
    expect(text).toMatch(/reinstall/i);
    expect(text).toMatch(/report/i);
    expect(text).toContain('0.1.0'); // the version, for the report
    expect(app.exit).toHaveBeenCalledWith(1);
  });

  it('the message names the engine in plain words', () => {
    expect(sqliteErrorMessage('x', '1.2.3')).toMatch(/^Parley 1\.2\.3 could not open its database engine \(SQLite/);
  });
});
