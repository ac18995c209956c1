/**
 * File commands: putting files in a composer's tray (checked against the server's limits),
 * sending a message with them (each file uploaded by an UploadDriver, then the message sent with
 * their ids), cancel and retry, downloads (desktop), and the URLs previews load from.
 *
 * What cannot live in the store (the File objects' drivers, running uploads, URL promises) is
 * kept per store in `contextOf`, so tests with their own store never share it.
 */
import type { ParleyApi } from '../../../../shared/api/contract.ts';
import type { FileInfo } from '../../../../shared/protocol/server-frames.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { messageUploaded, messageUploading, pendingDiscarded } from '../conversations/conversations-slice.ts';
import { retryMessage } from '../messages/messages-commands.ts';
import { newMessageId } from '../messages/msg-id.ts';
import { errorCode, errorMessage } from '../../lib/describe-error.ts';
import { toastShown } from '../../state/ui-slice.ts';
import type { AppStore } from '../../state/store.ts';
import { CHUNK_BYTES, checkNewFiles, fileLimitsOf, uploadSlots } from './file-limits.ts';
import {
  downloadChanged,
  outgoingQueued,
  outgoingSettled,
  trayFileRemoved,
  trayFilesAdded,
  trayPreviewMade,
  uploadChanged,
  uploadRemoved,
  type TrayFile,
  type UploadView,
} from './files-slice.ts';
import { makePreview, type Preview } from './thumbnail.ts';
import { UploadDriver, UploadError, type UploadProgress } from './upload-driver.ts';

interface RunningUpload {
  file: File;
  preview: Promise<Preview | null>;
  driver: UploadDriver | null;
}

interface FilesContext {
  uploads: Map<string, RunningUpload>;
  previews: Map<string, Promise<Preview | null>>;
  /** Messages whose uploads are being worked through. */
  pumping: Set<string>;
  /** Uploads running per server, and those waiting for a slot. */
  slots: Map<string, { running: number; waiting: (() => void)[] }>;
}

const contexts = new WeakMap<AppStore, FilesContext>();

function contextOf(store: AppStore): FilesContext {
  let context = contexts.get(store);
  if (!context) {
    context = { uploads: new Map(), previews: new Map(), pumping: new Set(), slots: new Map() };
    contexts.set(store, context);
  }
  return context;
}

/** Chunk size of new uploads (tests make it small to see several chunks of a small file). */
let chunkBytes = CHUNK_BYTES;
export function setUploadChunkBytes(bytes: number): void {
  chunkBytes = bytes;
}

/**
 * After a lost connection: how long the driver waits for the servers slice to say the server
 * went away before it simply tries again (the API may report the loss before the slice hears).
 */
const RECONNECT_GRACE_MS = 1500;

function newClientId(prefix: string): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `${prefix}-${hex}`;
}

/** A name for a pasted picture, which comes without one ("pasted-image.png"). */
function pastedName(type: string): string {
  const extension = /^image\/(png|jpeg|gif|webp|avif)$/u.exec(type)?.[1];
  return extension === undefined ? 'pasted-file' : `pasted-image.${extension === 'jpeg' ? 'jpg' : extension}`;
}

// ── the tray ─────────────────────────────────────────────────────────────────────────────────

/** Adds picked, dropped or pasted files to a conversation's tray, as far as the server's limits allow. */
export function addFilesToTray(store: AppStore, key: ConversationKey, files: readonly File[]): void {
  const state = store.getState();
  const meta = state.conversations[key];
  if (!meta || files.length === 0) return;
  const limits = fileLimitsOf(state.servers[meta.server]);
  const check = checkNewFiles(limits, state.trays[key]?.length ?? 0, files);
  const context = contextOf(store);
  const added: TrayFile[] = check.accepted.map((file) => ({
    id: newClientId('t'),
    file,
    name: file.name === '' ? pastedName(file.type) : file.name,
    size: file.size,
    type: file.type,
    preview: undefined,
  }));
  trayFilesAdded(store, key, added, check.problem);
  for (const item of added) {
    const preview = makePreview(item.file);
    context.previews.set(item.id, preview);
    void preview.then((made) => trayPreviewMade(store, key, item.id, made));
  }
}

export function removeFromTray(store: AppStore, key: ConversationKey, id: string): void {
  contextOf(store).previews.delete(id);
  trayFileRemoved(store, key, id);
}

// ── sending ──────────────────────────────────────────────────────────────────────────────────

/**
 * Sends the tray's files with `text` (checked already; may be ""): the message shows at once as
 * pending with each file's progress, the files upload one after another, then it is sent.
 */
