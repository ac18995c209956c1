#!/usr/bin/env node
/**
 * `parley-server`: the room server without a screen. See README.md ("Run a headless server").
 * Logs are JSON lines on stdout (pino). SIGINT/SIGTERM shut down cleanly: clients are told
 * `server_shutdown`, pending messages are committed and the database is checkpointed and closed.
 */
import { hostname } from 'node:os';
import { pino } from 'pino';
import { RoomServer } from '../server/room-server.ts';
import { parseServerOptions, USAGE, UsageError } from './server-options.ts';

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
  let server: RoomServer;
  try {
    server = await RoomServer.start(config, { logger: log });
  } catch (error) {
    log.fatal({ err: error, port: config.port, dataDir: config.dataDir }, 'could not start');
    return 1;
  }
  const { address, port } = server.address;
  log.info({ address, port, serverName: config.name, dataDir: config.dataDir, serverId: server.id }, 'listening');

  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      server.close().then(
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
