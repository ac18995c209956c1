#!/usr/bin/env node
/**
 * `parley-server`: the room server without a screen. See README.md ("Run a headless server").
 * Logs are JSON lines on stdout (pino). SIGINT/SIGTERM shut down cleanly: clients are told
 * `server_shutdown`, pending messages are committed and the database is checkpointed and closed.
 * With --web it also serves the app to browsers (src/main/core/web), joined to this server only.
 * Unless --no-mdns, it announces itself on the LAN (src/main/core/discovery) and withdraws the
 * announcement (goodbye) first thing on shutdown, so apps nearby drop it at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { advertiseRoomServer, type RoomServerAdvertisement } from '../discovery/advertise-room-server.ts';
import { RoomServer } from '../server/room-server.ts';
import { WebRootError } from '../web/static-files.ts';
import { reachableHost, startWebServer, type WebServer } from '../web/web-server.ts';
import { parseServerOptions, USAGE, UsageError } from './server-options.ts';
import { startupSummary, webUrls, type AnnouncementOutcome } from './startup-summary.ts';

/**
 * The package folder: the nearest parent with a package.json. Found from this module's own
 * location, which is src/main/core/cli/ when run from source and out/main/ when built.
 */
function packageRoot(): { root: string; version: string } {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
      return { root: dir, version: typeof version === 'string' ? version : '0.0.0' };
    }
    if (dirname(dir) === dir) return { root: join(import.meta.dirname, '..', '..'), version: '0.0.0' };
  }
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseServerOptions(process.argv.slice(2), hostname());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`parley-server: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = pino({ name: 'parley-server', level: options.logLevel });
  const { config } = options;
  const pkg = packageRoot();
  const webRoot = options.web ? (options.web.root ?? join(pkg.root, 'out', 'renderer')) : undefined;
  if (webRoot !== undefined && !existsSync(join(webRoot, 'index.html'))) {
    const hint = options.web?.root
      ? `--web-root ${webRoot} has no index.html`
      : `the web UI is not built (${join(webRoot, 'index.html')} is missing): run \`npm run build\` first`;
    log.fatal({ webRoot, reason: hint }, 'could not start');
    process.stderr.write(`parley-server: ${hint}\n`);
    return 1;
  }
  let server: RoomServer;
  try {
    server = await RoomServer.start(config, { logger: log });
  } catch (error) {
    log.fatal({ err: error, port: config.port, dataDir: config.dataDir }, 'could not start');
    return 1;
  }
  const { address, port } = server.address;
  log.info(
    {
      address,
      port,
      transferPort: server.transferPort,
      serverName: config.name,
      dataDir: config.dataDir,
      serverId: server.id,
    },
    'listening',
  );

  let web: WebServer | undefined;
  let urls: string[] | undefined;
  if (options.web && webRoot !== undefined) {
    // Browser sessions all reach the room server from this machine: they are limited per browser
    // address by the web server instead.
    server.exemptFromPerIpLimit(reachableHost(address));
    try {
      web = await startWebServer({
        host: options.web.host,
        port: options.web.port,
        staticDir: webRoot,
        roomServer: { host: reachableHost(address), port },
        version: pkg.version,
        logger: log,
      });
    } catch (error) {
      const reason = error instanceof WebRootError ? error.message : 'the web UI could not listen';
      log.fatal({ err: error, webPort: options.web.port, webRoot, reason }, 'could not start');
      await server.close();
      return 1;
    }
    const bound = web.address;
    urls = webUrls(bound.address, bound.port);
    log.info({ url: urls[0], urls, address: bound.address, port: bound.port, webRoot }, 'web ui');
  }

  let advertisement: RoomServerAdvertisement | undefined;
  let announced: Promise<AnnouncementOutcome> = Promise.resolve({ kind: 'off' });
  if (options.mdns) {
    advertisement = advertiseRoomServer(server, { disabledInterfaces: options.mdns.excludeInterfaces, logger: log });
    if (advertisement.skipped) {
      log.info({ reason: advertisement.skipped }, 'mdns: not announced');
      announced = Promise.resolve({ kind: 'skipped', reason: advertisement.skipped });
    } else {
      announced = advertisement.ready.then(
        ({ instanceName, interfaces }): AnnouncementOutcome => {
          log.info({ instance: instanceName, interfaces }, 'mdns: announced');
          return { kind: 'announced', instanceName, interfaces };
        },
        (error: unknown): AnnouncementOutcome => {
          const reason = (error as Error).message;
          log.warn({ err: reason }, 'mdns: could not announce (nearby apps will not list this server)');
          return { kind: 'failed', reason };
        },
      );
    }
  }
  // For a person at a terminal: where to join, once the announcement has settled (about a second),
  // unless they stopped the server meanwhile.
  let stopping = false;
  if (process.stderr.isTTY) {
    void announced.then((announcement) => {
      if (stopping) return;
      const facts = { serverName: config.name, version: pkg.version, address, port, announcement };
      const transferPort = server.transferPort;
      process.stderr.write(
        startupSummary({ ...facts, transferPort, dataDir: config.dataDir, ...(urls ? { webUrls: urls } : {}) }),
      );
    });
  }

  return new Promise((resolve) => {
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      // The goodbye first, so nearby apps stop offering this server; then browsers: their
      // sessions leave the room server before it shuts down.
      Promise.resolve(advertisement?.stop())
        .then(() => web?.close())
        .then(() => server.close())
        .then(
          () => {
            log.info('stopped');
            resolve(0);
          },
          (error: unknown) => {
            log.error({ err: error }, 'error while shutting down');
            resolve(1);
          },
        );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`parley-server: ${String((error as Error)?.stack ?? error)}\n`);
    process.exitCode = 1;
  },
);
