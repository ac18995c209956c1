/**
 * The headless `parley-server` CLI as a real child process: help and usage errors, the port it
 * logs, flags over the TOML file, config file errors, the default data folder and log levels,
 * and the summary a person at a terminal sees (under a real pseudo-terminal, from `script`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLI_PATH,
  cleanupAll,
  connectClient,
  freePort,
  onCleanup,
  RawClient,
  runCli,
  spawnCli,
  startServer,
  tempDir,
  waitFor,
} from './support/harness.ts';
import { startupSummary } from '../src/main/core/cli/startup-summary.ts';

afterEach(cleanupAll);

function writeConfig(dir: string, text: string, file = 'parley.toml'): string {
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}

/** This process's environment with HOME and the XDG data folder moved into `home`. */
function isolatedEnv(home: string, xdgDataHome: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env['XDG_DATA_HOME'];
  if (xdgDataHome !== undefined) env['XDG_DATA_HOME'] = xdgDataHome;
  return env;
}

describe('usage', () => {
  it.each(['--help', '-h'])('%s prints the usage and exits 0', async (flag) => {
    const { code, stdout, stderr } = await runCli([flag]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: parley-server \[options\]/);
    for (const option of ['--host', '--port', '--name', '--data-dir', '--config', '--log-level', '--help']) {
      expect(stdout).toContain(option);
    }
    expect(stderr).toBe('');
  });

  it.each([
    [['--bogus'], /bogus/],
    [['--port', 'abc'], /--port: not a port number: abc/],
    [['--port', '70000'], /--port: not a port number: 70000/],
    [['--log-level', 'loud'], /--log-level: unknown level loud/],
    [['--name', ''], /--name/],
    [['stray-positional'], /stray-positional/],
    [['--port'], /--port/],
  ])('%j exits 2 with a message and the usage', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^parley-server: /);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Usage: parley-server');
    expect(stdout).toBe('');
  });
});

describe('listening', () => {
  it('with --port 0 logs the port it really got, as JSON', async () => {
    const dataDir = tempDir();
    const cli = await spawnCli(['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--name', 'Test rooms']);
    const listening = cli.logs.find((l) => l['msg'] === 'listening')!;
    expect(listening).toMatchObject({
      level: 30,
      name: 'parley-server',
      port: cli.port,
      dataDir,
      address: '127.0.0.1',
    });
    expect(cli.port).toBeGreaterThan(0);
    const { welcome } = await RawClient.hello(cli.port, 'Ada');
    expect(welcome).toMatchObject({ type: 'welcome', server: { name: 'Test rooms', id: listening['serverId'] } });
    expect(existsSync(join(dataDir, 'parley.db'))).toBe(true);
  });

  it('exits 1 with a fatal log line when the port is taken', async () => {
    const { port } = await startServer();
    const { code, stdout } = await runCli(['--port', String(port), '--host', '127.0.0.1', '--data-dir', tempDir()]);
    expect(code).toBe(1);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l['msg'] === 'could not start')).toMatchObject({ level: 60, port });
  });
});

