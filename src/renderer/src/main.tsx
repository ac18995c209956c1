/**
 * Renderer entry: creates the store and renders the app against the API (preload or WebSocket).
 * (In `electron-vite dev`, plugin-react injects its inline Fast Refresh preamble at the top of
 * <head>, before the CSP <meta>: a meta-delivered policy only governs what follows it, so dev
 * works; a build has no inline script at all.)
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApiConnection, type ApiConnection } from './api/get-api.ts';
import { App } from './components/app/App.tsx';
import { StartupScreen } from './components/app/StartupScreen.tsx';
import { errorMessage } from './lib/describe-error.ts';
import { registerShellCache } from './lib/shell-cache.ts';
import { pageStorage } from './features/rooms/remembered-rooms.ts';
import { createAppStore } from './state/store.ts';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
const root = createRoot(container);

let connection: ApiConnection | undefined;
try {
  connection = getApiConnection();
} catch (error) {
  root.render(<StartupScreen error={`The app cannot reach its background service (${errorMessage(error)}).`} />);
}
if (connection) {
  registerShellCache(connection.link === undefined);
  root.render(
    <StrictMode>
      <App api={connection.api} link={connection.link} store={createAppStore()} storage={pageStorage()} />
    </StrictMode>,
  );
}
