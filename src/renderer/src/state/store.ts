/**
 * The renderer's one store (zustand, vanilla: usable from React and from API event listeners).
 * The state is the union of typed slices, each in slices/: its shape, its initial value and its
 * actions — plain functions `(store, …) => void` over `store.setState`. Nothing here calls the
 * API: commands/ do that, and connect-api.ts wires API events to actions.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { initialConversationsState, type ConversationsState } from './slices/conversations.ts';
import { initialMembersState, type MembersState } from './slices/members.ts';
import { initialNearbyState, type NearbyState } from './slices/nearby.ts';
import { initialServersState, type ServersState } from './slices/servers.ts';
import { initialSettingsState, type SettingsState } from './slices/settings.ts';
import { initialUiState, type UiState } from './slices/ui.ts';

export type AppState = SettingsState & ServersState & NearbyState & ConversationsState & MembersState & UiState;
export type AppStore = StoreApi<AppState>;

export function initialAppState(): AppState {
  return {
    ...initialSettingsState(),
    ...initialServersState(),
    ...initialNearbyState(),
    ...initialConversationsState(),
    ...initialMembersState(),
    ...initialUiState(),
  };
}

export function createAppStore(): AppStore {
  return createStore<AppState>()(() => initialAppState());
}
