/**
 * Announces a running RoomServer on the LAN and keeps its TXT record current: the headless
 * server and the desktop app's hosted server both go through here, so they advertise exactly
 * the same way. The room count is re-announced when it changes (`rooms_changed`), gathered over
 * `txtDelayMs` so that a burst of changes costs one announcement.
 *
 * A server listening on a loopback address only is not announced: nobody else could connect.
 * One listening on a single address is announced only on the interface that holds it.
 */
import { isIPv4 } from 'node:net';
import { buildTxtRecord } from '../../../shared/discovery/txt-record.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol/constants.ts';
import { silentLogger, type Logger } from '../server/logger.ts';
import type { RoomServer } from '../server/room-server.ts';
import { ServiceAdvertiser } from './service-advertiser.ts';

export interface AdvertiseOptions {
  disabledInterfaces?: Iterable<string>;
  logger?: Logger;
  /** Delay that gathers room-count changes into one announcement (ms). Default 250. */
  txtDelayMs?: number;
  /** Passed to the advertiser (tests). */
  hostName?: string;
}

export interface RoomServerAdvertisement {
  /** Resolves with the instance name once announced; rejects if mDNS cannot run here. */
  readonly ready: Promise<{ instanceName: string; interfaces: string[] }>;
  /** Why nothing is announced (loopback-only server), or null. */
  readonly skipped: string | null;
  /** The instance name in use (after a rename, the new one). */
  readonly instanceName: string;
  readonly interfaces: string[];
  setDisabledInterfaces(names: Iterable<string>): Promise<void>;
  /** Withdraws the service (goodbye) and closes the sockets. Idempotent; never rejects. */
  stop(): Promise<void>;
}

function isLoopback(address: string): boolean {
  return address === '::1' || (isIPv4(address) && address.startsWith('127.')) || address.startsWith('::ffff:127.');
}

function isWildcard(address: string): boolean {
  return address === '' || address === '::' || address === '0.0.0.0';
}

/** Starts announcing `server`. Returns at once; `ready` tells when (and whether) it is announced. */
export function advertiseRoomServer(server: RoomServer, options: AdvertiseOptions = {}): RoomServerAdvertisement {
  const log = options.logger ?? silentLogger;
  const { address, port } = server.address;
  if (isLoopback(address)) {
    const skipped = `listening on ${address} only`;
    return {
      ready: Promise.resolve({ instanceName: '', interfaces: [] }),
      skipped,
      instanceName: '',
      interfaces: [],
      setDisabledInterfaces: () => Promise.resolve(),
      stop: () => Promise.resolve(),
    };
  }
  const txt = () =>
    buildTxtRecord({ version: PROTOCOL_VERSION, id: server.id, name: server.config.name, rooms: server.roomCount });
  const advertiser = new ServiceAdvertiser({
    name: server.config.name,
    port,
    txt: txt(),
    disabledInterfaces: options.disabledInterfaces ?? [],
    ...(isWildcard(address) ? {} : { listenAddress: address }),
    ...(options.hostName ? { hostName: options.hostName } : {}),
    logger: log,
  });
  let timer: NodeJS.Timeout | undefined;
  const onRoomsChanged = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      advertiser.updateTxt(txt());
    }, options.txtDelayMs ?? 250);
  };
  server.on('rooms_changed', onRoomsChanged);
  advertiser.on('announced', (instance) => log.debug({ instance }, 'mdns: announced'));
  const ready = advertiser.start().then((instanceName) => ({ instanceName, interfaces: advertiser.interfaces }));
  ready.catch(() => {}); // the caller may not wait for it; stop() still works
  let stopping: Promise<void> | undefined;
  return {
    ready,
    skipped: null,
    get instanceName() {
      return advertiser.instanceName;
    },
    get interfaces() {
      return advertiser.interfaces;
    },
    setDisabledInterfaces: (names) => advertiser.setDisabledInterfaces(names),
    stop() {
      stopping ??= (async () => {
        server.off('rooms_changed', onRoomsChanged);
        clearTimeout(timer);
        await advertiser
          .stop()
          .catch((error: unknown) => log.warn({ err: (error as Error).message }, 'mdns: stop failed'));
      })();
      return stopping;
    },
  };
}
