/**
 * The app: wires the API's events to the store, loads the start-up state, and shows the first
 * run, an error, or the chat.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { ParleyApi } from '../../../../shared/api/contract.ts';
import { ParleyContext, useAppState, useParley } from '../../hooks/use-parley.ts';
import { bootstrap } from '../../state/bootstrap.ts';
import type { PageLink } from '../../api/get-api.ts';
import { connectApi } from '../../state/feature-events.ts';
import { rememberOpenRooms, type KeyValueStorage } from '../../features/rooms/remembered-rooms.ts';
import type { AppStore } from '../../state/store.ts';
import { Onboarding } from '../../features/settings/Onboarding.tsx';
import { AppShell } from './AppShell.tsx';
import { StartupScreen } from './StartupScreen.tsx';

interface AppProps {
  api: ParleyApi;
  store: AppStore;
  /** Where open rooms are remembered across reloads (localStorage); none in most tests. */
  storage?: KeyValueStorage | null;
  /** The browser build's page socket (web-api.ts): a new session, the socket down or up. */
  link?: PageLink;
}

export function App({ api, store, storage = null, link }: AppProps) {
  const value = useMemo(() => ({ api, store, storage }), [api, store, storage]);
  // StrictMode mounts twice in development; refs survive that, so start-up runs once per store.
  const booted = useRef<AppStore | null>(null);
  useEffect(() => {
    const disconnect = connectApi(api, store, link);
    const forget = rememberOpenRooms(store, storage);
    if (booted.current !== store) {
      booted.current = store;
      void bootstrap(api, store, storage);
    }
    return () => {
      forget();
      disconnect();
    };
  }, [api, store, storage, link]);
  return (
    <ParleyContext.Provider value={value}>
      <Root />
    </ParleyContext.Provider>
  );
}

function Root() {
  const { api, store, storage } = useParley();
  const boot = useAppState((s) => s.boot);
  const displayName = useAppState((s) => s.displayName);
  const link = useAppState((s) => s.pageLink);
  // Start-up found the page's socket down: try again as soon as it is back.
  const resume = boot.status === 'offline' && link === 'up';
  useEffect(() => {
    if (resume) void bootstrap(api, store, storage);
  }, [resume, api, store, storage]);
  if (boot.status === 'loading' || boot.status === 'offline') {
    return <StartupScreen reconnecting={boot.status === 'offline' || link === 'down'} />;
  }
  if (boot.status === 'error') {
    return <StartupScreen error={boot.message} onRetry={() => void bootstrap(api, store, storage)} />;
  }
  if (displayName === null) return <Onboarding />;
  return <AppShell />;
}
