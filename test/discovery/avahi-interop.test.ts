/**
 * Interop with avahi, a real foreign mDNS implementation, both ways: avahi-browse resolves our
 * servers to this machine's .local host name and their port (two on one machine included), and
 * our browser lists a `_parley._tcp` service published with avahi-publish only when its TXT
 * record has our fields. Also: our announcements never make avahi see a conflict on the host
 * name (it would rename the machine).
 *
 * avahi is started when missing (test/support/avahi.ts); when it cannot be, these tests fail.
 * avahi is Linux-only: elsewhere they are skipped.
 */
import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NearbyBrowser } from '../../src/main/core/discovery/nearby-browser.ts';
import { avahiBrowse, avahiPublish, ensureAvahi, type AvahiHandle } from '../support/avahi.ts';
import { cleanupAll, onCleanup, spawnCli, tempDir, waitFor } from '../support/harness.ts';
import { testInterface } from '../support/mdns-peer.ts';

/** This machine's mDNS host name, as avahi names it: the host name to its first dot, in .local. */
const HOST = `${hostname().split('.')[0]}.local`;

const run = promisify(execFile);

let avahi: AvahiHandle | undefined;
let browser: NearbyBrowser;

describe.skipIf(process.platform !== 'linux')('interop with avahi', () => {
  beforeAll(async () => {
    avahi = await ensureAvahi();
    browser = new NearbyBrowser({ requeryMs: 500, staleAfterMs: 3000, debounceMs: 50 });
    await browser.start();
  }, 60_000);
  afterAll(async () => {
    await browser?.stop();
    await avahi?.stop();
  }, 30_000);
  afterEach(cleanupAll);

  async function server(name: string) {
    const cli = await spawnCli(['--port', '0', '--data-dir', tempDir(), '--name', name]);
    const id = cli.logs.find((l) => l['msg'] === 'listening')!['serverId'] as string;
    return Object.assign(cli, { id });
  }

  it('avahi-browse resolves two servers of one machine to its .local host name and their ports', async () => {
    const { iface, ipv4 } = testInterface();
    const [a, b] = await Promise.all([server('Seen by avahi'), server('Seen by avahi')]);
    let services: Awaited<ReturnType<typeof avahiBrowse>> = [];
    const ours = (id: string) => services.find((s) => s.protocol === 'IPv4' && s.txt.includes(`id=${id}`));
    await waitFor(
      async () => {
        services = await avahiBrowse('_parley._tcp');
        return ours(a.id) !== undefined && ours(b.id) !== undefined;
      },
      'avahi-browse to resolve both servers',
      20_000,
    );
    // avahi-browse resolves the host name to any of its addresses (IPv6 ones too).
    const addresses = iface.addresses.map((a) => a.address);
    for (const cli of [a, b]) {
      expect(ours(cli.id)).toMatchObject({ type: '_parley._tcp', host: HOST, port: cli.port });
      expect(addresses).toContain(ours(cli.id)!.address);
      expect(ours(cli.id)!.txt).toEqual(expect.arrayContaining(['v=1', 'name=Seen by avahi', 'rooms=0']));
    }
    expect(new Set([ours(a.id)!.name, ours(b.id)!.name])).toEqual(new Set(['Seen by avahi', 'Seen by avahi (2)']));

    // avahi kept this machine's name: nothing we announced conflicted with its records.
    const { stdout } = await run('avahi-resolve', ['-a', ipv4], { timeout: 5000 });
    expect(stdout.trim().split(/\s+/)[1]).toBe(HOST);
  });

  it('lists an avahi-published service with our fields and ignores one without them', async () => {
    const { ipv4 } = testInterface();
    const suffix = Math.random().toString(36).slice(2, 10);
    const validId = `s_avahi${suffix}`;
    // The one without our fields first; once avahi shows it, publish the valid one: when that
    // one is listed, the first one has been heard (and ignored) too.
    const without = avahiPublish(`No fields ${suffix}`, '_parley._tcp', 7901, ['path=/', 'foo=bar']);
    onCleanup(() => without.stop());
    const partial = avahiPublish(`Partial ${suffix}`, '_parley._tcp', 7902, [
      'v=1',
      `name=Partial ${suffix}`,
      'rooms=1',
    ]);
    onCleanup(() => partial.stop());
    await waitFor(
      async () => {
        const names = (await avahiBrowse('_parley._tcp')).map((s) => s.name);
        return names.includes(`No fields ${suffix}`) && names.includes(`Partial ${suffix}`);
      },
      'avahi to publish the services without our fields',
      20_000,
    );
    const valid = avahiPublish(`Valid ${suffix}`, '_parley._tcp', 7903, [
      'v=1',
      `id=${validId}`,
      `name=Avahi ${suffix}`,
      'rooms=3',
    ]);
    onCleanup(() => valid.stop());
    await waitFor(() => browser.servers.some((s) => s.id === validId), 'our browser to list the valid service', 10_000);
    const entry = browser.servers.find((s) => s.id === validId)!;
    expect(entry).toMatchObject({ name: `Avahi ${suffix}`, rooms: 3, version: 1, port: 7903, host: HOST });
    expect(entry.addresses[0]).toBe(ipv4);
    expect(browser.servers.filter((s) => s.port === 7901 || s.port === 7902)).toEqual([]);
    expect(browser.servers.some((s) => s.name.includes(`Partial ${suffix}`))).toBe(false);

    // avahi-publish ending withdraws the service (avahi sends the goodbye): it leaves our list.
    valid.stop();
    await waitFor(() => !browser.servers.some((s) => s.id === validId), 'the withdrawn service to leave', 5000);
  });
});
