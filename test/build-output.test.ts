/**
 * What `npm run build` leaves in out/ is what the packaged app loads (electron-builder packs out/
 * and package.json into app.asar), so the files the app needs are checked here, after a build:
 *  - the three main-process entries and every chunk each imports (static and dynamic imports of
 *    relative files, followed to the end), the sandboxed preload as one CommonJS file without
 *    chunks, the renderer's index.html and every asset it links;
 *  - package.json's `main` names a built file;
 *  - the hosted-server worker in an asar-like layout: only the worker and its chunks copied to
 *    `resources/app.asar.unpacked/out/main/` (what asarUnpack does), `unpackedPath` of its path
 *    inside app.asar points at that copy, and plain Node starts it there as a worker thread, with
 *    no node_modules anywhere above it — the room server answers `started` and stops on request.
 *    So the worker's bundle needs nothing from inside the archive (electron.vite.config.ts
 *    bundles the packages it imports).
 *
 * .ci/run builds before it runs the unit tests. Run alone without out/ (a fresh clone, a CI job
 * that only runs `npm test`), every test skips itself and says why.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { unpackedPath } from '../src/main/worker-location.ts';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'out');
const MAIN_ENTRIES = ['index.js', 'parley-server.js', 'hosted-server-worker.js'];
const WORKER = 'hosted-server-worker.js';

const missing = ['main/index.js', 'preload/index.cjs', 'renderer/index.html'].filter((f) => !existsSync(join(OUT, f)));
const skipReason =
  missing.length > 0 ? `no build output (out/${missing.join(', out/')} missing): run \`npm run build\` first` : '';

// Vitest does not print why a whole file skipped; say it once.
if (skipReason) console.warn(`[build-output] every test skipped: ${skipReason}`);

/** The relative modules a built ES module imports (static `import … from`, `export … from`, `import()`). */
function relativeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = new Set<string>();
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/gmu,
    /^\s*import\s*["']([^"']+)["']/gmu,
    /\bimport\(\s*["']([^"']+)["']\s*\)/gu,
  ];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) specifiers.add(match[1]!);
  return [...specifiers].filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** `entry` and every file it imports, transitively; throws naming a missing one. */
function moduleClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string, from: string | null): void => {
    if (seen.has(file)) return;
    if (!existsSync(file)) throw new Error(`${relative(ROOT, file)} is missing (imported by ${from ?? 'nobody'})`);
    seen.add(file);
    for (const specifier of relativeImports(file)) visit(resolve(dirname(file), specifier), relative(ROOT, file));
  };
  visit(entry, null);
  return [...seen];
}

