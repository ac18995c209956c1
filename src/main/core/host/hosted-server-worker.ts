/**
 * The worker thread behind HostedServer: runs one RoomServer until told to stop.
 * Input: workerData (WORKER_DATA_SCHEMA). Output: `started` {port} or `failed` {message}, then
 * `stopped` after a `stop` message; log records as `log` messages when asked to forward them.
 * Unless told not to, it announces the server on the LAN once started and says goodbye before
 * the server closes; `disabled_interfaces` changes where it announces.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../describe-error.ts';
import { advertiseRoomServer, type RoomServerAdvertisement } from '../discovery/advertise-room-server.ts';
import { RoomServer } from '../server/room-server.ts';
import type { Logger } from '../server/logger.ts';
import { silentLogger } from '../server/logger.ts';
import { resolveServerConfig } from '../server/server-config.ts';
import {
  TO_WORKER_SCHEMA,
  WORKER_DATA_SCHEMA,
  type FromWorkerMessage,
  type HostedServerWorkerData,
} from './hosted-server.ts';

if (isMainThread || !parentPort) throw new Error('hosted-server-worker must run in a worker thread');
const port = parentPort;

function post(message: FromWorkerMessage): void {
  port.postMessage(message);
}

/** Log data made safe to post (structured clone refuses functions, sockets, …). */
function plain(data: object): Record<string, unknown> {
  try {
    const json = JSON.stringify(data, (_key, value: unknown) =>
      value instanceof Error ? { message: value.message, code: (value as { code?: unknown }).code } : value,
    );
    const parsed: unknown = JSON.parse(json ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function forwardingLogger(): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (data: object, msg?: string): void =>
      post({ type: 'log', level, data: plain(data), ...(msg === undefined ? {} : { msg: msg.slice(0, 4096) }) });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function startServer(data: HostedServerWorkerData, logger: Logger): Promise<RoomServer> {
  const config = (listenPort: number) =>
    resolveServerConfig({ name: data.name, host: data.host, port: listenPort, dataDir: data.dataDir });
  try {
    return await RoomServer.start(config(data.port), { logger });
  } catch (error) {
    if (!data.fallbackToAnyPort || data.port === 0 || (error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    logger.info({ port: data.port }, 'port taken; listening on any free port');
    return RoomServer.start(config(0), { logger });
  }
}

async function main(): Promise<void> {
  const checked = WORKER_DATA_SCHEMA.safeParse(workerData);
  if (!checked.success) {
    post({ type: 'failed', message: 'Invalid hosted server settings' });
    return;
  }
  const data = checked.data;
  const logger = data.forwardLogs ? forwardingLogger() : silentLogger;
  let server: RoomServer;
  try {
    server = await startServer(data, logger);
  } catch (error) {
    // Nothing keeps this thread alive now: it ends after the message is delivered.
    post({ type: 'failed', message: describeError(error) });
    return;
  }
  logger.info({ port: server.address.port, serverName: data.name, serverId: server.id }, 'hosting');
  post({ type: 'started', port: server.address.port, serverId: server.id });

  let advertisement: RoomServerAdvertisement | undefined;
  if (data.advertise) {
    advertisement = advertiseRoomServer(server, { disabledInterfaces: data.disabledInterfaces, logger });
    if (advertisement.skipped) logger.info({ reason: advertisement.skipped }, 'mdns: not announced');
    else
      advertisement.ready.then(
        ({ instanceName, interfaces }) => logger.info({ instance: instanceName, interfaces }, 'mdns: announced'),
        (error: unknown) => logger.warn({ err: describeError(error) }, 'mdns: could not announce'),
      );
  }

  let stopping = false;
  port.on('message', (raw: unknown) => {
    const message = TO_WORKER_SCHEMA.safeParse(raw);
    if (!message.success || stopping) return;
    if (message.data.type === 'disabled_interfaces') {
      void advertisement?.setDisabledInterfaces(message.data.names);
      return;
    }
    stopping = true;
    // The goodbye first: nearby apps stop offering the server before it closes.
    Promise.resolve(advertisement?.stop())
      .then(() => server.close())
      .then(
        () => {
          logger.info({}, 'hosting stopped');
          post({ type: 'stopped' });
          port.close(); // the last handle: the thread exits
        },
        (error: unknown) => {
          logger.error({ err: describeError(error) }, 'error while stopping');
          post({ type: 'stopped' });
          port.close();
        },
      );
  });
}

void main();
