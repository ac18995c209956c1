/**
 * The one place the renderer gets its API object: the Electron preload's `window.parley`, or —
 * in a browser served by `parley-server --web` — the same API over a WebSocket to that server,
 * with the page's own link to it (`PageLink`).
 */
import type { ParleyApi, Unsubscribe } from '../../../shared/api/contract.ts';
import { WebApiConnection } from './web-api.ts';

declare global {
  interface Window {
    parley?: ParleyApi;
  }
}

/**
 * The browser build's page socket to its web server, which the desktop app does not have: the
 * session behind it ends when it drops, and a new one begins when it is back.
 */
export interface PageLink {
  /** Each time the session behind the page is a new one (in none of our rooms). */
  onFreshSession(listener: () => void): Unsubscribe;
  /** Each time the socket opens (true) or drops or fails to open (false). */
  onLinkChange(listener: (up: boolean) => void): Unsubscribe;
}

export interface ApiConnection {
  api: ParleyApi;
  /** Browser build only. */
  link?: PageLink;
}

let connection: ApiConnection | undefined;

export function getApiConnection(): ApiConnection {
  if (connection) return connection;
  if (window.parley) {
    connection = { api: window.parley };
  } else {
    const web = new WebApiConnection(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`);
    connection = { api: web.api, link: web };
  }
  return connection;
}
