/**
 * Conversations slice: every open room and DM — its header info, its timeline (confirmed
 * messages by seq, notices, pending own messages by msgId), unread count and draft.
 *
 * Message flow: sending adds a pending entry (messageQueued); the API's `message` event with
 * the same msgId confirms it (messageReceived: the pending entry goes, the stored message is
 * merged by seq); a `sendFailed` event marks it failed (messageFailed) until retried or
 * discarded. Messages are de-duplicated by seq, whatever their source (events, pages).
 */
import type { HistoryPage } from '../../../../shared/api/contract.ts';
import type { ChatMessage, DmSummary, UserRef } from '../../../../shared/protocol/server-frames.ts';
import {
  conversationOfMessage,
  dmKey,
  keyOf,
  type ConversationKey,
  type ConversationKind,
  type ConversationRef,
} from './conversation-key.ts';
import type { AppState, AppStore } from '../../state/store.ts';
import {
  addNotice,
  confirmPending,
  emptyTimeline,
  firstSeq,
  lastSeq,
  mergeMessages,
  type PendingMessage,
  type Timeline,
} from './timeline.ts';

export interface ConversationMeta {
  key: ConversationKey;
  server: string;
  kind: ConversationKind;
  /** The room id, or the other participant's user id. */
  id: string;
  /** Room name, or the other participant's display name. */
  title: string;
  topic: string;
  /** ms since the epoch of the newest message (or of opening). */
  lastActivity: number;
}

export interface ConversationsState {
  conversations: Record<ConversationKey, ConversationMeta>;
  timelines: Record<ConversationKey, Timeline>;
  /** Which conversation each pending msgId belongs to (sendFailed names only the msgId). */
  pendingIndex: Record<string, ConversationKey>;
  unread: Record<ConversationKey, number>;
  /**
   * Per conversation, the newest seq the user has read (it was on screen) or that was counted
   * unread. A message event counts as unread when it is newer than this — not merely when it is
   * new to the timeline: a history page may have brought it first (a fresh session's join),
   * and the client library's catch-up then emits it as the message missed that it is.
   */
  seenSeq: Record<ConversationKey, number>;
  /** What was typed and not sent yet, per conversation: survives switching and reconnects. */
  drafts: Record<ConversationKey, string>;
}

export function initialConversationsState(): ConversationsState {
  return { conversations: {}, timelines: {}, pendingIndex: {}, unread: {}, seenSeq: {}, drafts: {} };
}

export interface ConversationInit {
  server: string;
  kind: ConversationKind;
  id: string;
  title: string;
  topic?: string;
  lastActivity?: number;
}

function activeKey(s: AppState): ConversationKey | null {
  return s.view.kind === 'conversation' ? s.view.key : null;
}

function selfIdOf(s: AppState, server: string): string | null {
  return s.servers[server]?.self?.id ?? null;
}

/** The name we last saw for a user on a server (rooms' member lists), if any. */
function knownName(s: AppState, server: string, userId: string): string | undefined {
  for (const [key, list] of Object.entries(s.members)) {
    if (s.conversations[key]?.server !== server) continue;
    const user = list.find((m) => m.id === userId);
    if (user) return user.name;
  }
  return s.servers[server]?.self?.id === userId ? s.servers[server]?.self?.name : undefined;
}

/** Adds the conversation if new, else refreshes its title/topic. Returns its key. */
export function conversationOpened(store: AppStore, init: ConversationInit): ConversationKey {
  const key = keyOf(init);
  store.setState((s) => {
    const current = s.conversations[key];
    const meta: ConversationMeta = {
      key,
      server: init.server,
      kind: init.kind,
      id: init.id,
      title: init.title,
      topic: init.topic ?? current?.topic ?? '',
      lastActivity: Math.max(current?.lastActivity ?? 0, init.lastActivity ?? 0),
    };
    if (
      current &&
      current.title === meta.title &&
      current.topic === meta.topic &&
      current.lastActivity === meta.lastActivity
    ) {
      return s;
    }
    return {
      conversations: { ...s.conversations, [key]: meta },
      timelines: s.timelines[key] ? s.timelines : { ...s.timelines, [key]: emptyTimeline() },
    };
  });
  return key;
}

