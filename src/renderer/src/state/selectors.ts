/**
 * Selectors for useAppState. Each returns either a value straight from the state or a derived
 * value memoized on the state objects it reads, so it keeps its identity until its inputs
 * change: zustand re-renders a component only when the selected value changes (Object.is), and
 * a selector that built a new array on every call would re-render forever.
 */
import type { ServerView } from '../../../shared/api/contract.ts';
import type { UserRef } from '../../../shared/protocol/server-frames.ts';
import type { ConversationKey } from '../features/conversations/conversation-key.ts';
import type { ConversationMeta } from '../features/conversations/conversations-slice.ts';
import { EMPTY_DIRECTORY, type RoomDirectory } from '../features/servers/servers-slice.ts';
import type { AppState } from './store.ts';
import { EMPTY_TIMELINE, type Timeline } from '../features/conversations/timeline.ts';

const EMPTY_MEMBERS: readonly UserRef[] = Object.freeze([]);

/** Caches the last result per input tuple (compared item by item with Object.is). */
function memoizeOn<I extends readonly unknown[], R>(compute: (...inputs: I) => R): (...inputs: I) => R {
  let lastInputs: I | undefined;
  let lastResult: R;
  return (...inputs: I) => {
    if (lastInputs && lastInputs.length === inputs.length && lastInputs.every((v, i) => Object.is(v, inputs[i]))) {
      return lastResult;
    }
    lastInputs = inputs;
    lastResult = compute(...inputs);
    return lastResult;
  };
}

/** One memoized selector per parameter value (server key, conversation key…). */
function perKey<I extends readonly unknown[], R>(
  compute: (key: string, ...inputs: I) => R,
): (key: string, ...inputs: I) => R {
  const cache = new Map<string, (...inputs: I) => R>();
  return (key, ...inputs) => {
    let memo = cache.get(key);
    if (!memo) cache.set(key, (memo = memoizeOn((...args: I) => compute(key, ...args))));
    return memo(...inputs);
  };
}

// ── servers ─────────────────────────────────────────────────────────────────────────────────

export interface ServerSections {
  /** Hosted, connected, connecting, reconnecting or failed: in the order the API listed them. */
  live: ServerView[];
  /** Remembered from before, not connected now. */
  recent: ServerView[];
}

const serverSections = memoizeOn((servers: Record<string, ServerView>, order: string[]): ServerSections => {
  const views = order.map((key) => servers[key]).filter((v): v is ServerView => v !== undefined);
  return {
    live: views.filter((v) => v.hosted || v.status !== 'idle'),
    recent: views
      .filter((v) => !v.hosted && v.status === 'idle')
      .sort((a, b) => (b.lastConnected ?? 0) - (a.lastConnected ?? 0)),
  };
});

export const selectServerSections = (s: AppState): ServerSections => serverSections(s.servers, s.serverOrder);

export const selectServer =
  (key: string | null) =>
  (s: AppState): ServerView | undefined =>
    key === null ? undefined : s.servers[key];

export const selectDirectory =
  (server: string) =>
  (s: AppState): RoomDirectory =>
    s.directories[server] ?? EMPTY_DIRECTORY;

// ── conversations ───────────────────────────────────────────────────────────────────────────

export interface ConversationList {
  /** Joined rooms, by name. */
  rooms: ConversationMeta[];
  /** Direct messages, most recent first. */
  dms: ConversationMeta[];
}

const conversationList = perKey((server, conversations: Record<string, ConversationMeta>): ConversationList => {
  const mine = Object.values(conversations).filter((c) => c.server === server);
  return {
    rooms: mine
      .filter((c) => c.kind === 'room')
      .sort((a, b) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base' })),
    dms: mine.filter((c) => c.kind === 'dm').sort((a, b) => b.lastActivity - a.lastActivity),
  };
});

export const selectConversationList =
  (server: string) =>
  (s: AppState): ConversationList =>
    conversationList(server, s.conversations);

const unreadByServer = memoizeOn(
  (unread: Record<string, number>, conversations: Record<string, ConversationMeta>): Record<string, number> => {
    const totals: Record<string, number> = {};
    for (const [key, count] of Object.entries(unread)) {
      const server = conversations[key]?.server;
      if (server !== undefined && count > 0) totals[server] = (totals[server] ?? 0) + count;
    }
    return totals;
  },
);

export const selectUnreadByServer = (s: AppState): Record<string, number> => unreadByServer(s.unread, s.conversations);

export const selectActiveKey = (s: AppState): ConversationKey | null =>
  s.view.kind === 'conversation' ? s.view.key : null;

export const selectConversation =
  (key: ConversationKey | null) =>
  (s: AppState): ConversationMeta | undefined =>
    key === null ? undefined : s.conversations[key];

export const selectTimeline =
  (key: ConversationKey) =>
  (s: AppState): Timeline =>
    s.timelines[key] ?? EMPTY_TIMELINE;

export const selectUnread =
  (key: ConversationKey) =>
  (s: AppState): number =>
    s.unread[key] ?? 0;

export const selectDraft =
  (key: ConversationKey) =>
  (s: AppState): string =>
    s.drafts[key] ?? '';

export const selectMembers =
  (key: ConversationKey | null) =>
  (s: AppState): readonly UserRef[] =>
    (key === null ? undefined : s.members[key]) ?? EMPTY_MEMBERS;
