/**
 * Turns command-line flags and an optional TOML file into a ServerConfig.
 * Precedence: flags > config file > built-in defaults. The file is untrusted input: it is
 * size-limited, parsed by smol-toml and validated field by field with a clear message.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { DEFAULT_PORT } from '../../../shared/protocol/constants.ts';
import { MAX_FILES_PER_MESSAGE_CAP } from '../../../shared/protocol/features/files.ts';
import {
  DEFAULT_LIMITS,
  resolveServerConfig,
  type ServerConfig,
  type ServerLimitsConfig,
} from '../server/server-config.ts';
import { defaultDataDir } from './default-data-dir.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Serving the UI to browsers (`--web`). */
export interface WebOptions {
  /** Interface for the web UI; '' means every interface (IPv6 and IPv4). */
  host: string;
  /** HTTP port; 0 picks a free one. */
  port: number;
  /** The built renderer to serve; undefined means the package's out/renderer. */
  root: string | undefined;
}

export const DEFAULT_WEB_PORT = 7280;

/** Announcing the server on the LAN (mDNS / DNS-SD), on by default. */
export interface MdnsOptions {
  /** Interfaces not to announce on, by name ("docker0", "tun0"). */
  excludeInterfaces: string[];
}

/** Interface names: "eth0" on Linux, "vEthernet (WSL)" on Windows; a few dozen at most. */
const MAX_INTERFACE_NAME_CHARS = 64;
const MAX_EXCLUDED_INTERFACES = 64;

export interface CliOptions {
  config: ServerConfig;
  logLevel: LogLevel;
  configFile: string | undefined;
  /** null unless --web (or `[web] enabled = true`). */
  web: WebOptions | null;
  /** null with --no-mdns (or `[mdns] enabled = false`). */
  mdns: MdnsOptions | null;
}

const MIB = 1024 * 1024;

export const USAGE = `Usage: parley-server [options]

Runs a Parley room server without a screen.

Options:
  --host <address>      Interface to listen on (default: all interfaces, IPv6 and IPv4)
  --port <n>            TCP port (default: ${DEFAULT_PORT}; 0 picks a free port and logs it)
  --transfer-port <n>   TCP port of file transfers (default: the port after --port
                        when free, else any free port; logged as transferPort)
  --name <text>         Server name shown to users (default: "<hostname>'s rooms")
  --data-dir <path>     Where history is kept (default: ${defaultDataDir()})
  --config <file>       TOML config file (flags override it)
  --log-level <level>   ${LOG_LEVELS.join(' | ')} (default: info)
  --web                 Also serve the app to browsers on the LAN (HTTP + WebSocket)
  --web-port <n>        HTTP port of the web UI (default: ${DEFAULT_WEB_PORT})
  --web-host <address>  Interface for the web UI (default: the same as --host)
  --web-root <path>     The built UI to serve (default: out/renderer of this package)
  --max-file-mb <n>     Largest file accepted, in MiB (default: ${DEFAULT_LIMITS.maxFileBytes / MIB})
  --max-storage-mb <n>  All stored files together, in MiB (default: ${DEFAULT_LIMITS.maxStorageBytes / MIB})
  --min-free-disk-mb <n>
                        Free disk space uploads must leave, in MiB (default: ${DEFAULT_LIMITS.minFreeDiskBytes / MIB})
  --no-mdns             Do not announce the server on the LAN (mDNS / DNS-SD, _parley._tcp)
  --mdns-exclude <names>
                        Interfaces not to announce on, comma-separated (e.g. docker0,tun0)
  -h, --help            Show this help
`;

const MAX_CONFIG_BYTES = 64 * 1024;

const positiveInt = z.number().int().positive();
const limitsSchema = z
  .object({
    max_frame_bytes: positiveInt.max(64 * 1024 * 1024),
    max_text_chars: positiveInt.max(1_000_000),
    rate_per_second: z.number().positive(),
    rate_burst: positiveInt,
    max_connections: positiveInt,
    max_connections_per_ip: positiveInt,
    max_queue_bytes: positiveInt,
    out_high_water_bytes: positiveInt.min(64 * 1024),
    stall_timeout_ms: positiveInt,
    in_bytes_per_second: positiveInt.min(1024),
    in_bytes_burst: positiveInt.min(1024),
    out_bytes_per_second: positiveInt.min(1024),
    out_bytes_burst: positiveInt.min(1024),
    handshake_timeout_ms: positiveInt,
    frame_timeout_ms: positiveInt,
    heartbeat_ms: positiveInt,
    idle_timeout_ms: positiveInt,
    max_rooms: positiveInt,
    game_invitation_ms: positiveInt,
    game_first_move_ms: positiveInt,
    game_reconnect_ms: positiveInt,
    max_open_games_per_room: positiveInt.max(10_000),
  })
  .partial()
  .strict();

