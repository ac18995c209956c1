/**
 * The renderer's one store (zustand, vanilla: usable from React and from API event listeners).
 * The state is the union of typed slices, one per feature that has state
 * (features/<feature>/<feature>-slice.ts, plus ui-slice.ts here): its shape, its initial value
 * and its actions — plain functions `(store, …) => void` over `store.setState`. Nothing here
 * calls the API: each feature's commands do that, and its events file wires API events to actions.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { initialHostingState, type HostingState } from '../features/hosting/hosting-slice.ts';
import { initialConversationsState, type ConversationsState } from '../features/conversations/conversations-slice.ts';
import { initialFilesState, type FilesState } from '../features/files/files-slice.ts';
import { initialGamesState, type GamesState } from '../features/games/games-slice.ts';
import { initialMembersState, type MembersState } from '../features/members/members-slice.ts';
import { initialNearbyState, type NearbyState } from '../features/nearby/nearby-slice.ts';
import { initialServersState, type ServersState } from '../features/servers/servers-slice.ts';
import { initialSettingsState, type SettingsState } from '../features/settings/settings-slice.ts';
import { initialUiState, type UiState } from './ui-slice.ts';

export type AppState = SettingsState &
  ServersState &
  HostingState &
  NearbyState &
  ConversationsState &
  MembersState &
  FilesState &
  GamesState &
  UiState;
export type AppStore = StoreApi<AppState>;

export function initialAppState(): AppState {
  return {
    ...initialSettingsState(),
    ...initialServersState(),
    ...initialHostingState(),
    ...initialNearbyState(),
    ...initialConversationsState(),
    ...initialMembersState(),
    ...initialFilesState(),
    ...initialGamesState(),
    ...initialUiState(),
  };
}

export function createAppStore(): AppStore {
  return createStore<AppState>()(() => initialAppState());
}
