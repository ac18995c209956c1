/**
 * The hosted-server worker must load from app.asar.unpacked (real files: a worker thread is
 * started from a file URL, and Node resolves the worker's imports on disk, never inside
 * app.asar). Two checks, both on the output of `npm run build` (skipped, saying so, before it):
 *
 * 1. From the config: every file the worker imports, transitively (its chunks and the npm
 *    packages those import, with their own dependencies), is matched by `asarUnpack`.
 * 2. For real: electron-builder packs an unpacked Linux directory around a stand-in Electron
 *    binary (a file carrying only the fuse wire, since no Electron binary can be downloaded
 *    here). Then: the asar holds the app and nothing else, the worker and everything it needs is
 *    in app.asar.unpacked, plain Node can link the unpacked worker (all imports resolve outside
 *    the asar), and electron-builder flipped every fuse in the binary as configured.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, readBuilderConfig } from './builder-config.ts';

const config = readBuilderConfig();
const WORKER = 'out/main/hosted-server-worker.js';
const built = existsSync(join(ROOT, WORKER));
const NOT_BUILT = `${WORKER} is missing: run \`npm run build\` first`;

/** `asarUnpack` entries are exact paths or `<folder>/**`; anything else would need a real glob. */
function unpackedBy(patterns: string[], file: string): boolean {
  return patterns.some((p) => (p.endsWith('/**') ? file.startsWith(p.slice(0, -2)) : file === p));
}

/** Import specifiers of a bundled ES module (static `import … from`, `export … from`, `import()`). */
function importsOf(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)) found.add(m[1]!);
  return [...found];
}

/** The worker's module graph: its files (relative to the root) and the npm packages it imports. */
function workerGraph(): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of importsOf(readFileSync(join(ROOT, file), 'utf8'))) {
      if (specifier.startsWith('.')) visit(relative(ROOT, resolve(ROOT, dirname(file), specifier)));
      else if (!specifier.startsWith('node:')) {
        const parts = specifier.split('/');
        packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
  };
  visit(WORKER);
  return { files: [...files], packages: [...packages] };
}

/** The installed folders (relative to the root) of these packages and all their dependencies. */
function packageFolders(names: string[]): string[] {
  const folders = new Set<string>();
  const visit = (name: string, from: string): void => {
    // Node's lookup: the nearest node_modules/<name> from the requiring package upwards.
    let dir = from;
    let folder: string | undefined;
    for (;;) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) {
        folder = candidate;
        break;
      }
      if (dir === ROOT || dirname(dir) === dir) break;
      dir = dirname(dir);
    }
    if (!folder) throw new Error(`${name} is not installed (needed by ${relative(ROOT, from) || 'the worker'})`);
    const key = relative(ROOT, folder);
    if (folders.has(key)) return;
    folders.add(key);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, folder);
  };
  for (const name of names) visit(name, ROOT);
  return [...folders];
}

describe.skipIf(!built)(`asarUnpack covers the hosted-server worker${built ? '' : ` (skipped: ${NOT_BUILT})`}`, () => {
  it('uses only exact paths and folder/** patterns (what unpackedBy understands)', () => {
    for (const pattern of config.asarUnpack) expect(pattern).toMatch(/^[\w@.\-/]+(\/\*\*)?$/);
  });

  it('matches the worker and every chunk it imports', () => {
    const { files } = workerGraph();
    expect(files).toContain(WORKER);
    expect(files.length).toBeGreaterThan(1); // the bundle splits shared code into chunks
    for (const file of files) expect(unpackedBy(config.asarUnpack, file), file).toBe(true);
  });

  it('matches every npm package the worker loads, with their dependencies', () => {
    const { packages } = workerGraph();
    for (const folder of packageFolders(packages)) {
      expect(unpackedBy(config.asarUnpack, `${folder}/package.json`), folder).toBe(true);
    }
  });
});

// ---- Packing for real, around a stand-in Electron ------------------------------------------------

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'; // @electron/fuses' marker before the fuse wire
/** Fuse wire positions (FuseV1Options in @electron/fuses) and the config key of each. */
const FUSE_ORDER = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
] as const;

type AsarEntry = { files?: Record<string, AsarEntry>; unpacked?: boolean; size?: number };

/** Every file path in an asar archive's header (a Chromium pickle holding JSON) → its entry. */
function asarFiles(archive: string): Map<string, AsarEntry> {
  const data = readFileSync(archive);
  const jsonLength = data.readUInt32LE(12);
  const header = JSON.parse(data.toString('utf8', 16, 16 + jsonLength)) as AsarEntry;
  const files = new Map<string, AsarEntry>();
  const walk = (entry: AsarEntry, path: string): void => {
    if (!entry.files) files.set(path, entry);
    else for (const [name, child] of Object.entries(entry.files)) walk(child, path ? `${path}/${name}` : name);
  };
  walk(header, '');
  return files;
}