function patchTimeline(s: AppState, key: ConversationKey, patch: (t: Timeline) => Timeline): Partial<AppState> {
  const current = s.timelines[key];
  if (!current) return {};
  const next = patch(current);
  return next === current ? {} : { timelines: { ...s.timelines, [key]: next } };
}

export function conversationLoading(store: AppStore, key: ConversationKey, which: 'initial' | 'older'): void {
  store.setState((s) => patchTimeline(s, key, (t) => ({ ...t, loading: which, error: null })));
}

export function conversationLoadFailed(store: AppStore, key: ConversationKey, error: string): void {
  store.setState((s) => patchTimeline(s, key, (t) => ({ ...t, loading: 'none', error })));
}

/** Removes confirmed msgIds from a timeline's pending map and from the index. */
function settlePending(
  s: AppState,
  timeline: Timeline,
  messages: readonly ChatMessage[],
  selfId: string | null,
): { timeline: Timeline; pendingIndex: Record<string, ConversationKey> } {
  const pending = confirmPending(timeline.pending, messages, selfId);
  if (pending === timeline.pending) return { timeline, pendingIndex: s.pendingIndex };
  const pendingIndex = { ...s.pendingIndex };
  for (const msgId of Object.keys(timeline.pending)) if (!(msgId in pending)) delete pendingIndex[msgId];
  return { timeline: { ...timeline, pending }, pendingIndex };
}

function newestTs(messages: readonly ChatMessage[]): number {
  let ts = 0;
  for (const m of messages) ts = Math.max(ts, m.ts);
  return ts;
}

/** Applies a page of history (room join, latest page, older page) to a conversation. */
function applyPage(s: AppState, key: ConversationKey, page: HistoryPage, kind: 'latest' | 'older'): Partial<AppState> {
  const meta = s.conversations[key];
  const current = s.timelines[key];
  if (!meta || !current) return {};
  const { timeline: merged } = mergeMessages(current, page.messages);
  const oldFirst = firstSeq(current.items);
  const pageFirst = page.messages[0]?.seq ?? Infinity;
  // Paging back always answers "is there more before this?"; a latest page does when it reaches
  // at least as far back as what we had (a page of only newer messages says nothing about that).
  const hasMore = kind === 'older' || oldFirst === 0 || pageFirst <= oldFirst ? page.hasMore : current.hasMore;
  const settled = settlePending(
    s,
    { ...merged, hasMore, loaded: true, loading: 'none', error: null },
    page.messages,
    selfIdOf(s, meta.server),
  );
  const ts = newestTs(page.messages);
  // On screen, a page is read as it arrives; elsewhere its messages may still come as news.
  const read = activeKey(s) === key ? lastSeq(settled.timeline.items) : 0;
  return {
    timelines: { ...s.timelines, [key]: settled.timeline },
    pendingIndex: settled.pendingIndex,
    ...(read > (s.seenSeq[key] ?? 0) ? { seenSeq: { ...s.seenSeq, [key]: read } } : {}),
    conversations:
      ts > meta.lastActivity ? { ...s.conversations, [key]: { ...meta, lastActivity: ts } } : s.conversations,
  };
}

/** The latest page (room join, DM opened, rejoin after a reconnect). */
export function latestPageLoaded(store: AppStore, key: ConversationKey, page: HistoryPage): void {
  store.setState((s) => applyPage(s, key, page, 'latest'));
}

/** An older page (scrolling up): prepended, keeping the scroll position. */
export function olderPageLoaded(store: AppStore, key: ConversationKey, page: HistoryPage): void {
  store.setState((s) => applyPage(s, key, page, 'older'));
}

