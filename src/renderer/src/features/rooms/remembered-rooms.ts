/**
 * Remembers which rooms are open (and which conversation was on screen) across reloads of the
 * renderer. The server knows our DMs, but not which rooms we had open: after a page reload the
 * browser build's session is new, and the desktop renderer loses its store. So the open rooms
 * are kept in the page's own storage and put back at start-up; connecting then joins them again
 * (serverConnected → reopenRoom).
 *
 * Storage is untrusted (anyone can edit it): it is size-limited and validated, and anything
 * unexpected is dropped, never trusted.
 */
import { z } from 'zod';
import type { Unsubscribe } from '../../../../shared/api/contract.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { conversationOpened } from '../conversations/conversations-slice.ts';
import { conversationShown } from '../../state/ui-slice.ts';
import type { AppState, AppStore } from '../../state/store.ts';

/** The part of the Web Storage API this needs (localStorage, or a stand-in in tests). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

export const REMEMBERED_ROOMS_KEY = 'parley.openRooms.v1';
const MAX_STORED_CHARS = 256 * 1024;
const MAX_ROOMS = 200;

const short = z.string().max(300);
const rememberedSchema = z.object({
  rooms: z
    .array(z.object({ server: short.min(1), id: z.string().min(1).max(64), title: short, topic: z.string().max(1024) }))
    .max(MAX_ROOMS),
  shown: z.string().max(400).nullable(),
});
export type RememberedRooms = z.infer<typeof rememberedSchema>;

const NOTHING: RememberedRooms = { rooms: [], shown: null };

export function readRememberedRooms(storage: KeyValueStorage | null): RememberedRooms {
  try {
    const raw = storage?.getItem(REMEMBERED_ROOMS_KEY);
    if (!raw || raw.length > MAX_STORED_CHARS) return NOTHING;
    const parsed = rememberedSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : NOTHING;
  } catch {
    return NOTHING; // unreadable storage (blocked, corrupt): start without
  }
}

function snapshot(s: AppState): RememberedRooms {
  const rooms = Object.values(s.conversations)
    .filter((c) => c.kind === 'room')
    .slice(0, MAX_ROOMS)
    .map((c) => ({ server: c.server, id: c.id, title: c.title, topic: c.topic }));
  return { rooms, shown: s.view.kind === 'conversation' ? s.view.key : null };
}

/**
 * Puts remembered rooms of servers still in the list back into the store (not yet loaded; they
 * load when their server connects) and returns the conversation that was on screen, if any.
 */
export function restoreRememberedRooms(store: AppStore, remembered: RememberedRooms): ConversationKey | null {
  const { servers } = store.getState();
  for (const room of remembered.rooms) {
    if (servers[room.server]) conversationOpened(store, { ...room, kind: 'room' });
  }
  const shown = remembered.shown;
  return shown !== null && store.getState().conversations[shown] ? shown : null;
}

/** Shows the conversation that was on screen before the reload, if it is open again. */
export function showRememberedConversation(store: AppStore, key: ConversationKey | null): void {
  if (key !== null && store.getState().conversations[key]) conversationShown(store, key);
}

/** Keeps storage in step with the open rooms and the shown conversation. */
export function rememberOpenRooms(store: AppStore, storage: KeyValueStorage | null): Unsubscribe {
  if (!storage) return () => {};
  let last = JSON.stringify(snapshot(store.getState()));
  return store.subscribe((state, previous) => {
    if (state.conversations === previous.conversations && state.view === previous.view) return;
    const next = JSON.stringify(snapshot(state));
    if (next === last) return;
    last = next;
    try {
      storage.setItem(REMEMBERED_ROOMS_KEY, next);
    } catch {
      // Storage full or blocked: remembering is a convenience, never a reason to fail.
    }
  });
}

/** localStorage when the page may use it, else null. */
export function pageStorage(): KeyValueStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
