/**
 * The handshake (`hello` → `welcome`), `ping`, `rename`, and who stays a user.
 *
 * Who stays a user (docs/PROTOCOL.md §5.1): a hello without valid credentials creates a user and
 * its welcome carries credentials. The user is kept for good once it joins or creates a room,
 * renames itself, resumes with those credentials, sends a message or takes part in a DM. Until
 * then it is "unconfirmed": of the unconfirmed users who went offline, only the newest
 * MAX_UNCONFIRMED_USERS are kept, so drive-by hellos cannot grow the users table without bound.
 */
import { MAX_NAME_CHARS, PROTOCOL_VERSION } from '../../../../shared/protocol/constants.ts';
import type { WelcomeFrame } from '../../../../shared/protocol/server-frames.ts';
import { checkDisplayName, codePointLength, nameKey } from '../../../../shared/text-rules.ts';
import { encodeFrame } from '../../framing/frame-codec.ts';
import type { AuthenticatedUser } from '../../store/history-store.ts';
import type { Connection, ConnectedUser } from '../connection.ts';
import { keepUser, type WelcomeRoomsSource, type ServerContext } from '../context.ts';
import type { FatalFn, FeatureRequests } from '../dispatcher.ts';

/**
 * A free variant of `name` for a returning user whose name someone else connected holds:
 * "Ada (2)", "Ada (3)" … with the base shortened so that the variant stays a valid name.
 */
export function freeVariant(name: string, isFree: (key: string) => boolean): string {
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const room = MAX_NAME_CHARS - codePointLength(suffix);
    const base = codePointLength(name) <= room ? name : Array.from(name).slice(0, room).join('').trimEnd();
    const candidate = checkDisplayName(base + suffix);
    if (candidate.ok && isFree(nameKey(candidate.value))) return candidate.value;
  }
}

/** Unconfirmed users kept while offline (they may still come back with their credentials). */
export const MAX_UNCONFIRMED_USERS = 100;

export interface UsersOptions {
  fatal: FatalFn;
  welcomeRooms: WelcomeRoomsSource;
  /** `user` has a new name (rename): the games feature updates their open games. */
  renamed(user: ConnectedUser): void;
}

