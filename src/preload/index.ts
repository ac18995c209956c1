/**
 * Preload script (runs sandboxed, bundled to one CommonJS file whose only require is `electron`).
 * Exposes `window.parley`, the renderer's only door to the main process: one function per
 * contract call and `on(event, listener)` for the contract's events. ipcRenderer itself is never
 * exposed, and only the contract's channels are ever used.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_EVENT_NAMES, IPC_EVENT_CHANNEL, ipcChannel, type ApiEventName } from '../shared/api/names.ts';
import { createApiProxy, toErrorShape, type ApiResponse } from '../shared/api/proxy.ts';

type Listener = (payload: unknown) => void;

const EVENT_NAMES: ReadonlySet<string> = new Set(API_EVENT_NAMES);

/**
 * Subscriptions, each a distinct wrapper object: subscribing the same function twice gives two
 * subscriptions, and each unsubscribe removes exactly its own (the bug Mattermost had was removing
 * a different function than the one registered).
 */
const subscriptions = new Map<string, Set<{ listener: Listener }>>();
let subscriptionCount = 0;

/** The one ipcRenderer listener, attached while there is at least one subscription. */
function dispatchEvent(_event: IpcRendererEvent, message: unknown): void {
  if (typeof message !== 'object' || message === null) return;
  const { event, payload } = message as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string') return;
  const subs = subscriptions.get(event);
  if (!subs) return;
  for (const sub of [...subs]) {
    try {
      sub.listener(payload);
    } catch (error) {
      console.error(`[parley] a listener for ${event} threw`, error);
    }
  }
}

function subscribe(event: ApiEventName, listener: Listener): () => void {
  if (!EVENT_NAMES.has(event)) throw new TypeError(`Unknown Parley event: ${String(event)}`);
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  const sub = { listener };
  let subs = subscriptions.get(event);
  if (!subs) subscriptions.set(event, (subs = new Set()));
  subs.add(sub);
  if (subscriptionCount++ === 0) ipcRenderer.on(IPC_EVENT_CHANNEL, dispatchEvent);

  let active = true;
  return () => {
    if (!active) return;
    active = false;
    subs.delete(sub);
    if (subs.size === 0) subscriptions.delete(event);
    if (--subscriptionCount === 0) ipcRenderer.removeListener(IPC_EVENT_CHANNEL, dispatchEvent);
  };
}

const parley = createApiProxy({
  call: async (name, args) => {
    try {
      return (await ipcRenderer.invoke(ipcChannel(name), ...args)) as ApiResponse;
    } catch (error) {
      // Not a reply from our handler: no handler yet, or arguments that cannot be cloned.
      return { ok: false, error: { code: 'ipc_failed', message: toErrorShape(error).message } };
    }
  },
  subscribe: (event, listener) => subscribe(event, listener as Listener),
});

contextBridge.exposeInMainWorld('parley', parley);
