/**
 * The layer rules in eslint.config.js must actually bite: lint small snippets as if they lived in
 * each layer and check which imports are rejected.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot, overrideConfigFile: 'eslint.config.js' });
});

/** Messages reported by the layer rule for `code` placed at `filePath` (repo-relative). */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  expect(result, `${filePath} was not linted (ignored?)`).toBeDefined();
  const messages = result!.messages;
  // A parse error would make every "no error" assertion below pass vacuously.
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  return messages.filter((m) => m.ruleId === 'parley/layers' && m.severity === 2).map((m) => m.message);
}

describe('src/shared', () => {
  const file = 'src/shared/x.ts';

  it.each([
    "import fs from 'node:fs';",
    "import { readFile } from 'fs/promises';",
    "import path from 'path';",
    "import { app } from 'electron';",
    "import type { BrowserWindow } from 'electron';",
    "export { ipcRenderer } from 'electron';",
    "const fs = await import('node:fs');",
    "import { x } from '../main/core/store/history-store.ts';",
    "import { x } from '../renderer/src/main.ts';",
    "import { x } from '../preload/index.ts';",
    "export * from '../main/index.ts';",
  ])('rejects %s', async (code) => {
    expect(await layerErrors(file, code)).toHaveLength(1);
  });

  it('allows its own files and npm packages', async () => {
    const code = "import { z } from 'zod';\nimport { DEFAULT_PORT } from './protocol/constants.ts';\n";
    expect(await layerErrors(file, code)).toEqual([]);
  });

  it('explains the violation', async () => {
    expect(await layerErrors(file, "import fs from 'node:fs';")).toEqual([
      "src/shared must not import the Node builtin 'node:fs'. Shared code runs in every process, including the sandboxed renderer.",
    ]);
  });
});

describe('src/main/core', () => {
  const file = 'src/main/core/server/x.ts';

  it.each([
    "import { app } from 'electron';",
    "import { app } from 'electron/main';",
    "import { x } from '../../../renderer/src/main.ts';",
    "import { x } from '../../../preload/index.ts';",
  ])('rejects %s', async (code) => {
    expect(await layerErrors(file, code)).toHaveLength(1);
  });

  it('allows src/shared, Node builtins and npm packages', async () => {
    const code = [
      "import { DEFAULT_PORT } from '../../../shared/protocol/constants.ts';",
      "import { createServer } from 'node:net';",
      "import pino from 'pino';",
      "import { x } from '../store/history-store.ts';",
    ].join('\n');
    expect(await layerErrors(file, code)).toEqual([]);
  });
});

describe('src/renderer', () => {
  const file = 'src/renderer/src/x.ts';

  it.each([
    "import { ipcRenderer } from 'electron';",
    "import { EventEmitter } from 'node:events';",
    "import { EventEmitter } from 'events';",
    "import { x } from '../../main/core/server/room-server.ts';",
    "import { x } from '../../preload/index.ts';",
  ])('rejects %s', async (code) => {
    expect(await layerErrors(file, code)).toHaveLength(1);
  });

  it('allows src/shared, its own files and npm packages', async () => {
    const code = [
      "import { DEFAULT_PORT } from '../../shared/protocol/constants.ts';",
      "import { x } from './other.ts';",
      "import { create } from 'zustand';",
    ].join('\n');
    expect(await layerErrors(file, code)).toEqual([]);
  });
});

describe('src/preload', () => {
  const file = 'src/preload/x.ts';

  it.each([
    "import fs from 'node:fs';",
    "import pino from 'pino';",
    "import { x } from '../main/core/server/room-server.ts';",
    "import { x } from '../renderer/src/main.ts';",
  ])('rejects %s', async (code) => {
    expect(await layerErrors(file, code)).toHaveLength(1);
  });

  it('allows electron and src/shared', async () => {
    const code = [
      "import { contextBridge, ipcRenderer } from 'electron';",
      "import { DEFAULT_PORT } from '../shared/protocol/constants.ts';",
    ].join('\n');
    expect(await layerErrors(file, code)).toEqual([]);
  });
});

describe('src/main (outside core)', () => {
  it('may use electron and core but not the renderer', async () => {
    const file = 'src/main/x.ts';
    expect(
      await layerErrors(file, "import { app } from 'electron';\nimport { x } from './core/server/room-server.ts';"),
    ).toEqual([]);
    expect(await layerErrors(file, "import { x } from '../renderer/src/main.ts';")).toHaveLength(1);
  });
});

it('the real source tree passes the layer rules', async () => {
  const results = await eslint.lintFiles(['src']);
  const violations = results.flatMap((r) =>
    r.messages.filter((m) => m.ruleId === 'parley/layers').map((m) => `${r.filePath}:${m.line} ${m.message}`),
  );
  expect(violations).toEqual([]);
});
