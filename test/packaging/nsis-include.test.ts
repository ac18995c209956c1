/**
 * build/installer.nsh compiles (makensis, warnings as errors) in the context electron-builder's
 * uninstaller gives it: LogicLib, FileFunc, its APP_* defines and its `${isUpdated}` test (here a
 * stand-in with the same meaning: the command line has --updated). Needs Debian's `nsis`
 * package; without makensis the test says so and skips. Running the uninstaller needs Windows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, readBuilderConfig } from './builder-config.ts';

const hasMakensis = spawnSync('makensis', ['-VERSION'], { encoding: 'utf8' }).status === 0;

function harness(include: string, productFilename: boolean): string {
  return [
    'Unicode true',
    '!include LogicLib.nsh',
    '!include FileFunc.nsh',
    '!define APP_FILENAME "parley"',
    productFilename ? '!define APP_PRODUCT_FILENAME "Parley"' : '',
    '!define APP_PACKAGE_NAME "parley"',
    '!macro _isUpdated _a _b _t _f',
    '  ${GetParameters} $R9',
    '  ClearErrors',
    '  ${GetOptions} $R9 "--updated" $R8',
    '  IfErrors `${_f}` `${_t}`',
    '!macroend',
    '!define isUpdated `"" isUpdated ""`',
    `!include "${include}"`,
    'OutFile "harness.exe"',
    'Section',
    '  WriteUninstaller "$TEMP\\harness-uninstall.exe"',
    'SectionEnd',
    'Section "un.Uninstall"',
    '  !insertmacro customUnInstall',
    'SectionEnd',
    '',
  ].join('\n');
}

describe.skipIf(!hasMakensis)(
  `build/installer.nsh${hasMakensis ? '' : ' (skipped: makensis not installed — apt-get install nsis)'}`,
  () => {
    for (const productFilename of [true, false]) {
      it(`compiles without warnings (APP_PRODUCT_FILENAME ${productFilename ? 'set' : 'unset'})`, () => {
        const dir = mkdtempSync(join(tmpdir(), 'parley-nsis-'));
        try {
          const script = join(dir, 'harness.nsi');
          writeFileSync(script, harness(join(ROOT, readBuilderConfig().nsis.include), productFilename));
          const run = spawnSync('makensis', ['-V2', '-WX', script], { cwd: dir, encoding: 'utf8' });
          expect(`${run.stdout}${run.stderr}`).toBe('');
          expect(run.status).toBe(0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  },
);
