/**
 * Preload script (runs sandboxed, bundled to one CommonJS file). Exposes `window.parley`, the
 * renderer's only door to the main process. Empty for now: a later issue adds the chat API.
 */
import { contextBridge } from 'electron';

const parley = Object.freeze({});

export type ParleyApi = typeof parley;

contextBridge.exposeInMainWorld('parley', parley);