export function sendWithFiles(api: ParleyApi, store: AppStore, key: ConversationKey, text: string): void {
  const state = store.getState();
  const meta = state.conversations[key];
  const tray = state.trays[key] ?? [];
  if (!meta || tray.length === 0) return;
  const context = contextOf(store);
  const msgId = newMessageId();
  const uploads: UploadView[] = tray.map((item) => {
    const uploadKey = newClientId('f');
    const preview = context.previews.get(item.id) ?? makePreview(item.file);
    context.previews.delete(item.id);
    context.uploads.set(uploadKey, { file: item.file, preview, driver: null });
    const view: UploadView = {
      key: uploadKey,
      msgId,
      name: item.name,
      size: item.size,
      type: item.type,
      previewUrl: item.preview?.dataUrl ?? null,
      status: 'queued',
      sent: 0,
      bytesPerSecond: 0,
      error: null,
      fileId: null,
    };
    if (item.preview) {
      view.width = item.preview.width;
      view.height = item.preview.height;
    }
    return view;
  });
  messageUploading(store, key, msgId, text);
  outgoingQueued(
    store,
    {
      msgId,
      conversation: key,
      server: meta.server,
      target: meta.kind === 'room' ? { room: meta.id } : { user: meta.id },
      text,
      uploads: uploads.map((u) => u.key),
    },
    uploads,
  );
  void pump(api, store, msgId);
}

/** Works through a message's uploads in order; sends the message when all are stored. */
async function pump(api: ParleyApi, store: AppStore, msgId: string): Promise<void> {
  const context = contextOf(store);
  if (context.pumping.has(msgId)) return;
  context.pumping.add(msgId);
  try {
    for (;;) {
      const state = store.getState();
      const message = state.outgoing[msgId];
      if (!message) return;
      const next = message.uploads.map((k) => state.uploads[k]).find((u) => u !== undefined && u.status !== 'done');
      if (next === undefined) {
        finishMessage(api, store, msgId);
        return;
      }
      // A failed file waits for Retry (or to be taken out of the message).
      if (next.status === 'failed') return;
      await uploadOne(api, store, message.server, next.key);
    }
  } finally {
    context.pumping.delete(msgId);
  }
}

function finishMessage(api: ParleyApi, store: AppStore, msgId: string): void {
  const state = store.getState();
  const message = state.outgoing[msgId];
  if (!message) return;
  const ids = message.uploads.map((k) => state.uploads[k]?.fileId).filter((id): id is string => typeof id === 'string');
  if (ids.length === 0 && message.text.trim() === '') {
    // Every file was taken out and there is no text: nothing is left to send.
    pendingDiscarded(store, msgId);
    outgoingSettled(store, msgId);
    return;
  }
  messageUploaded(store, msgId, ids);
  retryMessage(api, store, msgId);
}

async function uploadOne(api: ParleyApi, store: AppStore, server: string, key: string): Promise<void> {
  const context = contextOf(store);
  const running = context.uploads.get(key);
  const view = store.getState().uploads[key];
  const message = view && store.getState().outgoing[view.msgId];
  if (!running || !view || !message) return;
  await acquireSlot(store, server);
  try {
    if (!store.getState().uploads[key]) return; // cancelled while queued
    if (!running.driver) {
      const preview = await running.preview;
      running.driver = new UploadDriver(
        {
          server,
          target: message.target,
          key,
          file: running.file,
          name: view.name,
          ...(preview ? { thumb: preview.thumb } : {}),
          ...(preview?.video ? { width: preview.width, height: preview.height } : {}),
        },
        {
          api,
          chunkBytes,
          waitUntilConnected: (s, signal) => waitUntilConnected(store, s, signal),
          onProgress: (progress: UploadProgress) =>
            uploadChanged(store, key, {
              status: progress.phase,
              sent: progress.sent,
              bytesPerSecond: progress.bytesPerSecond,
              error: null,
            }),
        },
      );
    }
    const file: FileInfo = await running.driver.run();
    uploadChanged(store, key, { status: 'done', sent: file.size, fileId: file.id, bytesPerSecond: 0, error: null });
  } catch (error) {
    const code = error instanceof UploadError ? error.code : (errorCode(error) ?? 'internal');
    if (code === 'canceled' || !store.getState().uploads[key]) return;
    uploadChanged(store, key, { status: 'failed', bytesPerSecond: 0, error: { code, message: errorMessage(error) } });
  } finally {
    releaseSlot(store, server);
  }
}

async function acquireSlot(store: AppStore, server: string): Promise<void> {
  const context = contextOf(store);
  let slot = context.slots.get(server);
  if (!slot) context.slots.set(server, (slot = { running: 0, waiting: [] }));
  const limit = uploadSlots(fileLimitsOf(store.getState().servers[server]));
  if (slot.running < limit) {
    slot.running++;
    return;
  }
  await new Promise<void>((resolve) => slot.waiting.push(resolve));
}

function releaseSlot(store: AppStore, server: string): void {
  const slot = contextOf(store).slots.get(server);
  if (!slot) return;
  const next = slot.waiting.shift();
  if (next)
    next(); // the slot passes straight to the next upload
  else slot.running = Math.max(0, slot.running - 1);
}

/**
 * Resolves when `server` is connected again after a lost connection: once the servers slice saw
 * it away and back, or — if the slice never heard of the loss — after a short grace.
 */
