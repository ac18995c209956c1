/**
 * avahi as a real foreign mDNS peer for the discovery tests: starts the system D-Bus and
 * avahi-daemon when they are not running (CI containers have neither running), and stops only
 * what it started. Needs the apt packages dbus, avahi-daemon and avahi-utils, and root (the
 * system bus and avahi's pid file live in /run). Fails loudly when it cannot: these tests must
 * not pass by not running.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

const DBUS_SOCKET = '/run/dbus/system_bus_socket';
const DBUS_PID_FILE = '/run/dbus/pid';
const INSTALL_HINT =
  'install them with: apt-get install -y --no-install-recommends dbus avahi-daemon avahi-utils (as root)';

export interface AvahiHandle {
  /** Stops the daemons this module started (none if they were already running). */
  stop(): Promise<void>;
}

function socketAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(path)) {
      resolve(false);
      return;
    }
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function avahiRunning(): Promise<boolean> {
  try {
    await run('avahi-daemon', ['--check']);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Makes sure avahi-daemon runs (with the system bus it needs). Throws with the reason if it cannot. */
export async function ensureAvahi(): Promise<AvahiHandle> {
  for (const tool of ['dbus-daemon', 'avahi-daemon', 'avahi-browse', 'avahi-publish']) {
    try {
      await run('sh', ['-c', `command -v ${tool}`]);
    } catch {
      throw new Error(`${tool} is not installed: ${INSTALL_HINT}`);
    }
  }
  let dbusPid: number | undefined;
  let startedAvahi = false;
  if (!(await socketAlive(DBUS_SOCKET))) {
    // A bus that died leaves its socket and pid file behind; dbus-daemon refuses to start then.
    if (existsSync(DBUS_PID_FILE)) {
      const pid = Number(readFileSync(DBUS_PID_FILE, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) rmSync(DBUS_PID_FILE, { force: true });
    }
    rmSync(DBUS_SOCKET, { force: true });
    mkdirSync('/run/dbus', { recursive: true });
    try {
      const { stdout } = await run('dbus-daemon', ['--system', '--fork', '--print-pid']);
      dbusPid = Number(stdout.trim().split('\n')[0]);
    } catch (error) {
      throw new Error(`could not start the system D-Bus (root is needed): ${(error as Error).message}`, {
        cause: error,
      });
    }
    await waitUntil(() => socketAlive(DBUS_SOCKET), 'the system D-Bus');
  }
  if (!(await avahiRunning())) {
    try {
      await run('avahi-daemon', ['--daemonize']);
    } catch (error) {
      if (dbusPid) process.kill(dbusPid, 'SIGTERM');
      throw new Error(`could not start avahi-daemon: ${(error as Error).message}`, { cause: error });
    }
    startedAvahi = true;
    await waitUntil(avahiRunning, 'avahi-daemon');
  }
  // avahi answers only once it has claimed its host name (a second or so after it starts).
  await waitUntil(
    async () => {
      try {
        await run('avahi-resolve', ['-n', await avahiHostName()], { timeout: 3000 });
        return true;
      } catch {
        return false;
      }
    },
    'avahi to be ready',
    15_000,
  );
  return {
    async stop() {
      if (startedAvahi) {
        await run('avahi-daemon', ['--kill']).catch(() => {});
        await waitUntil(async () => !(await avahiRunning()), 'avahi-daemon to stop').catch(() => {});
      }
      if (dbusPid && pidAlive(dbusPid)) {
        process.kill(dbusPid, 'SIGTERM');
        await waitUntil(async () => !pidAlive(dbusPid), 'the system D-Bus to stop').catch(() => {});
        rmSync(DBUS_PID_FILE, { force: true });
      }
    },
  };
}

/** The host name avahi announces this machine under ("vm.local"). */
export async function avahiHostName(): Promise<string> {
  const { stdout } = await run('avahi-resolve', ['-a', '127.0.0.1'], { timeout: 3000 }).catch(() => ({ stdout: '' }));
  const fromAvahi = stdout.trim().split(/\s+/)[1];
  if (fromAvahi) return fromAvahi;
  const { stdout: name } = await run('hostname');
  return `${name.trim().split('.')[0]}.local`;
}

export interface AvahiService {
  interface: string;
  protocol: string;
  name: string;
  type: string;
  host: string;
  address: string;
  port: number;
  /** TXT strings, unquoted. */
  txt: string[];
}

/** Unescapes avahi-browse's parsable output (`\032` is a decimal byte). */
function unescape(text: string): string {
  return text.replace(/\\(\d{3})/g, (_m, code: string) => String.fromCharCode(Number(code)));
}

/** `avahi-browse -rpt <type>`: the resolved services avahi sees right now. */
export async function avahiBrowse(type: string): Promise<AvahiService[]> {
  let stdout: string;
  try {
    ({ stdout } = await run('avahi-browse', ['-rpt', type], { timeout: 15_000 }));
  } catch (error) {
    // avahi-browse exits with 1 when any one service fails to resolve, such as another test's
    // peer that said goodbye during the browse; the services it did resolve are still printed.
    const partial = (error as { stdout?: unknown }).stdout;
    if (typeof partial !== 'string' || !partial.includes('=;')) throw error;
    stdout = partial;
  }
  const services: AvahiService[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('=;')) continue;
    const fields = line.split(';');
    const txtField = fields.slice(9).join(';');
    services.push({
      interface: fields[1] ?? '',
      protocol: fields[2] ?? '',
      name: unescape(fields[3] ?? ''),
      type: fields[4] ?? '',
      host: fields[6] ?? '',
      address: fields[7] ?? '',
      port: Number(fields[8]),
      txt: [...txtField.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!),
    });
  }
  return services;
}

/** `avahi-publish -s`: publishes a service through avahi until stop(). */
export function avahiPublish(
  name: string,
  type: string,
  port: number,
  txt: string[],
): { child: ChildProcess; stop(): void } {
  const child = spawn('avahi-publish', ['-s', name, type, String(port), ...txt], { stdio: 'ignore' });
  return {
    child,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
