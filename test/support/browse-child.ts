/**
 * A NearbyBrowser in a process of its own, for tests where two processes must find each other
 * over real multicast: prints one JSON line per `changed` event (`{"servers":[…]}`), and stops
 * cleanly (closing its sockets) on SIGTERM. Options: a JSON object as the first argument.
 */
import { NearbyBrowser, type NearbyBrowserOptions } from '../../src/main/core/discovery/nearby-browser.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as NearbyBrowserOptions;
const browser = new NearbyBrowser(options);
browser.on('changed', (servers) => process.stdout.write(`${JSON.stringify({ servers })}\n`));
await browser.start();
process.stdout.write(`${JSON.stringify({ ready: true, interfaces: browser.interfaces })}\n`);
process.on('SIGTERM', () => {
  void browser.stop().then(() => process.exit(0));
});