export function waitUntilConnected(store: AppStore, server: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const connected = () => store.getState().servers[server]?.status === 'connected';
    let sawDown = !connected();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (ok: boolean) => {
      unsubscribe();
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (ok) resolve();
      else reject(new UploadError('canceled', 'The upload was cancelled.'));
    };
    const onAbort = () => finish(false);
    const unsubscribe = store.subscribe(() => {
      if (!connected()) sawDown = true;
      else if (sawDown) finish(true);
    });
    signal.addEventListener('abort', onAbort);
    if (signal.aborted) return finish(false);
    if (!sawDown) {
      timer = setTimeout(() => {
        if (connected()) finish(true);
      }, RECONNECT_GRACE_MS);
    }
  });
}

/** Retry of a failed file: the same key, so the server continues from what it holds. */
export function retryUpload(api: ParleyApi, store: AppStore, key: string): void {
  const view = store.getState().uploads[key];
  if (!view || view.status !== 'failed') return;
  uploadChanged(store, key, { status: 'queued', error: null });
  void pump(api, store, view.msgId);
}

/** Takes one file out of a pending message; the server deletes what it holds of it. */
export function cancelUpload(api: ParleyApi, store: AppStore, key: string): void {
  const context = contextOf(store);
  const view = store.getState().uploads[key];
  if (!view) return;
  context.uploads.get(key)?.driver?.cancel();
  context.uploads.delete(key);
  uploadRemoved(store, key);
  void pump(api, store, view.msgId);
}

/** Gives up a whole pending message with files: every upload stops, the message goes. */
export function cancelOutgoing(store: AppStore, msgId: string): void {
  const context = contextOf(store);
  const message = store.getState().outgoing[msgId];
  if (!message) return;
  for (const key of message.uploads) {
    context.uploads.get(key)?.driver?.cancel();
    context.uploads.delete(key);
  }
  outgoingSettled(store, msgId);
  pendingDiscarded(store, msgId);
}

/** The message was confirmed (or discarded): forget its uploads. */
export function outgoingDone(store: AppStore, msgId: string): void {
  const context = contextOf(store);
  for (const key of store.getState().outgoing[msgId]?.uploads ?? []) context.uploads.delete(key);
  outgoingSettled(store, msgId);
}

// ── downloads ────────────────────────────────────────────────────────────────────────────────

/**
 * Downloads a file. Desktop: main saves it (Downloads folder, or asks where) and reports
 * progress as `downloadChanged`; browser: the browser's own download starts, with its own UI.
 */
export async function downloadFile(api: ParleyApi, store: AppStore, server: string, file: FileInfo): Promise<void> {
  try {
    const view = await api.downloadFile(server, file.id);
    if (view) downloadChanged(store, view);
  } catch (error) {
    toastShown(store, `Could not download “${file.name}”: ${errorMessage(error)}`);
  }
}

export function cancelDownload(api: ParleyApi, store: AppStore, id: string): void {
  api.cancelDownload(id).catch((error: unknown) => toastShown(store, `Could not cancel: ${errorMessage(error)}`));
}

export function openDownload(api: ParleyApi, store: AppStore, id: string): void {
  api.openDownload(id).catch((error: unknown) => toastShown(store, `Could not open the file: ${errorMessage(error)}`));
}

export function showDownload(api: ParleyApi, store: AppStore, id: string): void {
  api.showDownload(id).catch((error: unknown) => toastShown(store, `Could not show the file: ${errorMessage(error)}`));
}

// ── preview URLs ─────────────────────────────────────────────────────────────────────────────

const mediaUrls = new WeakMap<ParleyApi, Map<string, Promise<string | null>>>();

/** The URL an <img>/<video> loads a file (or its preview) from; asked once per file and variant. */
export function mediaUrl(
  api: ParleyApi,
  server: string,
  fileId: string,
  variant: 'original' | 'thumb',
): Promise<string | null> {
  let cache = mediaUrls.get(api);
  if (!cache) mediaUrls.set(api, (cache = new Map()));
  const key = `${server}|${fileId}|${variant}`;
  let url = cache.get(key);
  if (!url) {
    url = api.mediaUrl(server, fileId, variant).then(
      (value) => (typeof value === 'string' && value !== '' ? value : null),
      () => {
        cache.delete(key); // asked again next time (e.g. after a reconnect)
        return null;
      },
    );
    cache.set(key, url);
  }
  return url;
}

/**
 * Forgets the URL asked for this file and variant, so that the next `mediaUrl` asks the API
 * again. A browser tab's URLs name its WebSocket session (docs/PROTOCOL.md has nothing to do with
 * it: the gateway's /api/files/<tab token>/…), which ends when the connection does: after a
 * reconnect the old URLs answer 404 until they are asked for again.
 */
export function forgetMediaUrl(api: ParleyApi, server: string, fileId: string, variant: 'original' | 'thumb'): void {
  mediaUrls.get(api)?.delete(`${server}|${fileId}|${variant}`);
}