export function usersFeature(context: ServerContext, options: UsersOptions) {
  const { store, presence, fanout, config } = context;
  /** Unconfirmed users who went offline, oldest first (ids; a Set keeps insertion order). */
  const offlineUnconfirmed = new Set<string>();
  const forgotten = store.forgetUnusedUsers(MAX_UNCONFIRMED_USERS);
  if (forgotten > 0) context.log.info({ users: forgotten }, 'forgot users who never did anything');
  for (const id of store.unconfirmedUsers()) offlineUnconfirmed.add(id);

  const welcomeLimits = () => {
    const l = config.limits;
    return {
      maxFrameBytes: l.maxFrameBytes,
      maxTextChars: l.maxTextChars,
      ratePerSecond: l.ratePerSecond,
      rateBurst: l.rateBurst,
      heartbeatMs: l.heartbeatMs,
      idleTimeoutMs: l.idleTimeoutMs,
      files: {
        maxFileBytes: l.maxFileBytes,
        maxFilesPerMessage: l.maxFilesPerMessage,
        maxUploadsInFlight: l.maxUploadsInFlightPerUser,
        maxDownloadsInFlight: l.maxDownloadsPerUser,
        transferPort: context.transferPort(),
      },
    };
  };

  const requests = {
    hello: {
      access: 'before_hello',
      // The version is checked before the v1 schema: a future hello may be shaped differently.
      precheck(frame, connection) {
        if (connection.user || frame['protocol'] === PROTOCOL_VERSION) return true;
        options.fatal(connection, 'protocol_unsupported', `This server speaks protocol ${PROTOCOL_VERSION} only`);
        return false;
      },
      handler({ connection, frame, fail }) {
        if (connection.user) return fail('already_authenticated', 'hello was already accepted');
        const name = checkDisplayName(frame.name);
        if (!name.ok) return fail('name_invalid', name.reason);
        let user: AuthenticatedUser | undefined = frame.resume
          ? store.authenticate(frame.resume.userId, frame.resume.token)
          : undefined;
        const isFree = (key: string) => {
          const holder = presence.nameHolder(key);
          return holder === undefined || holder.id === user?.id;
        };
        let granted = name.value;
        if (!isFree(nameKey(name.value))) {
          // Only a returning user (valid credentials) gets a variant; anyone else must pick a name.
          if (!user) return fail('name_taken', `Someone connected is already called "${name.value}"`);
          granted = freeVariant(name.value, isFree);
        }
        let credentials: WelcomeFrame['credentials'];
        if (!user) {
          const created = store.createUser(granted);
          credentials = { userId: created.id, token: created.token };
          user = { ...created, kept: false };
        } else {
          if (user.name !== granted) store.setUserName(user.id, granted);
          // It kept its credentials and came back: an installation, not a drive-by.
          if (!user.kept) store.keepUser(user.id);
          user.kept = true;
          offlineUnconfirmed.delete(user.id);
        }
        const previous = presence.connectionOf(user.id);
        connection.user = { id: user.id, name: granted, nameKey: nameKey(granted), kept: user.kept };
        // Claimed before the older connection is closed, so that closing it does not forget the user.
        presence.claim(connection);
        if (previous) options.fatal(previous, 'replaced', 'You connected again from somewhere else');
        const welcome: WelcomeFrame = {
          type: 'welcome',
          protocol: PROTOCOL_VERSION,
          server: { id: context.serverId, name: config.name },
          user: { id: user.id, name: granted },
          ...(granted !== name.value ? { requestedName: name.value } : {}),
          ...(credentials ? { credentials } : {}),
          ...options.welcomeRooms(),
          limits: welcomeLimits(),
          ...(frame.id !== undefined ? { re: frame.id } : {}),
        };
        context.log.info(
          { ip: connection.ip, user: user.id, userName: granted, resumed: !credentials },
          'user connected',
        );
        connection.enqueue(encodeFrame(welcome));
      },
    },
    ping: {
      access: 'user',
      handler({ reply }) {
        reply({});
      },
    },
    rename: {
      access: 'user',
      handler({ connection, user, frame, reply, fail }) {
        const name = checkDisplayName(frame.name);
        if (!name.ok) return fail('name_invalid', name.reason);
        const key = nameKey(name.value);
        const holder = presence.nameHolder(key);
        if (holder !== undefined && holder.id !== user.id) {
          return fail('name_taken', `Someone connected is already called "${name.value}"`);
        }
        const oldName = user.name;
        if (oldName !== name.value) {
          store.setUserName(user.id, name.value);
          keepUser(context, user);
          const oldKey = user.nameKey;
          user.name = name.value;
          user.nameKey = key;
          presence.renamed(connection, oldKey);
          // Everyone sharing at least one room hears it once.
          const audience = new Set<Connection>();
          for (const roomId of connection.rooms) {
            for (const member of context.rooms.get(roomId)?.members ?? []) audience.add(member);
          }
          fanout.toEach(
            audience,
            { type: 'user_renamed', user: { id: user.id, name: user.name }, oldName },
            connection,
          );
          options.renamed(user);
        }
        reply({ user: { id: user.id, name: user.name } });
      },
    },
  } satisfies FeatureRequests;

  return {
    requests,
    onDisconnect(connection: Connection, user: ConnectedUser) {
      // A connection replaced by its user's newer one leaves the user alone.
      if (!presence.release(connection, user) || user.kept) return;
      offlineUnconfirmed.add(user.id);
      for (const id of offlineUnconfirmed) {
        if (offlineUnconfirmed.size <= MAX_UNCONFIRMED_USERS) break;
        offlineUnconfirmed.delete(id);
        if (!presence.connectionOf(id) && store.forgetIfUnused(id)) {
          context.log.debug({ user: id }, 'forgot a user who never did anything');
        }
      }
    },
  };
}