/** A message from the API's `message` event: live, caught up, or our own confirmed. */
export function messageReceived(store: AppStore, server: string, message: ChatMessage): void {
  store.setState((s) => {
    const selfId = selfIdOf(s, server);
    // Our own message goes where we sent it from (the pending entry), else where it belongs.
    const pendingKey = s.pendingIndex[message.msgId];
    const ours = selfId === null || message.from === selfId;
    const pendingMeta = pendingKey === undefined ? undefined : s.conversations[pendingKey];
    const ref: ConversationRef | null =
      ours && pendingMeta?.server === server ? pendingMeta : conversationOfMessage(server, message, selfId);
    if (ref === null) return s;
    const key = keyOf(ref);

    let meta = s.conversations[key];
    if (!meta) {
      // A DM from someone new (or a room this window had not opened): it appears in the list.
      const { kind, id } = ref;
      const title =
        kind === 'room'
          ? (s.directories[server]?.rooms.find((r) => r.id === id)?.name ?? 'Room')
          : id === message.from
            ? message.fromName
            : (knownName(s, server, id) ?? 'Direct message');
      meta = { key, server, kind, id, title, topic: '', lastActivity: 0 };
    }
    // The sender's name at sending time is the freshest name we have for a DM partner.
    const title = meta.kind === 'dm' && message.from === meta.id ? message.fromName : meta.title;
    const nextMeta =
      message.ts > meta.lastActivity || title !== meta.title || !s.conversations[key]
        ? { ...meta, title, lastActivity: Math.max(meta.lastActivity, message.ts) }
        : meta;

    const { timeline: merged, added } = mergeMessages(s.timelines[key] ?? emptyTimeline(), [message]);
    const settled = settlePending(s, merged, [message], selfId);
    const fromSomeoneElse = selfId !== null && message.from !== selfId;
    const news = message.seq > (s.seenSeq[key] ?? 0);
    const countsAsUnread = news && fromSomeoneElse && activeKey(s) !== key;

    const next: Partial<AppState> = {
      conversations:
        nextMeta === meta && s.conversations[key] ? s.conversations : { ...s.conversations, [key]: nextMeta },
      timelines: settled.timeline === s.timelines[key] ? s.timelines : { ...s.timelines, [key]: settled.timeline },
      pendingIndex: settled.pendingIndex,
    };
    if (countsAsUnread) next.unread = { ...s.unread, [key]: (s.unread[key] ?? 0) + 1 };
    if (news) next.seenSeq = { ...s.seenSeq, [key]: message.seq };
    if (message.room !== undefined && added.length > 0) {
      const directory = s.directories[server];
      const index = directory?.rooms.findIndex((r) => r.id === message.room) ?? -1;
      const room = directory?.rooms[index];
      if (directory && room && message.seq > room.lastSeq) {
        const rooms = directory.rooms.with(index, { ...room, lastSeq: message.seq, lastActivity: message.ts });
        next.directories = { ...s.directories, [server]: { ...directory, rooms } };
      }
    }
    return next;
  });
}

/** An own message handed to the API: shown at once as pending. Clears the draft. */
export function messageQueued(
  store: AppStore,
  key: ConversationKey,
  msgId: string,
  text: string,
  now = Date.now(),
): void {
  store.setState((s) => {
    const timeline = s.timelines[key];
    if (!timeline) return s;
    const pending: PendingMessage = { msgId, text, createdAt: now, status: 'sending', failure: null };
    return {
      timelines: { ...s.timelines, [key]: { ...timeline, pending: { ...timeline.pending, [msgId]: pending } } },
      pendingIndex: { ...s.pendingIndex, [msgId]: key },
      drafts: { ...s.drafts, [key]: '' },
    };
  });
}

/** An own message with files: pending while they upload (features/files), then sent with them. */
export function messageUploading(store: AppStore, key: ConversationKey, msgId: string, text: string): void {
  messageQueued(store, key, msgId, text);
  store.setState((s) => patchPending(s, msgId, (p) => ({ ...p, status: 'uploading' })));
}

/** Every file of a pending message is stored: it is sent with their ids. */
export function messageUploaded(store: AppStore, msgId: string, attachments: string[]): void {
  store.setState((s) => patchPending(s, msgId, (p) => ({ ...p, status: 'sending', failure: null, attachments })));
}

function patchPending(
  s: AppState,
  msgId: string,
  patch: (p: PendingMessage) => PendingMessage | null,
): Partial<AppState> {
  const key = s.pendingIndex[msgId];
  const timeline = key === undefined ? undefined : s.timelines[key];
  const current = timeline?.pending[msgId];
  if (key === undefined || !timeline || !current) return {};
  const next = patch(current);
  const pending = { ...timeline.pending };
  const pendingIndex = { ...s.pendingIndex };
  if (next === null) {
    delete pending[msgId];
    delete pendingIndex[msgId];
  } else {
    pending[msgId] = next;
  }
  return { timelines: { ...s.timelines, [key]: { ...timeline, pending } }, pendingIndex };
}

