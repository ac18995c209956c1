/**
 * UI slice: start-up status, what the main column shows, the selected server, dialogs, the
 * narrow-screen drawers, the member panel and toasts.
 */
import type { ConversationKey } from '../features/conversations/conversation-key.ts';
import type { AppStore } from './store.ts';
import { lastSeq } from '../features/conversations/timeline.ts';

export type BootStatus =
  | { status: 'loading' }
  | { status: 'ready' }
  | { status: 'error'; message: string }
  /** The browser build's page socket is down (its server is away): start-up resumes once it is back. */
  | { status: 'offline' };

export type MainView =
  { kind: 'home' } | { kind: 'rooms'; server: string } | { kind: 'conversation'; key: ConversationKey };

export type DialogState =
  | null
  | { kind: 'connect' }
  | { kind: 'host' }
  | { kind: 'settings' }
  | { kind: 'createRoom'; server: string }
  | { kind: 'diagnostics' };

/** On narrow screens the sidebar and the member list slide over the chat. */
export type Drawer = 'none' | 'sidebar' | 'members';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
  /** A button on the toast that does what the text suggests (e.g. open Settings to rename). */
  action?: ToastAction;
}

export interface ToastAction {
  label: string;
  run: () => void;
}

export interface UiState {
  boot: BootStatus;
  selectedServer: string | null;
  view: MainView;
  /** The conversation last shown per server, to return to it when the server is selected again. */
  lastConversation: Record<string, ConversationKey>;
  /** Wide screens: the member panel is shown (a preference, default on). */
  showMembers: boolean;
  drawer: Drawer;
  dialog: DialogState;
  toasts: Toast[];
  /** The browser build's page socket: null until it first opens or fails (and in the desktop app). */
  pageLink: 'up' | 'down' | null;
}

export function initialUiState(): UiState {
  return {
    boot: { status: 'loading' },
    selectedServer: null,
    view: { kind: 'home' },
    lastConversation: {},
    showMembers: true,
    drawer: 'none',
    dialog: null,
    toasts: [],
    pageLink: null,
  };
}

export function pageLinkChanged(store: AppStore, up: boolean): void {
  store.setState((s) => (s.pageLink === (up ? 'up' : 'down') ? s : { pageLink: up ? 'up' : 'down' }));
}

export function bootChanged(store: AppStore, boot: BootStatus): void {
  store.setState({ boot });
}

/** Shows a server: the conversation last open there, else its room browser. */
export function serverSelected(store: AppStore, server: string): void {
  store.setState((s) => {
    const last = s.lastConversation[server];
    const view: MainView =
      last !== undefined && s.conversations[last] ? { kind: 'conversation', key: last } : { kind: 'rooms', server };
    return { selectedServer: server, view, drawer: 'none' };
  });
  const view = store.getState().view;
  if (view.kind === 'conversation') conversationShown(store, view.key);
}

export function roomsShown(store: AppStore, server: string): void {
  store.setState({ selectedServer: server, view: { kind: 'rooms', server }, drawer: 'none' });
}

/** Shows a conversation and marks it read (up to its newest message). */
export function conversationShown(store: AppStore, key: ConversationKey): void {
  store.setState((s) => {
    const meta = s.conversations[key];
    if (!meta) return s;
    const { [key]: _read, ...unread } = s.unread;
    const read = lastSeq(s.timelines[key]?.items ?? []);
    return {
      selectedServer: meta.server,
      view: { kind: 'conversation', key },
      lastConversation: { ...s.lastConversation, [meta.server]: key },
      unread: key in s.unread ? unread : s.unread,
      seenSeq: read > (s.seenSeq[key] ?? 0) ? { ...s.seenSeq, [key]: read } : s.seenSeq,
      drawer: 'none',
    };
  });
}

export function homeShown(store: AppStore): void {
  store.setState({ selectedServer: null, view: { kind: 'home' }, drawer: 'none' });
}

/** After a conversation or server went away: show something that still exists. */
export function viewRepaired(store: AppStore): void {
  store.setState((s) => {
    const { view } = s;
    const selectedServer = s.selectedServer !== null && s.servers[s.selectedServer] ? s.selectedServer : null;
    if (view.kind === 'conversation' && s.conversations[view.key])
      return s.selectedServer === selectedServer ? s : { selectedServer };
    if (view.kind === 'rooms' && s.servers[view.server])
      return s.selectedServer === selectedServer ? s : { selectedServer };
    return {
      selectedServer,
      view: selectedServer === null ? { kind: 'home' } : { kind: 'rooms', server: selectedServer },
    };
  });
}

export function membersToggled(store: AppStore): void {
  store.setState((s) => ({ showMembers: !s.showMembers }));
}

export function drawerChanged(store: AppStore, drawer: Drawer): void {
  store.setState({ drawer });
}

export function dialogOpened(store: AppStore, dialog: Exclude<DialogState, null>): void {
  store.setState({ dialog, drawer: 'none' });
}

export function dialogClosed(store: AppStore): void {
  store.setState({ dialog: null });
}

let toastCounter = 0;
const TOAST_MS = 6000;

/**
 * Shows a toast; it goes after a few seconds, or — `lifetimeMs` null, for something the user must
 * act on (a server gave us another name) — stays until dismissed.
 */
export function toastShown(
  store: AppStore,
  text: string,
  tone: Toast['tone'] = 'error',
  lifetimeMs: number | null = TOAST_MS,
  action?: ToastAction,
): void {
  const toast: Toast = { id: ++toastCounter, text, tone, ...(action ? { action } : {}) };
  // At most three at a time: the oldest goes.
  store.setState((s) => ({ toasts: [...s.toasts.slice(-2), toast] }));
  if (lifetimeMs !== null) setTimeout(() => toastDismissed(store, toast.id), lifetimeMs);
}

export function toastDismissed(store: AppStore, id: number): void {
  store.setState((s) => (s.toasts.some((t) => t.id === id) ? { toasts: s.toasts.filter((t) => t.id !== id) } : s));
}