describe('at a terminal', () => {
  /** Runs the CLI under `script`, which gives it a real pseudo-terminal, until `until` is printed. */
  async function runInTerminal(args: string[], until: RegExp): Promise<string> {
    const command = [process.execPath, CLI_PATH, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    onCleanup(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(() => until.test(output), `the terminal to show ${until}`, 15_000);
    child.kill('SIGTERM');
    return output.replaceAll('\r\n', '\n');
  }

  // util-linux's `script` (Debian: bsdutils, always installed); BSD script takes other flags.
  const withPty = it.skipIf(process.platform !== 'linux');

  withPty(
    'tells where to join, in words: app address, browser URL, the LAN announcement, the data folder',
    async () => {
      const dataDir = tempDir();
      const output = await runInTerminal(
        [
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          '--web',
          '--web-host',
          '127.0.0.1',
          '--web-port',
          '0',
          '--no-mdns',
          '--name',
          'Attic',
          '--data-dir',
          dataDir,
        ],
        // The banner (stderr) and the JSON log (stdout) reach the terminal through two streams:
        // under a loaded CI machine the `web ui` log line was seen to arrive after the banner.
        /(?=[\s\S]*JSON log goes to standard output)(?=[\s\S]*"msg":"web ui")/,
      );
      const logs = output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const listening = logs.find((l) => l['msg'] === 'listening')!;
      const port = listening['port'] as number;
      const transferPort = listening['transferPort'] as number;
      expect(transferPort).toBeGreaterThan(0);
      expect(transferPort).not.toBe(port);
      const url = logs.find((l) => l['msg'] === 'web ui')!['url'] as string;
      expect(output).toContain('Parley server "Attic" is running');
      expect(output).toMatch(new RegExp(`App:\\s+127\\.0\\.0\\.1:${port}\\n`));
      expect(output).toContain(`Browser: ${url}`);
      expect(output).toMatch(new RegExp(`Files:\\s+TCP port ${transferPort} `));
      expect(output).toMatch(/Nearby:\s+not announced \(--no-mdns\): join by address/);
      expect(output).toMatch(new RegExp(`Data:\\s+${dataDir}`));
    },
  );

  withPty('names the announcement once nearby apps can see it', async () => {
    const output = await runInTerminal(
      ['--port', '0', '--name', 'Loft', '--data-dir', tempDir()],
      /JSON log goes to standard output/,
    );
    expect(output).toMatch(/Nearby:\s+apps on the LAN list it as "Loft( \(\d+\))?" \(/);
  });

  it('says why nobody nearby will see it, and shortens long address lists', () => {
    const facts = {
      serverName: 'Attic',
      version: '1.2.3',
      address: '127.0.0.1',
      port: 7275,
      transferPort: 7276,
      dataDir: '/srv/parley',
    };
    const skipped = startupSummary({
      ...facts,
      announcement: { kind: 'skipped', reason: 'listening on 127.0.0.1 only' },
    });
    expect(skipped).toMatch(/Nearby: +not announced \(listening on 127\.0\.0\.1 only\): join by address/);
    expect(skipped).toMatch(/App: +127\.0\.0\.1:7275\n/);
    expect(skipped).toMatch(/Files: +TCP port 7276 \(open it next to 7275 in a firewall\)\n/);
    expect(skipped).not.toContain('Browser:');
    const failed = startupSummary({
      ...facts,
      announcement: { kind: 'failed', reason: 'no usable network interface' },
    });
    expect(failed).toContain('could not announce (no usable network interface): join by address');
    const urls = Array.from({ length: 6 }, (_, i) => `http://10.0.0.${i + 1}:7280/`);
    const many = startupSummary({ ...facts, webUrls: urls, announcement: { kind: 'off' } });
    expect(many).toContain('http://10.0.0.4:7280/ (+2 more)');
    expect(many).not.toContain('10.0.0.5');
  });

  it('keeps standard error quiet when it is not a terminal (services, pipes)', async () => {
    const cli = await spawnCli(['--port', '0', '--host', '127.0.0.1', '--no-mdns', '--data-dir', tempDir()]);
    await new Promise((wait) => setTimeout(wait, 300));
    expect(cli.stderr()).toBe('');
  });
});

describe('config file', () => {
  it('is used for whatever the flags leave out, and flags win', async () => {
    const dir = tempDir();
    const filePort = await freePort();
    const fileDataDir = join(dir, 'from-file');
    const config = writeConfig(
      dir,
      [
        'name = "From the file"',
        `port = ${filePort}`,
        'host = "127.0.0.1"',
        `data_dir = ${JSON.stringify(fileDataDir)}`,
        '',
        '[limits]',
        'max_text_chars = 123',
        'rate_burst = 7',
        '',
      ].join('\n'),
    );

    const fromFile = await spawnCli(['--config', config]);
    expect(fromFile.port).toBe(filePort);
    const ada = await connectClient(fromFile.port, 'Ada');
    expect(ada.welcome!.server.name).toBe('From the file');
    expect(ada.welcome!.limits).toMatchObject({ maxTextChars: 123, rateBurst: 7 });
    expect(existsSync(join(fileDataDir, 'parley.db'))).toBe(true);
    // The limit is enforced, not just announced.
    const { room } = await ada.createRoom('Lobby');
    await ada.joinRoom(room.id);
    await expect(ada.sendMessage({ room: room.id }, 'x'.repeat(124))).rejects.toMatchObject({ code: 'text_too_long' });
    ada.close();

    const flagDataDir = join(dir, 'from-flag');
    const flagged = await spawnCli([
      '--config',
      config,
      '--name',
      'From a flag',
      '--port',
      '0',
      '--data-dir',
      flagDataDir,
    ]);
    expect(flagged.port).not.toBe(filePort);
    const bob = await connectClient(flagged.port, 'Bob');
    expect(bob.welcome!.server.name).toBe('From a flag');
    expect(bob.welcome!.limits.maxTextChars).toBe(123); // no flag for it: the file's value stays
    expect(flagged.logs.find((l) => l['msg'] === 'listening')).toMatchObject({
      dataDir: flagDataDir,
      address: '127.0.0.1',
    });
    expect(existsSync(join(flagDataDir, 'parley.db'))).toBe(true);
  });

  it.each([
    ['invalid TOML', 'name = "unterminated\n', /invalid TOML/],
    ['an unknown key', 'colour = "red"\n', /colour|unrecognized/i],
    ['an unknown limit', '[limits]\nmax_speed = 3\n', /limits/],
    ['a port of the wrong type', 'port = "7275"\n', /port/],
    ['a port out of range', 'port = 70000\n', /port/],
    ['a negative limit', '[limits]\nmax_text_chars = -5\n', /limits\.max_text_chars/],
    ['a fractional limit', '[limits]\nmax_text_chars = 1.5\n', /limits\.max_text_chars/],
    ['a name of the wrong type', 'name = 42\n', /name/],
    ['an unknown log level', 'log_level = "loud"\n', /log_level/],
    ['an unknown history mode', '[history]\nsynchronous = "sometimes"\n', /history\.synchronous/],
  ])('with %s exits 2 naming the file', async (_what, text, message) => {
    const dir = tempDir();
    const config = writeConfig(dir, text, 'broken.toml');
    const { code, stderr, stdout } = await runCli(['--config', config, '--port', '0', '--data-dir', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain(config);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
    expect(existsSync(join(dir, 'parley.db'))).toBe(false);
  });

  it('exits 2 naming a config file that does not exist', async () => {
    const missing = join(tempDir(), 'nowhere.toml');
    const { code, stderr } = await runCli(['--config', missing]);
    expect(code).toBe(2);
    expect(stderr).toContain(missing);
  });
});

describe('default data folder', () => {
  it('is $XDG_DATA_HOME/parley-server when --data-dir is omitted', async () => {
    const home = tempDir();
    const xdg = join(home, 'xdg-data');
    const env = isolatedEnv(home, xdg);
    const expected = join(xdg, 'parley-server');
    expect((await runCli(['--help'], { env })).stdout).toContain(expected);

    const cli = await spawnCli(['--port', '0', '--host', '127.0.0.1'], 15_000, { env });
    expect(cli.logs.find((l) => l['msg'] === 'listening')).toMatchObject({ dataDir: expected });
    await RawClient.hello(cli.port, 'Ada');
    expect(existsSync(join(expected, 'parley.db'))).toBe(true);
  });

  it('is ~/.local/share/parley-server without XDG_DATA_HOME', async () => {
    const home = tempDir();
    const env = isolatedEnv(home, undefined);
    const cli = await spawnCli(['--port', '0', '--host', '127.0.0.1'], 15_000, { env });
    const expected = join(home, '.local', 'share', 'parley-server');
    expect(cli.logs.find((l) => l['msg'] === 'listening')).toMatchObject({ dataDir: expected });
    expect(existsSync(join(expected, 'parley.db'))).toBe(true);
  });
});

describe('log level', () => {
  it('--log-level warn logs warnings but no info lines', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    // One connection per address, so that a second one is refused with a warning.
    const config = writeConfig(dir, '[limits]\nmax_connections_per_ip = 1\n');
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        CLI_PATH,
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--data-dir',
        join(dir, 'data'),
        '--config',
        config,
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    onCleanup(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const closed = new Promise<number | string>((done) =>
      child.on('close', (code, signal) => done(code ?? signal ?? -1)),
    );

    // Nothing says "listening" at this level: wait until the port answers.
    let first: RawClient | undefined;
    await waitFor(
      async () => {
        first = await RawClient.hello(port, 'Ada').then(
          (r) => r.client,
          () => undefined,
        );
        return first !== undefined;
      },
      'the server to accept connections',
      15_000,
    );
    const second = await RawClient.open(port);
    expect(await second.next((f) => f.type === 'error')).toMatchObject({ code: 'too_many_connections', fatal: true });
    await waitFor(() => stdout.includes('connection refused'), 'the warning');
    child.kill('SIGTERM');
    expect(await closed).toBe(0);

    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[40, 'connection refused: too many connections']]);
  });

  it('the default level logs the lifecycle at info', async () => {
    const cli = await spawnCli(['--port', '0', '--host', '127.0.0.1', '--data-dir', tempDir()]);
    await RawClient.hello(cli.port, 'Ada');
    cli.child.kill('SIGTERM');
    expect(await cli.closed).toBe(0);
    const messages = cli.logs.map((l) => l['msg']);
    expect(messages).toEqual(expect.arrayContaining(['listening', 'user connected', 'shutting down', 'stopped']));
    expect(cli.logs.every((l) => l['level'] === 30)).toBe(true);
  });
});