/** The API's `sendFailed`: the message stays visible, marked failed, until retried or discarded. */
export function messageFailed(store: AppStore, msgId: string, code: string, reason: string): void {
  store.setState((s) => patchPending(s, msgId, (p) => ({ ...p, status: 'failed', failure: { code, reason } })));
}

export function messageRetrying(store: AppStore, msgId: string): void {
  store.setState((s) => patchPending(s, msgId, (p) => ({ ...p, status: 'sending', failure: null })));
}

export function pendingDiscarded(store: AppStore, msgId: string): void {
  store.setState((s) => patchPending(s, msgId, () => null));
}

/** A system line (joined, left, renamed) after the newest message. */
export function noticeAdded(store: AppStore, key: ConversationKey, text: string, ts = Date.now()): void {
  store.setState((s) => patchTimeline(s, key, (t) => (t.loaded ? addNotice(t, text, ts) : t)));
}

export function draftChanged(store: AppStore, key: ConversationKey, text: string): void {
  store.setState((s) => (s.drafts[key] === text ? s : { drafts: { ...s.drafts, [key]: text } }));
}

function withoutKeys<T>(record: Record<string, T>, keys: ReadonlySet<string>): Record<string, T> {
  let result = record;
  for (const key of Object.keys(record)) {
    if (!keys.has(key)) continue;
    if (result === record) result = { ...record };
    delete result[key];
  }
  return result;
}

function removeConversations(s: AppState, keys: ReadonlySet<string>): Partial<AppState> {
  if (keys.size === 0) return {};
  return {
    conversations: withoutKeys(s.conversations, keys),
    timelines: withoutKeys(s.timelines, keys),
    unread: withoutKeys(s.unread, keys),
    seenSeq: withoutKeys(s.seenSeq, keys),
    drafts: withoutKeys(s.drafts, keys),
    pendingIndex: Object.fromEntries(Object.entries(s.pendingIndex).filter(([, key]) => !keys.has(key))),
  };
}

/** Closes a conversation (room left, DM closed). */
export function conversationClosed(store: AppStore, key: ConversationKey): void {
  store.setState((s) => removeConversations(s, new Set([key])));
}

/** Drops every conversation of a server (the server was forgotten). Returns their keys. */
export function serverConversationsRemoved(store: AppStore, server: string): ConversationKey[] {
  const keys = Object.values(store.getState().conversations)
    .filter((meta) => meta.server === server)
    .map((meta) => meta.key);
  store.setState((s) => removeConversations(s, new Set(keys)));
  return keys;
}

/** DM conversations the server knows about (dm_list): listed, loaded when opened. */
export function dmsListed(store: AppStore, server: string, dms: DmSummary[]): void {
  store.setState((s) => {
    let conversations = s.conversations;
    let timelines = s.timelines;
    for (const dm of dms) {
      const key = dmKey(server, dm.user.id);
      const current = conversations[key];
      if (current && current.title === dm.user.name && current.lastActivity >= dm.lastActivity) continue;
      if (conversations === s.conversations) conversations = { ...s.conversations };
      conversations[key] = {
        key,
        server,
        kind: 'dm',
        id: dm.user.id,
        title: dm.user.name,
        topic: current?.topic ?? '',
        lastActivity: Math.max(current?.lastActivity ?? 0, dm.lastActivity),
      };
      if (!timelines[key]) {
        if (timelines === s.timelines) timelines = { ...s.timelines };
        timelines[key] = { ...emptyTimeline(), hasMore: dm.lastSeq > 0 };
      }
    }
    return conversations === s.conversations ? s : { conversations, timelines };
  });
}

/** A user's new name in the title of the DM with them. */
export function dmPeerRenamed(store: AppStore, server: string, user: UserRef): void {
  store.setState((s) => {
    const key = dmKey(server, user.id);
    const meta = s.conversations[key];
    if (!meta || meta.title === user.name) return s;
    return { conversations: { ...s.conversations, [key]: { ...meta, title: user.name } } };
  });
}
