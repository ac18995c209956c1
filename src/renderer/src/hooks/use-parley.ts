/**
 * The API and the store, as given to <App>, for any component: `useParley()` for calls and
 * actions, `useAppState(selector)` to read (re-renders only when the selected value changes).
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ParleyApi } from '../../../shared/api/contract.ts';
import type { KeyValueStorage } from '../features/rooms/remembered-rooms.ts';
import type { AppState, AppStore } from '../state/store.ts';

export interface ParleyContextValue {
  api: ParleyApi;
  store: AppStore;
  storage: KeyValueStorage | null;
}

export const ParleyContext = createContext<ParleyContextValue | null>(null);

export function useParley(): ParleyContextValue {
  const value = useContext(ParleyContext);
  if (!value) throw new Error('useParley must be used inside <App>');
  return value;
}

export function useAppState<T>(selector: (state: AppState) => T): T {
  return useStore(useParley().store, selector);
}
