/**
 * Where a download lands: names from other users made safe for every OS before they become a path
 * (separators, `..`, Windows device names, NUL and control characters, bidi overrides, trailing
 * dots and spaces, 300-character names), unique in the folder, and the hidden part file beside.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { partPathOf, safeLocalName, uniquePath } from '../../src/main/core/session/download-names.ts';
import { cleanupAll, tempDir } from '../support/harness.ts';

afterEach(cleanupAll);

describe('safeLocalName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['..', 'download'],
    ['', 'download'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['a\u0000b\u001fc.txt', 'a_b_c.txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['trailing. . ', 'trailing'],
    ['C:\\Windows\\x.dll', 'C__Windows_x.dll'],
    ['what?<>|*".txt', 'what______.txt'],
  ])('%j → %j', (name, safe) => {
    expect(safeLocalName(name)).toBe(safe);
  });

  it('shortens long names and keeps the extension', () => {
    const safe = safeLocalName(`${'x'.repeat(300)}.tar.gz`);
    expect(safe.length).toBeLessThanOrEqual(200);
    expect(safe.endsWith('.gz')).toBe(true);
  });
});

describe('uniquePath', () => {
  it('numbers a name taken by a file, a part file or a running download', () => {
    const dir = tempDir();
    expect(uniquePath(dir, 'report.pdf', new Set())).toBe(join(dir, 'report.pdf'));
    writeFileSync(join(dir, 'report.pdf'), 'x');
    expect(uniquePath(dir, 'report.pdf', new Set())).toBe(join(dir, 'report (1).pdf'));
    writeFileSync(partPathOf(join(dir, 'report (1).pdf')), 'x');
    expect(uniquePath(dir, 'report.pdf', new Set([join(dir, 'report (2).pdf')]))).toBe(join(dir, 'report (3).pdf'));
    expect(uniquePath(dir, 'README', new Set([join(dir, 'README')]))).toBe(join(dir, 'README (1)'));
    expect(partPathOf(join(dir, 'a.txt'))).toBe(join(dir, '.a.txt.part'));
  });
});
