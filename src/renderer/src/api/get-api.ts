/**
 * The one place the renderer gets its API object: the Electron preload's `window.parley`, or —
 * in a browser served by `parley-server --web` — the same API over a WebSocket to that server,
 * which also says when the session behind the page is a new one (`freshSessions`).
 */
import type { ParleyApi, Unsubscribe } from '../../../shared/api/contract.ts';
import { WebApiConnection } from './web-api.ts';

declare global {
  interface Window {
    parley?: ParleyApi;
  }
}

export interface ApiConnection {
  api: ParleyApi;
  /** Browser build only: subscribe to "the page's session on the web server is new". */
  freshSessions?: (listener: () => void) => Unsubscribe;
}

let connection: ApiConnection | undefined;

export function getApiConnection(): ApiConnection {
  if (connection) return connection;
  if (window.parley) {
    connection = { api: window.parley };
  } else {
    const web = new WebApiConnection(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`);
    connection = { api: web.api, freshSessions: (listener) => web.onFreshSession(listener) };
  }
  return connection;
}
