/**
 * The multicast loopback self-test of the diagnostics view: "does our own announcement come back
 * to us?". It publishes a throw-away service and browses for it with a separate socket, as
 * another program on this machine would. If nothing comes back on an interface, mDNS cannot
 * work there whatever the network does: a local firewall dropping UDP 5353, a socket that
 * cannot join the multicast group, an adapter without multicast (many VPN tunnels). If it comes
 * back but others still cannot see us, the cause is on the network (Wi-Fi client isolation, a
 * switch or router filtering multicast, another subnet): the view says so.
 *
 * It uses its own service type (`_parley-check._tcp`) and a random name and id, so it never
 * shows in anyone's Nearby list, and it always cleans up (goodbye, sockets closed).
 */
import { randomBytes } from 'node:crypto';
import type { MulticastSelfTest } from '../../../shared/discovery/diagnostics.ts';
import { buildTxtRecord } from '../../../shared/discovery/txt-record.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol/constants.ts';
import { SELF_TEST_SERVICE_TYPE } from './dns-sd.ts';
import { NearbyBrowser } from './nearby-browser.ts';
import { ServiceAdvertiser } from './service-advertiser.ts';

export interface SelfTestOptions {
  /** Interfaces switched off by name (tested: the enabled ones). */
  disabledInterfaces?: Iterable<string>;
  /** How long to wait for the announcement to come back on every interface (ms). Default 3000. */
  timeoutMs?: number;
}

export interface SelfTestResult extends MulticastSelfTest {
  /** Interfaces the test ran on (heardOn ⊆ tested). */
  tested: string[];
  /** Interfaces that could not be used at all, with the reason. */
  failed: { name: string; reason: string }[];
}

/** Runs the test. Never rejects: a failure is reported in the result. */
export async function runMulticastSelfTest(options: SelfTestOptions = {}): Promise<SelfTestResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 3000;
  const id = `t_${randomBytes(9).toString('base64url')}`;
  const disabled = [...(options.disabledInterfaces ?? [])];
  const browser = new NearbyBrowser({
    serviceType: SELF_TEST_SERVICE_TYPE,
    disabledInterfaces: disabled,
    requeryMs: 500,
    debounceMs: 0,
  });
  const advertiser = new ServiceAdvertiser({
    name: `Parley self-test ${id.slice(2, 8)}`,
    serviceType: SELF_TEST_SERVICE_TYPE,
    port: 9, // "discard": nothing is meant to connect
    txt: buildTxtRecord({ version: PROTOCOL_VERSION, id, name: 'Parley self-test', rooms: 0 }),
    disabledInterfaces: disabled,
    probe: false,
    ttl: 10,
  });
  const result = (fields: Partial<SelfTestResult>): SelfTestResult => ({
    ok: false,
    elapsedMs: Date.now() - started,
    heardOn: [],
    error: null,
    tested: [],
    failed: [],
    ...fields,
  });
  try {
    await browser.start();
    await advertiser.start();
    const tested = advertiser.interfaces;
    const failed = [...advertiser.failures].map(([name, reason]) => ({ name, reason }));
    if (tested.length === 0) {
      return result({
        error:
          failed.length > 0
            ? `No network interface could be used: ${failed[0]!.reason}`
            : 'No network interface with an IPv4 address is switched on',
        failed,
      });
    }
    const heard = () => browser.servers.find((s) => s.id === id)?.interfaces ?? [];
    const deadline = started + timeoutMs;
    while (Date.now() < deadline && !tested.every((name) => heard().includes(name))) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const heardOn = heard().filter((name) => tested.includes(name));
    return result({
      ok: heardOn.length > 0,
      heardOn,
      tested,
      failed,
      error:
        heardOn.length > 0 ? null : 'Our own announcement did not come back (multicast is blocked on this machine)',
    });
  } catch (error) {
    return result({ error: (error as Error).message });
  } finally {
    await Promise.allSettled([advertiser.stop(), browser.stop()]);
  }
}
