/**
 * The session's events: listeners of the app contract's events, and the mapping of one server's
 * client events to contract events tagged with the server key ("host:port").
 */
import type { ApiEventName, ApiEvents, Unsubscribe } from '../../../shared/api/contract.ts';
import { describeError } from '../describe-error.ts';
import type { ParleyClient } from '../client/parley-client.ts';
import type { Logger } from '../server/logger.ts';
import { forwardGameEvents } from './features/games.ts';

export type SessionEventListener = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;
export type Emit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

/** Every subscriber of the session; one that throws does not stop the others. */
export class SessionEvents {
  private readonly listeners = new Set<SessionEventListener>();
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  add(listener: SessionEventListener): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  readonly emit: Emit = (event, payload) => {
    for (const listener of [...this.listeners]) {
      try {
        listener(event, payload);
      } catch (error) {
        this.log.error({ err: describeError(error), event }, 'event listener failed');
      }
    }
  };

  clear(): void {
    this.listeners.clear();
  }
}

/**
 * Re-emits the conversation events of one server's client as contract events. `live` turns
 * false once the session dropped the client: anything it still emits is ignored.
 */
export function forwardClientEvents(client: ParleyClient, server: string, emit: Emit, live: () => boolean): void {
  client.on('message', (message) => live() && emit('message', { server, message }));
  client.on('member_joined', (e) => live() && emit('memberJoined', { server, room: e.room, user: e.user }));
  client.on(
    'member_left',
    (e) => live() && emit('memberLeft', { server, room: e.room, user: e.user, reason: e.reason }),
  );
  client.on('user_renamed', (e) => live() && emit('userRenamed', { server, user: e.user, oldName: e.oldName }));
  client.on('room_created', (e) => live() && emit('roomCreated', { server, room: e.room }));
  client.on('members', (e) => live() && emit('roomMembers', { server, room: e.room, members: e.members }));
  forwardGameEvents(client, server, emit, live);
}
