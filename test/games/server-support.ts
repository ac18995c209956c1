/**
 * Real-server fixtures of the games tests: people connected with RawClient (frames as the wire
 * carries them), a room they all joined, and helpers that unwrap replies and wait for `game` events.
 */
import { expect } from 'vitest';
import type { GameInfo } from '../../src/shared/protocol/features/games.ts';
import type { ParsedFrame } from '../../src/main/core/framing/frame-codec.ts';
import { RawClient, startServer, type TestServer } from '../support/harness.ts';
import type { ServerLimitsConfig } from '../../src/main/core/server/server-config.ts';

export interface Person {
  client: RawClient;
  id: string;
  name: string;
  credentials: { userId: string; token: string };
}

/** Connects a new person (a fresh user) and completes hello. */
export async function connect(port: number, name: string, resume?: Person['credentials']): Promise<Person> {
  const client = await RawClient.open(port);
  client.send({ type: 'hello', protocol: 1, name, ...(resume ? { resume } : {}) });
  const welcome = await client.next((f) => f.type === 'welcome');
  const user = welcome['user'] as { id: string; name: string };
  const credentials = (welcome['credentials'] as Person['credentials'] | undefined) ?? resume!;
  return { client, id: user.id, name: user.name, credentials };
}

/** The `data` of a result frame (fails the test on an error reply). */
export function ok<T = Record<string, unknown>>(frame: ParsedFrame): T {
  expect(frame, JSON.stringify(frame)).toMatchObject({ type: 'result' });
  return frame['data'] as T;
}

/** The error code of an error reply (fails the test on a result). */
export function errorCode(frame: ParsedFrame): string {
  expect(frame, JSON.stringify(frame)).toMatchObject({ type: 'error' });
  return frame['code'] as string;
}

export async function joinRoom(person: Person, room: string): Promise<void> {
  ok(await person.client.request({ type: 'room_join', room }));
}

/** Sends a game request and returns the game of its result. */
export async function play(person: Person, frame: Record<string, unknown>): Promise<GameInfo> {
  return ok<{ game: GameInfo }>(await person.client.request(frame)).game;
}

/** The next `game` event for game `id` (any game without an id) matching `predicate`. */
export async function gameEvent(
  person: Person,
  predicate: (game: GameInfo) => boolean = () => true,
  timeoutMs = 5000,
): Promise<{ game: GameInfo; serverTime: number }> {
  const frame = await person.client.next((f) => f.type === 'game' && predicate(f['game'] as GameInfo), timeoutMs);
  return { game: frame['game'] as GameInfo, serverTime: frame['serverTime'] as number };
}

/** Drops the frames received so far that are not replies (member_joined, game events …). */
export function dropEvents(...people: Person[]): void {
  for (const p of people) p.client.frames.length = 0;
}

/** Short game timings so the timers run for real in a test (ms). */
export const SHORT_TIMINGS: Partial<ServerLimitsConfig> = {
  gameInvitationMs: 400,
  gameFirstMoveMs: 400,
  gameReconnectMs: 400,
};

export interface Table {
  server: TestServer;
  room: string;
  ada: Person;
  bob: Person;
  eve: Person;
}

/** A server, and Ada, Bob and Eve (a spectator) in one room "games". */
export async function table(limits: Partial<ServerLimitsConfig> = {}, dataDir?: string): Promise<Table> {
  const server = await startServer({ limits, ...(dataDir ? { dataDir } : {}) });
  const ada = await connect(server.port, 'Ada');
  const bob = await connect(server.port, 'Bob');
  const eve = await connect(server.port, 'Eve');
  const created = ok<{ room: { id: string } }>(await ada.client.request({ type: 'room_create', name: 'games' }));
  const room = created.room.id;
  for (const p of [ada, bob, eve]) await joinRoom(p, room);
  dropEvents(ada, bob, eve);
  return { server, room, ada, bob, eve };
}

/** Ada invites Bob (Ada plays `side`), Bob accepts: an active game, X to move. */
export async function startedGame(t: Table, side: 'x' | 'o' = 'x'): Promise<GameInfo> {
  const invited = await play(t.ada, { type: 'game_invite', room: t.room, opponent: t.bob.id, side });
  return play(t.bob, { type: 'game_accept', room: t.room, game: invited.id });
}

/** Plays cells in order, each by whoever's turn it is; returns the game after the last. */
export async function moves(t: Table, game: GameInfo, cells: readonly number[]): Promise<GameInfo> {
  let g = game;
  for (const cell of cells) {
    const mover = g.players[g.turn!].id === t.ada.id ? t.ada : t.bob;
    g = await play(mover, { type: 'game_move', room: t.room, game: g.id, cell, move: g.nextMove });
  }
  return g;
}
