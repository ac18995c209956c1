/**
 * Test helpers for the session layer: a SessionManager against real servers, with every contract
 * event recorded in order, optionally through a delayed hop (as the app's IPC or WebSocket adds
 * one between the session and the renderer).
 */
import { expect } from 'vitest';
import type { ApiEventName, ApiEvents } from '../../src/shared/api/contract.ts';
import { serverKeyOf } from '../../src/shared/api/contract.ts';
import { ApiError } from '../../src/shared/api/proxy.ts';
import { InMemoryProfileStore, type ProfileStore } from '../../src/main/core/session/profile.ts';
import {
  SessionManager,
  type HostController,
  type SessionManagerOptions,
} from '../../src/main/core/session/session-manager.ts';
import type { RoomInfo } from '../../src/shared/protocol/server-frames.ts';
import { DESKTOP_APP_INFO, onCleanup, TcpProxy } from './harness.ts';

export type Recorded = { [E in ApiEventName]: { event: E; payload: ApiEvents[E] } }[ApiEventName];

/** How events travel from the session to the recorder: at once, or after a timer / setImmediate. */
export type Hop = 'none' | 'immediate' | { delayMs: number };

/** A session with its recorded events. */
export class TestSession {
  readonly session: SessionManager;
  readonly events: Recorded[] = [];
  private waiters: (() => void)[] = [];

  constructor(session: SessionManager, hop: Hop = 'none') {
    this.session = session;
    session.onEvent((event, payload) => {
      // Structured-clone like IPC does, so a later change of the object cannot leak into the record.
      const entry = { event, payload: structuredClone(payload) } as Recorded;
      if (hop === 'none') this.record(entry);
      else if (hop === 'immediate') setImmediate(() => this.record(entry));
      else setTimeout(() => this.record(entry), hop.delayMs);
    });
  }

  private record(entry: Recorded): void {
    this.events.push(entry);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Payloads of `event` so far. */
  all<E extends ApiEventName>(event: E): ApiEvents[E][] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as ApiEvents[E]);
  }

  /** The first `event` (recorded before or after the call) whose payload matches. */
  async waitFor<E extends ApiEventName>(
    event: E,
    predicate: (payload: ApiEvents[E]) => boolean = () => true,
    timeoutMs = 5000,
    from = 0,
  ): Promise<ApiEvents[E]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events
        .slice(from)
        .filter((e) => e.event === event)
        .map((e) => e.payload as ApiEvents[E])
        .find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = JSON.stringify(this.all(event)).slice(0, 2000);
        throw new Error(`timed out waiting for ${event}; got ${seen}`);
      }
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }
}

export interface NewSessionOptions {
  profile?: ProfileStore;
  host?: HostController;
  allowedServer?: { host: string; port: number };
  clientOptions?: SessionManagerOptions['clientOptions'];
  hop?: Hop;
}

export function newSession(options: NewSessionOptions = {}): TestSession {
  const session = new SessionManager({
    app: DESKTOP_APP_INFO,
    profile: options.profile ?? new InMemoryProfileStore(),
    ...(options.host ? { host: options.host } : {}),
    ...(options.allowedServer ? { allowedServer: options.allowedServer } : {}),
    clientName: 'parley-test',
    clientOptions: { minBackoffMs: 20, maxBackoffMs: 200, ...options.clientOptions },
  });
  onCleanup(() => session.close());
  return new TestSession(session, options.hop);
}

export async function namedSession(name: string, options: NewSessionOptions = {}): Promise<TestSession> {
  const t = newSession(options);
  await t.session.setDisplayName(name);
  return t;
}

/**
 * A session named `name`, connected to the server at `serverPort` through a relay (so that the
 * test can cut the app's connection), with one room created and joined.
 */
export async function sessionInRoomViaRelay(
  serverPort: number,
  name: string,
  roomName: string,
): Promise<{ t: TestSession; relay: TcpProxy; k: string; room: RoomInfo }> {
  const relay = await TcpProxy.start(serverPort);
  const t = await namedSession(name);
  const k = key(relay.port);
  await t.session.connectServer({ host: '127.0.0.1', port: relay.port });
  const room = await t.session.createRoom(k, { name: roomName });
  await t.session.joinRoom(k, room.id);
  return { t, relay, k, room };
}

/** Rejects with an ApiError of this code. */
export async function expectApiError(promise: Promise<unknown>, code: string): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ApiError ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).code).toBe(code);
  return error as ApiError;
}

export const key = (port: number): string => serverKeyOf('127.0.0.1', port);
