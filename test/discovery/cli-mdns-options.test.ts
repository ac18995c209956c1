/**
 * parley-server's mDNS options: on by default, `--no-mdns` or `[mdns] enabled = false` turn it
 * off, `--mdns-exclude` / `exclude_interfaces` name interfaces not to announce on.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServerOptions, USAGE, type CliOptions } from '../../src/main/core/cli/server-options.ts';
import { cleanupAll, runCli, tempDir } from '../support/harness.ts';

afterEach(cleanupAll);

function parse(args: string[], toml?: string): CliOptions {
  const extra: string[] = [];
  if (toml !== undefined) {
    const file = join(tempDir(), 'parley.toml');
    writeFileSync(file, toml);
    extra.push('--config', file);
  }
  const options = parseServerOptions([...args, ...extra, '--data-dir', '/tmp/unused'], 'box');
  if (options === 'help') throw new Error('unexpected help');
  return options;
}

describe('mDNS options', () => {
  it('announce by default, on every interface', () => {
    expect(parse([]).mdns).toEqual({ excludeInterfaces: [] });
  });

  it('--no-mdns and [mdns] enabled = false turn it off; the flag wins over the file', () => {
    expect(parse(['--no-mdns']).mdns).toBeNull();
    expect(parse([], '[mdns]\nenabled = false\n').mdns).toBeNull();
    expect(parse(['--no-mdns'], '[mdns]\nenabled = true\n').mdns).toBeNull();
    expect(parse([], '[mdns]\nenabled = true\n').mdns).toEqual({ excludeInterfaces: [] });
  });

  it('--mdns-exclude and exclude_interfaces name the interfaces to leave out; the flag wins', () => {
    expect(parse(['--mdns-exclude', 'docker0, tun0,docker0']).mdns).toEqual({ excludeInterfaces: ['docker0', 'tun0'] });
    expect(parse([], '[mdns]\nexclude_interfaces = ["virbr0", "vEthernet (WSL)"]\n').mdns).toEqual({
      excludeInterfaces: ['virbr0', 'vEthernet (WSL)'],
    });
    expect(parse(['--mdns-exclude', 'wg0'], '[mdns]\nexclude_interfaces = ["virbr0"]\n').mdns).toEqual({
      excludeInterfaces: ['wg0'],
    });
  });

  it.each([
    [['--mdns-exclude', 'docker0', '--no-mdns'], /--mdns-exclude needs mDNS/],
    [['--mdns-exclude', 'a,,b'], /--mdns-exclude/],
    [['--mdns-exclude', 'x'.repeat(65)], /--mdns-exclude/],
  ])('%j is a usage error', (args, message) => {
    expect(() => parse(args)).toThrow(message);
  });

  it.each([
    ['[mdns]\nenabled = "no"\n', /mdns\.enabled/],
    ['[mdns]\nexclude_interfaces = "docker0"\n', /mdns\.exclude_interfaces/],
    ['[mdns]\nexclude_interfaces = [""]\n', /mdns\.exclude_interfaces/],
    ['[mdns]\nbroadcast = true\n', /mdns/],
  ])('a config file with %j is refused, naming the key', async (toml, message) => {
    const dir = tempDir();
    const file = join(dir, 'bad.toml');
    writeFileSync(file, toml);
    const { code, stderr } = await runCli(['--config', file, '--data-dir', dir]);
    expect(code).toBe(2);
    expect(stderr).toContain(file);
    expect(stderr).toMatch(message);
  });

  it('the usage lists the flags', () => {
    expect(USAGE).toContain('--no-mdns');
    expect(USAGE).toContain('--mdns-exclude');
  });
});