const fileSchema = z
  .object({
    name: z.string().min(1).max(64),
    host: z.string().max(255),
    port: z.number().int().min(0).max(65535),
    transfer_port: z.number().int().min(0).max(65535),
    data_dir: z.string().min(1),
    log_level: z.enum(LOG_LEVELS),
    limits: limitsSchema,
    history: z
      .object({ synchronous: z.enum(['normal', 'full']), max_size_mb: z.number().nonnegative() })
      .partial()
      .strict(),
    files: z
      .object({
        max_file_mb: z.number().positive(),
        max_storage_mb: z.number().nonnegative(),
        min_free_disk_mb: z.number().nonnegative(),
        max_uploads_in_flight_per_user: positiveInt.max(1000),
        max_downloads_per_user: positiveInt.max(1000),
        max_files_per_message: positiveInt.max(MAX_FILES_PER_MESSAGE_CAP),
        partial_upload_ttl_hours: z.number().positive(),
        transfer_idle_timeout_ms: positiveInt,
      })
      .partial()
      .strict(),
    web: z
      .object({ enabled: z.boolean(), port: z.number().int().min(0).max(65535), host: z.string().max(255) })
      .partial()
      .strict(),
    mdns: z
      .object({
        enabled: z.boolean(),
        exclude_interfaces: z
          .array(z.string().trim().min(1).max(MAX_INTERFACE_NAME_CHARS))
          .max(MAX_EXCLUDED_INTERFACES),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

export type ConfigFile = z.infer<typeof fileSchema>;

export class UsageError extends Error {}

function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    if (statSync(path).size > MAX_CONFIG_BYTES) throw new UsageError(`${path}: larger than ${MAX_CONFIG_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (error) {
    throw new UsageError(`${path}: invalid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
  const checked = fileSchema.safeParse(raw);
  if (!checked.success) {
    throw new UsageError(`${path}:\n${z.prettifyError(checked.error)}`);
  }
  return checked.data;
}

function parsePort(value: string, flag = '--port'): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`${flag}: not a port number: ${value}`);
  return port;
}

const LIMIT_KEYS: Record<keyof NonNullable<ConfigFile['limits']>, keyof ServerLimitsConfig> = {
  max_frame_bytes: 'maxFrameBytes',
  max_text_chars: 'maxTextChars',
  rate_per_second: 'ratePerSecond',
  rate_burst: 'rateBurst',
  max_connections: 'maxConnections',
  max_connections_per_ip: 'maxConnectionsPerIp',
  max_queue_bytes: 'maxQueueBytes',
  out_high_water_bytes: 'outHighWaterBytes',
  stall_timeout_ms: 'stallTimeoutMs',
  in_bytes_per_second: 'inBytesPerSecond',
  in_bytes_burst: 'inBytesBurst',
  out_bytes_per_second: 'outBytesPerSecond',
  out_bytes_burst: 'outBytesBurst',
  handshake_timeout_ms: 'handshakeTimeoutMs',
  frame_timeout_ms: 'frameTimeoutMs',
  heartbeat_ms: 'heartbeatMs',
  idle_timeout_ms: 'idleTimeoutMs',
  max_rooms: 'maxRooms',
  game_invitation_ms: 'gameInvitationMs',
  game_first_move_ms: 'gameFirstMoveMs',
  game_reconnect_ms: 'gameReconnectMs',
  max_open_games_per_room: 'maxOpenGamesPerRoom',
};

function parseMib(value: string, flag: string): number {
  const mib = Number(value);
  if (value.trim() === '' || !Number.isFinite(mib) || mib < 0)
    throw new UsageError(`${flag}: not a size in MiB: ${value}`);
  return mib;
}

/** The `[files]` section and the --max-file-mb / --max-storage-mb / --min-free-disk-mb flags (flags win). */
function fileLimits(
  section: NonNullable<ConfigFile['files']>,
  flags: { 'max-file-mb'?: string; 'max-storage-mb'?: string; 'min-free-disk-mb'?: string },
): Partial<ServerLimitsConfig> {
  const bytes = (mib: number | undefined) => (mib === undefined ? undefined : Math.round(mib * MIB));
  const flag = (name: 'max-file-mb' | 'max-storage-mb' | 'min-free-disk-mb') =>
    flags[name] === undefined ? undefined : parseMib(flags[name], `--${name}`);
  const maxFile = bytes(flag('max-file-mb') ?? section.max_file_mb);
  if (maxFile === 0) throw new UsageError('--max-file-mb: must be more than 0');
  const values: Partial<ServerLimitsConfig> = {
    maxFileBytes: maxFile,
    maxStorageBytes: bytes(flag('max-storage-mb') ?? section.max_storage_mb),
    minFreeDiskBytes: bytes(flag('min-free-disk-mb') ?? section.min_free_disk_mb),
    maxUploadsInFlightPerUser: section.max_uploads_in_flight_per_user,
    maxDownloadsPerUser: section.max_downloads_per_user,
    maxFilesPerMessage: section.max_files_per_message,
    partialUploadTtlMs:
      section.partial_upload_ttl_hours === undefined
        ? undefined
        : Math.round(section.partial_upload_ttl_hours * 3_600_000),
    transferIdleTimeoutMs: section.transfer_idle_timeout_ms,
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

/** Parses argv (without node and script). Returns 'help' for --help; throws UsageError. */
export function parseServerOptions(argv: string[], hostname: string): CliOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'transfer-port': { type: 'string' },
        name: { type: 'string' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        'log-level': { type: 'string' },
        web: { type: 'boolean' },
        'web-port': { type: 'string' },
        'web-host': { type: 'string' },
        'web-root': { type: 'string' },
        'max-file-mb': { type: 'string' },
        'max-storage-mb': { type: 'string' },
        'min-free-disk-mb': { type: 'string' },
        'no-mdns': { type: 'boolean' },
        'mdns-exclude': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const flags = parsed.values;
  if (flags.help) return 'help';
  const file = flags.config ? readConfigFile(flags.config) : {};
  const logLevel = flags['log-level'] ?? file.log_level ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new UsageError(`--log-level: unknown level ${logLevel}`);
  const limits: Partial<ServerLimitsConfig> = {};
  for (const [key, value] of Object.entries(file.limits ?? {})) {
    limits[LIMIT_KEYS[key as keyof typeof LIMIT_KEYS]] = value;
  }
  Object.assign(limits, fileLimits(file.files ?? {}, flags));
  const name = flags.name ?? file.name ?? `${hostname}'s rooms`;
  if (name.trim().length === 0 || name.length > 64) throw new UsageError('--name: 1 to 64 characters');
  const config = resolveServerConfig({
    name,
    host: flags.host ?? file.host ?? '',
    port: flags.port !== undefined ? parsePort(flags.port) : (file.port ?? DEFAULT_PORT),
    transferPort:
      flags['transfer-port'] !== undefined ? parsePort(flags['transfer-port'], '--transfer-port') : file.transfer_port,
    dataDir: flags['data-dir'] ?? file.data_dir ?? defaultDataDir(),
    synchronous: file.history?.synchronous ?? 'normal',
    maxHistoryBytes: Math.round((file.history?.max_size_mb ?? 0) * 1024 * 1024),
    limits: { ...DEFAULT_LIMITS, ...limits },
  });
  const webEnabled = flags.web ?? file.web?.enabled ?? false;
  if (!webEnabled) {
    const stray = (['web-port', 'web-host', 'web-root'] as const).find((flag) => flags[flag] !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --web (or enabled = true in [web] of the config file)`);
  }
  if (flags['web-root'] === '') throw new UsageError('--web-root: empty path');
  const web: WebOptions | null = webEnabled
    ? {
        host: flags['web-host'] ?? file.web?.host ?? config.host,
        port:
          flags['web-port'] !== undefined
            ? parsePort(flags['web-port'], '--web-port')
            : (file.web?.port ?? DEFAULT_WEB_PORT),
        root: flags['web-root'],
      }
    : null;
  const mdnsEnabled = flags['no-mdns'] ? false : (file.mdns?.enabled ?? true);
  let excluded = file.mdns?.exclude_interfaces ?? [];
  if (flags['mdns-exclude'] !== undefined) {
    if (!mdnsEnabled)
      throw new UsageError('--mdns-exclude needs mDNS on (drop --no-mdns, or enabled = true in [mdns])');
    excluded = flags['mdns-exclude'].split(',').map((n) => n.trim());
    const bad = excluded.find((n) => n.length === 0 || n.length > MAX_INTERFACE_NAME_CHARS);
    if (bad !== undefined || excluded.length > MAX_EXCLUDED_INTERFACES)
      throw new UsageError(
        `--mdns-exclude: a comma-separated list of up to ${MAX_EXCLUDED_INTERFACES} interface names (1 to ${MAX_INTERFACE_NAME_CHARS} characters)`,
      );
  }
  const mdns: MdnsOptions | null = mdnsEnabled ? { excludeInterfaces: [...new Set(excluded)] } : null;
  return { config, logLevel: logLevel as LogLevel, configFile: flags.config, web, mdns };
}
