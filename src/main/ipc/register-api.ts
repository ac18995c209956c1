/**
 * The app's API over Electron IPC: one `ipcMain.handle` per contract call, and the session's
 * events pushed to our window on one channel.
 *
 * Every call is checked before the session sees it:
 *  1. the sender is our main window's top frame, showing our own page ('forbidden_sender');
 *  2. the arguments match the contract's schema ('bad_arguments').
 * Every reply is an `ApiResponse` envelope, so error codes survive IPC (a thrown Error would reach
 * the renderer as a bare message).
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import {
  API_CALL_NAMES,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type ApiCallName,
  type ApiEventName,
  type ApiEvents,
  type ParleyApiCalls,
} from '../../shared/api/contract.ts';
import { dispatchCall } from '../../shared/api/dispatch.ts';
import type { ApiResponse } from '../../shared/api/proxy.ts';
import { openExternalUrl } from '../external-links.ts';

/** What the IPC layer needs from the session manager. */
export interface ApiSession extends ParleyApiCalls {
  onEvent(listener: <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void): unknown;
}

export interface ApiHost {
  /** Our main window, or null while there is none (macOS, all windows closed). */
  getWindow(): BrowserWindow | null;
  /** Whether a frame URL is our app's page (the renderer's index.html, or the dev server). */
  isAppDocument(url: string): boolean;
}

/** What the renderer may send: the frame must be our window's top frame, showing our page. */
export function isTrustedSender(event: IpcMainInvokeEvent, host: ApiHost): boolean {
  const win = host.getWindow();
  if (!win || win.isDestroyed()) return false;
  const contents = win.webContents;
  if (event.sender !== contents || contents.isDestroyed()) return false;
  const frame = event.senderFrame; // null once the frame navigated away or was destroyed
  if (!frame || frame.parent !== null || frame.detached) return false;
  const top = contents.mainFrame;
  if (frame.processId !== top.processId || frame.routingId !== top.routingId) return false;
  return host.isAppDocument(frame.url);
}

/** The update calls and event, answered by main's update checker (src/main/updates). */
export interface ApiUpdates extends Pick<ParleyApiCalls, 'getUpdateStatus' | 'setUpdateChecks'> {
  onUpdateReady(listener: (payload: ApiEvents['updateReady']) => void): () => void;
}

export interface RegisterApiOptions {
  /** Without it, the session answers the update calls (updates unavailable). */
  updates?: ApiUpdates;
}

/** Calls main answers itself instead of the session. */
type MainCalls = Partial<Pick<ParleyApiCalls, 'openLink' | 'getUpdateStatus' | 'setUpdateChecks'>>;

/** Main opens links itself (in the system browser) and answers the update calls when it updates. */
function mainCallsOf(options: RegisterApiOptions): MainCalls {
  const calls: MainCalls = { openLink: (url) => openExternalUrl(url) };
  if (options.updates) {
    const updates = options.updates;
    calls.getUpdateStatus = () => updates.getUpdateStatus();
    calls.setUpdateChecks = (enabled) => updates.setUpdateChecks(enabled);
  }
  return calls;
}

/** Checks the sender, then validates, calls and wraps the outcome (shared/api/dispatch.ts). */
function handle(
  session: ParleyApiCalls,
  mainCalls: MainCalls,
  host: ApiHost,
  name: ApiCallName,
  event: IpcMainInvokeEvent,
  rawArgs: unknown[],
) {
  if (!isTrustedSender(event, host)) {
    console.warn(`[parley] refused ${name} from ${event.senderFrame?.url ?? 'a detached frame'}`);
    const refused: ApiResponse = {
      ok: false,
      error: { code: 'forbidden_sender', message: 'This frame may not use the Parley API.' },
    };
    return Promise.resolve(refused);
  }
  const options = {
    onInternalError: (call: string, error: unknown) => console.error(`[parley] ${call} failed`, error),
  };
  return Object.hasOwn(mainCalls, name)
    ? dispatchCall(mainCalls as ParleyApiCalls, name, rawArgs, options)
    : dispatchCall(session, name, rawArgs, options);
}

/**
 * Registers a handler for every contract call and forwards the session's events to our window.
 * Returns a function that removes the handlers (and stops forwarding, if the session's onEvent
 * returned an unsubscribe function).
 */
export function registerApi(session: ApiSession, host: ApiHost, options: RegisterApiOptions = {}): () => void {
  const mainCalls = mainCallsOf(options);
  for (const name of API_CALL_NAMES) {
    ipcMain.handle(ipcChannel(name), (event, ...rawArgs: unknown[]) =>
      handle(session, mainCalls, host, name, event, rawArgs),
    );
  }

  const send = <E extends ApiEventName>(event: E, payload: ApiEvents[E]): void => {
    const win = host.getWindow();
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
    // Only our page gets events (navigation is blocked anyway; this also covers a crashed renderer).
    if (!host.isAppDocument(win.webContents.getURL())) return;
    win.webContents.send(IPC_EVENT_CHANNEL, { event, payload });
  };
  const stopEvents = session.onEvent(send);
  const stopUpdates = options.updates?.onUpdateReady((payload) => send('updateReady', payload));

  return () => {
    for (const name of API_CALL_NAMES) ipcMain.removeHandler(ipcChannel(name));
    if (typeof stopEvents === 'function') stopEvents();
    stopUpdates?.();
  };
}
