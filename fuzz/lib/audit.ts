/**
 * After the run: reads the server's SQLite file and lists every stored value that the server
 * should have refused. Lone surrogates come back from SQLite as U+FFFD (the fuzzer never sends a
 * U+FFFD itself) or as bytes that are not UTF-8; names, room names, topics and texts must pass the
 * shared text rules unchanged (so no invisible-only name, no over-long text, nothing un-normalized).
 */
import { isUtf8 } from 'node:buffer';
import { DatabaseSync } from 'node:sqlite';
import {
  MAX_CLIENT_ID_CHARS,
  MAX_NAME_CHARS,
  MAX_ROOM_NAME_CHARS,
  MAX_TOPIC_CHARS,
} from '../../src/shared/protocol/constants.ts';
import { checkDisplayName, checkMessageText, checkRoomName, checkTopic } from '../../src/shared/text-rules.ts';

export interface BadRow {
  table: string;
  column: string;
  /** The row's key (id, or conv#seq for messages). */
  key: string;
  problem: string;
  value: string;
}

type Rule = (value: string) => string | undefined;

// The audit's own idea of "visibly blank" and "too long", independent of src/shared/text-rules.ts:
// the audit must not trust the code it audits (on a build whose rules let blank names through,
// the shared rules would call them fine).
const BLANK_ONLY = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\p{M}\u2800\u3164\uffa0]*$/u;
const visible: Rule = (value) =>
  BLANK_ONLY.test(value) && value !== '' ? 'only invisible or blank characters' : undefined;
const nfc: Rule = (value) => (value === value.normalize('NFC') ? undefined : 'not NFC');
const atMost =
  (max: number): Rule =>
  (value) => {
    let count = 0;
    for (const _ of value) count++;
    return count > max ? `${count} code points, more than ${max}` : undefined;
  };

const wellFormed: Rule = (value) =>
  value.includes('\ufffd') ? 'contains U+FFFD (a stored lone surrogate)' : undefined;
const accepted =
  (check: (raw: string) => { ok: true; value: string } | { ok: false; reason: string }): Rule =>
  (value) => {
    const result = check(value);
    if (!result.ok) return `refused by the text rules: ${result.reason}`;
    return result.value === value ? undefined : 'not in normalized form';
  };

export interface AuditResult {
  /** Values checked. */
  rows: number;
  bad: BadRow[];
  /** Rows per table, to read RSS growth against (users, rooms, messages, dms). */
  counts: Record<string, number>;
}

export function auditDatabase(file: string, maxTextChars: number): AuditResult {
  const db = new DatabaseSync(file, { readOnly: true });
  const text: Rule = (value) => {
    const result = checkMessageText(value, maxTextChars);
    if (!result.ok) return `refused by the text rules: ${result.reason}`;
    return result.value === value ? undefined : 'not in normalized form';
  };
  const columns: [string, string, Rule[]][] = [
    ['users', 'id', [wellFormed]],
    ['users', 'name', [wellFormed, visible, nfc, atMost(MAX_NAME_CHARS), accepted(checkDisplayName)]],
    ['rooms', 'id', [wellFormed]],
    ['rooms', 'name', [wellFormed, visible, nfc, atMost(MAX_ROOM_NAME_CHARS), accepted(checkRoomName)]],
    ['rooms', 'topic', [wellFormed, visible, nfc, atMost(MAX_TOPIC_CHARS), accepted(checkTopic)]],
    ['messages', 'sender_name', [wellFormed, visible, accepted(checkDisplayName)]],
    ['messages', 'text', [wellFormed, visible, nfc, atMost(maxTextChars), text]],
    ['messages', 'msg_id', [wellFormed, atMost(MAX_CLIENT_ID_CHARS)]],
    ['messages', 'conv', [wellFormed]],
  ];
  const bad: BadRow[] = [];
  let rows = 0;
  const counts: Record<string, number> = {};
  try {
    for (const [table, column, rules] of columns) {
      const key = table === 'messages' ? "conv || '#' || seq" : 'id';
      const statement = db.prepare(
        `SELECT ${key} AS key, ${column} AS value, CAST(${column} AS BLOB) AS raw FROM ${table}`,
      );
      for (const row of statement.iterate() as Iterable<{ key: string; value: string; raw: Uint8Array }>) {
        rows++;
        const problems = isUtf8(row.raw) ? rules.map((rule) => rule(row.value)) : ['is not valid UTF-8'];
        // One line per value: the first problem found (the rules overlap on purpose).
        for (const problem of problems.filter(Boolean).slice(0, 1)) {
          if (problem)
            bad.push({ table, column, key: row.key, problem, value: JSON.stringify(row.value).slice(0, 120) });
        }
      }
    }
    for (const table of ['users', 'rooms', 'messages', 'dms']) {
      counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    }
    const integrity = db.prepare('PRAGMA integrity_check').get() as { integrity_check: string };
    if (integrity.integrity_check !== 'ok') {
      bad.push({
        table: '-',
        column: '-',
        key: '-',
        problem: 'integrity_check failed',
        value: integrity.integrity_check,
      });
    }
  } finally {
    db.close();
  }
  return { rows, bad, counts };
}