describe.skipIf(!built)(`packing with electron-builder${built ? '' : ` (skipped: ${NOT_BUILT})`}`, () => {
  let work = '';
  let resources = '';
  let binary = '';

  beforeAll(() => {
    // Outside the repository, so no node_modules above app.asar.unpacked can mask a missing one.
    work = mkdtempSync(join(tmpdir(), 'parley-pack-'));
    const standIn = join(work, 'electron-dist');
    mkdirSync(standIn);
    // Every fuse starts opposite to the configured value, so each one must be flipped.
    const wire = FUSE_ORDER.map((name) => (config.electronFuses[name] ? '0' : '1')).join('');
    writeFileSync(
      join(standIn, 'electron'),
      Buffer.concat([
        Buffer.from('#!/bin/sh\nexit 1\n'),
        Buffer.from(SENTINEL),
        Buffer.from([1, wire.length]),
        Buffer.from(wire),
      ]),
    );
    chmodSync(join(standIn, 'electron'), 0o755);
    for (const file of ['chrome-sandbox', 'LICENSE', 'LICENSES.chromium.html']) writeFileSync(join(standIn, file), '');
    const out = join(work, 'dist');
    const builder = join(ROOT, 'node_modules/electron-builder/cli.js');
    const run = spawnSync(
      process.execPath,
      [
        builder,
        '--dir',
        '--linux',
        '--x64',
        '--publish',
        'never',
        `-c.electronDist=${standIn}`,
        `-c.directories.output=${out}`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, CI: 'true' } },
    );
    if (run.status !== 0) throw new Error(`electron-builder failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    resources = join(out, 'linux-unpacked/resources');
    binary = join(out, 'linux-unpacked', config.linux.executableName);
  }, 200_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('puts main, preload, renderer, package.json and the icon in app.asar, and no sources', () => {
    const files = asarFiles(join(resources, 'app.asar'));
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    for (const file of [manifest.main.replace(/^\.\//, ''), 'out/preload/index.cjs', 'out/renderer/index.html']) {
      expect(files.has(file), file).toBe(true);
    }
    expect(files.has('package.json')).toBe(true);
    expect(files.has('resources/icon.png')).toBe(true);
    const top = new Set([...files.keys()].map((f) => f.split('/')[0]));
    expect([...top].sort()).toEqual(['node_modules', 'out', 'package.json', 'resources']);
  });

  it('marks the worker unpacked and writes it, its chunks and packages to app.asar.unpacked', () => {
    const files = asarFiles(join(resources, 'app.asar'));
    expect(files.get(WORKER)?.unpacked).toBe(true);
    const { files: graph, packages } = workerGraph();
    for (const file of graph) expect(existsSync(join(resources, 'app.asar.unpacked', file)), file).toBe(true);
    for (const folder of packageFolders(packages)) {
      expect(existsSync(join(resources, 'app.asar.unpacked', folder, 'package.json')), folder).toBe(true);
    }
  });

  it('lets plain Node link the unpacked worker: every import resolves outside the asar', () => {
    // Importing it on the main thread links all its imports first, then its own guard throws.
    const worker = join(resources, 'app.asar.unpacked', WORKER);
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `await import(${JSON.stringify(`file://${worker}`)})`],
      {
        cwd: work,
        encoding: 'utf8',
      },
    );
    expect(run.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find/);
    expect(run.stderr).toContain('hosted-server-worker must run in a worker thread');
  });

  it('flips every fuse in the binary as configured', () => {
    const data = readFileSync(binary);
    const at = data.indexOf(SENTINEL) + SENTINEL.length;
    expect(at).toBeGreaterThan(SENTINEL.length - 1);
    expect(data[at]).toBe(1); // fuse wire version
    const wire = data.toString('latin1', at + 2, at + 2 + FUSE_ORDER.length);
    const flipped = Object.fromEntries(FUSE_ORDER.map((name, i) => [name, wire[i] === '1']));
    expect(flipped).toEqual(config.electronFuses);
  });

  it('writes app-update.yml for electron-updater (GitHub provider)', () => {
    const updateConfig = readFileSync(join(resources, 'app-update.yml'), 'utf8');
    expect(updateConfig).toContain('updaterCacheDirName: parley-updater');
    // Owner and repo come from GITHUB_REPOSITORY or the git remote; a local clone may have neither.
    if (process.env['GITHUB_REPOSITORY']) expect(updateConfig).toContain('provider: github');
  });

  it('names the Linux executable as the shared contract says (parley)', () => {
    expect(statSync(binary).mode & 0o111).not.toBe(0);
  });
});
