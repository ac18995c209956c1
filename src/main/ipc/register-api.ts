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
  API_ARGS,
  API_CALL_NAMES,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type ApiArgs,
  type ApiCallName,
  type ApiEventName,
  type ApiEvents,
  type ApiResults,
  type ParleyApiCalls,
} from '../../shared/api/contract.ts';
import { toErrorShape, type ApiResponse } from '../../shared/api/proxy.ts';
import { openExternalUrl } from '../external-links.ts';

/** One handler per call; a call without a handler does not compile. */
export type ApiHandlers = { [C in ApiCallName]: (...args: ApiArgs<C>) => Promise<ApiResults[C]> };

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

/** The handler table: the session for everything, except links, which only main can open. */
function createHandlers(session: ParleyApiCalls): ApiHandlers {
  return {
    getAppInfo: () => session.getAppInfo(),
    getSettings: () => session.getSettings(),
    setDisplayName: (name) => session.setDisplayName(name),
    listServers: () => session.listServers(),
    connectServer: (address) => session.connectServer(address),
    disconnectServer: (key) => session.disconnectServer(key),
    forgetServer: (key) => session.forgetServer(key),
    getHostStatus: () => session.getHostStatus(),
    startHosting: (options) => session.startHosting(options),
    stopHosting: () => session.stopHosting(),
    listRooms: (key) => session.listRooms(key),
    createRoom: (key, room) => session.createRoom(key, room),
    joinRoom: (key, room) => session.joinRoom(key, room),
    leaveRoom: (key, room) => session.leaveRoom(key, room),
    loadOlder: (key, target, before) => session.loadOlder(key, target, before),
    loadLatest: (key, target) => session.loadLatest(key, target),
    listDms: (key) => session.listDms(key),
    sendMessage: (key, target, text, clientId) => session.sendMessage(key, target, text, clientId),
    openLink: (url) => openExternalUrl(url),
    listNearby: () => session.listNearby(),
    connectNearby: (id) => session.connectNearby(id),
    listInterfaces: () => session.listInterfaces(),
    setInterfaceEnabled: (name, enabled) => session.setInterfaceEnabled(name, enabled),
    runDiagnostics: () => session.runDiagnostics(),
  };
}

const MAX_ISSUES_IN_MESSAGE = 3;

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const parts = issues
    .slice(0, MAX_ISSUES_IN_MESSAGE)
    .map(
      (issue) =>
        `${issue.path.length > 0 ? `argument ${issue.path.map(String).join('.')}` : 'arguments'}: ${issue.message}`,
    );
  return parts.join('; ').slice(0, 500);
}

/** Checks sender and arguments, runs the handler, and wraps the outcome in the envelope. */
async function dispatch(
  name: ApiCallName,
  handlers: ApiHandlers,
  host: ApiHost,
  event: IpcMainInvokeEvent,
  rawArgs: unknown[],
): Promise<ApiResponse> {
  if (!isTrustedSender(event, host)) {
    console.warn(`[parley] refused ${name} from ${event.senderFrame?.url ?? 'a detached frame'}`);
    return { ok: false, error: { code: 'forbidden_sender', message: 'This frame may not use the Parley API.' } };
  }
  const parsed = API_ARGS[name].safeParse(rawArgs);
  if (!parsed.success) {
    return { ok: false, error: { code: 'bad_arguments', message: `${name}: ${describeIssues(parsed.error.issues)}` } };
  }
  try {
    const handler = handlers[name] as (...args: unknown[]) => Promise<unknown>;
    const value = await handler(...(parsed.data as unknown[]));
    return { ok: true, value };
  } catch (error) {
    const shape = toErrorShape(error);
    if (shape.code === 'internal') console.error(`[parley] ${name} failed`, error);
    return { ok: false, error: shape };
  }
}

/**
 * Registers a handler for every contract call and forwards the session's events to our window.
 * Returns a function that removes the handlers (and stops forwarding, if the session's onEvent
 * returned an unsubscribe function).
 */
export function registerApi(session: ApiSession, host: ApiHost): () => void {
  const handlers = createHandlers(session);
  for (const name of API_CALL_NAMES) {
    ipcMain.handle(ipcChannel(name), (event, ...rawArgs: unknown[]) => dispatch(name, handlers, host, event, rawArgs));
  }

  const stopEvents = session.onEvent((event, payload) => {
    const win = host.getWindow();
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
    // Only our page gets events (navigation is blocked anyway; this also covers a crashed renderer).
    if (!host.isAppDocument(win.webContents.getURL())) return;
    win.webContents.send(IPC_EVENT_CHANNEL, { event, payload });
  });

  return () => {
    for (const name of API_CALL_NAMES) ipcMain.removeHandler(ipcChannel(name));
    if (typeof stopEvents === 'function') stopEvents();
  };
}