/** Bare package imports (not node: built-ins, not electron) of the given built files. */
function packageImports(files: string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^\s*import\s[^;]*?\sfrom\s*["']([^"'./][^"']*)["']/gmu)) {
      const name = match[1]!;
      if (!name.startsWith('node:')) names.add(name);
    }
    for (const match of source.matchAll(/\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/gu)) {
      if (!match[1]!.startsWith('node:')) names.add(match[1]!);
    }
  }
  return [...names].sort();
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipReason !== '')(`the build output${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it.each(MAIN_ENTRIES)('out/main/%s and every chunk it imports exist', (entry) => {
    const files = moduleClosure(join(OUT, 'main', entry));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file.startsWith(join(OUT, 'main'))).toBe(true);
  });

  it('the packages the app main process imports are runtime dependencies (so electron-builder packs them)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const imported = packageImports(moduleClosure(join(OUT, 'main', 'index.js')));
    const notPacked = imported.filter(
      (name) =>
        name !== 'electron' && !Object.hasOwn(pkg.dependencies, name.replace(/^(@[^/]+\/[^/]+|[^/]+).*$/u, '$1')),
    );
    expect(notPacked).toEqual([]);
    // The updater is loaded only in packaged builds, lazily.
    expect(imported).toContain('electron-updater');
  });

  it('the headless server never loads Electron or the updater', () => {
    const imported = packageImports(moduleClosure(join(OUT, 'main', 'parley-server.js')));
    expect(imported).not.toContain('electron');
    expect(imported).not.toContain('electron-updater');
  });

  it('the worker and its chunks import no package at all (they run outside app.asar)', () => {
    expect(packageImports(moduleClosure(join(OUT, 'main', WORKER)))).toEqual([]);
  });

  it('the preload is one CommonJS file whose only require is electron', () => {
    const preload = readFileSync(join(OUT, 'preload', 'index.cjs'), 'utf8');
    const required = [...preload.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/gu)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).not.toMatch(/^\s*import\s/mu);
  });

  it('the renderer index.html and every asset it links exist', () => {
    const html = readFileSync(join(OUT, 'renderer', 'index.html'), 'utf8');
    const links = [...html.matchAll(/\b(?:src|href)="([^"]+)"/gu)].map((m) => m[1]!);
    const local = links.filter((link) => !/^[a-z]+:/iu.test(link) && !link.startsWith('#'));
    expect(local.some((link) => link.endsWith('.js'))).toBe(true);
    expect(local.some((link) => link.endsWith('.css'))).toBe(true);
    for (const link of local) {
      const file = resolve(join(OUT, 'renderer'), link.replace(/^\//u, './'));
      expect(existsSync(file), `${link} linked from out/renderer/index.html`).toBe(true);
    }
    // Loaded from file:// when packaged: absolute /assets/… URLs would point at the disk's root.
    for (const link of local) expect(link.startsWith('/')).toBe(false);
  });

  it("package.json's main is the built main process", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(resolve(ROOT, pkg.main)).toBe(join(OUT, 'main', 'index.js'));
    expect(existsSync(resolve(ROOT, pkg.main))).toBe(true);
  });

  it('in an asar-like layout, the unpacked worker is where unpackedPath says and starts under plain Node', async () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'parley-asar-')));
    temps.push(base);
    // No node_modules anywhere above the copy: the worker must find everything in its own files.
    for (let dir = base; dir !== dirname(dir); dir = dirname(dir)) {
      expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules must not exist for this test`).toBe(false);
    }
    const resources = join(base, 'resources');
    // What electron-builder's asarUnpack leaves next to the archive: the worker and its chunks only.
    for (const file of moduleClosure(join(OUT, 'main', WORKER))) {
      const target = join(resources, 'app.asar.unpacked', relative(ROOT, file));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(file, target);
    }
    // No package.json comes along (it stays in the archive), so no `"type": "module"` above the
    // copy: Node (22.12 and later, as in Electron's) detects the ES module syntax by itself.

    // What src/main/index.ts computes when running from …/resources/app.asar/out/main/index.js.
    const inArchive = join(resources, 'app.asar', 'out', 'main', WORKER);
    const workerPath = unpackedPath(inArchive);
    expect(workerPath).toBe(join(resources, 'app.asar.unpacked', 'out', 'main', WORKER));
    expect(existsSync(workerPath)).toBe(true);

    const worker = new Worker(pathToFileURL(workerPath), {
      workerData: {
        name: 'Build check',
        host: '127.0.0.1',
        port: 0,
        fallbackToAnyPort: false,
        dataDir: join(base, 'hosted-server'),
        forwardLogs: false,
        advertise: false,
        disabledInterfaces: [],
      },
    });
    const messages: { type: string; port?: number }[] = [];
    const exited = new Promise<number>((resolveExit, rejectExit) => {
      worker.on('error', rejectExit);
      worker.on('exit', resolveExit);
    });
    const started = await new Promise<{ type: string; port?: number }>((resolveStart, rejectStart) => {
      worker.on('message', (message: { type: string; port?: number }) => {
        messages.push(message);
        if (message.type === 'started' || message.type === 'failed') resolveStart(message);
      });
      exited.then((code) => rejectStart(new Error(`the worker exited (${code}) before it started`)), rejectStart);
    });
    expect(started).toMatchObject({ type: 'started', port: expect.any(Number) });
    worker.postMessage({ type: 'stop' });
    expect(await exited).toBe(0);
    expect(messages.map((m) => m.type)).toEqual(['started', 'stopped']);
  });
});
