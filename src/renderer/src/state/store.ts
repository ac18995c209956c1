/**
 * The renderer's one store (zustand, vanilla: usable from React and from API event listeners).
 * The state is the union of typed slices, each in slices/: its shape, its initial value and its
 * actions — plain functions `(store, …) => void` over `store.setState`. Nothing here calls the
 * API: commands/ do that, and connect-api.ts wires API events to actions.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { initialConversationsState, type ConversationsState } from '../features/conversations/conversations-slice.ts';
import { initialMembersState, type MembersState } from '../features/members/members-slice.ts';
import { initialNearbyState, type NearbyState } from '../features/nearby/nearby-slice.ts';
import { initialServersState, type ServersState } from '../features/servers/servers-slice.ts';
import { initialSettingsState, type SettingsState } from '../features/settings/settings-slice.ts';
import { initialUiState, type UiState } from './ui-slice.ts';

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
