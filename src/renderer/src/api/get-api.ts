/**
 * The one place the renderer gets its API object: the Electron preload's `window.parley`, or —
 * in a browser served by `parley-server --web` — the same API over a WebSocket to that server.
 */
import type { ParleyApi } from '../../../shared/api/contract.ts';
import { createWebApi } from './web-api.ts';

declare global {
  interface Window {
    parley?: ParleyApi;
  }
}

let api: ParleyApi | undefined;

export function getApi(): ParleyApi {
  api ??= window.parley ?? createWebApi(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`);
  return api;
}
