/**
 * Files slice: files waiting in each composer's tray, the uploads of messages being sent, the
 * downloads this app runs (desktop), and the full view (lightbox).
 *
 * A message with files: Enter moves the tray's files into `outgoing[msgId]` and their uploads
 * into `uploads`; the conversation shows the message as pending ('uploading') with each file's
 * progress. When every file is stored the message is sent with their ids, and its `message`
 * event (the message confirmed) removes both entries: from then on the timeline shows the
 * stored message with its attachments.
 */
import type { ConversationTarget, DownloadView } from '../../../../shared/api/contract.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import type { AppStore } from '../../state/store.ts';
import type { Preview } from './thumbnail.ts';
import type { UploadPhase } from './upload-driver.ts';

/** A file picked, dropped or pasted, not sent yet. */
export interface TrayFile {
  id: string;
  file: File;
  name: string;
  size: number;
  /** The browser's guess from the name (for the icon only). */
  type: string;
  /** undefined while it is being made; null when the file gets none. */
  preview: Preview | null | undefined;
}

export type UploadStatus = UploadPhase | 'queued' | 'done' | 'failed' | 'canceled';

export interface UploadView {
  /** The upload's key (client-chosen; the same for every attempt). */
  key: string;
  msgId: string;
  name: string;
  size: number;
  type: string;
  /** The local preview (a data: URL) while the message is pending. */
  previewUrl: string | null;
  width?: number;
  height?: number;
  status: UploadStatus;
  sent: number;
  bytesPerSecond: number;
  error: { code: string; message: string } | null;
  /** Set once stored. */
  fileId: string | null;
}

export interface OutgoingMessage {
  msgId: string;
  conversation: ConversationKey;
  server: string;
  target: ConversationTarget;
  text: string;
  /** Its uploads' keys, in the order the files were added. */
  uploads: string[];
}

export interface FileViewer {
  conversation: ConversationKey;
  /** The server's file id of the image shown. */
  fileId: string;
}

export interface FilesState {
  trays: Record<ConversationKey, TrayFile[]>;
  /** Why files were not added to a tray (too large, too many): shown until the tray changes. */
  trayProblems: Record<ConversationKey, string>;
  uploads: Record<string, UploadView>;
  outgoing: Record<string, OutgoingMessage>;
  /** Downloads by `${server}|${fileId}` (the latest of each file). */
  downloads: Record<string, DownloadView>;
  viewer: FileViewer | null;
}

export function initialFilesState(): FilesState {
  return { trays: {}, trayProblems: {}, uploads: {}, outgoing: {}, downloads: {}, viewer: null };
}

export const EMPTY_TRAY: readonly TrayFile[] = Object.freeze([]);

export function downloadKey(server: string, fileId: string): string {
  return `${server}|${fileId}`;
}

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

export function trayFilesAdded(store: AppStore, key: ConversationKey, files: TrayFile[], problem: string | null): void {
  store.setState((s) => ({
    trays: files.length === 0 ? s.trays : { ...s.trays, [key]: [...(s.trays[key] ?? []), ...files] },
    trayProblems: problem === null ? withoutKey(s.trayProblems, key) : { ...s.trayProblems, [key]: problem },
  }));
}

export function trayFileRemoved(store: AppStore, key: ConversationKey, id: string): void {
  store.setState((s) => {
    const tray = s.trays[key] ?? [];
    const next = tray.filter((f) => f.id !== id);
    return {
      trays: next.length === 0 ? withoutKey(s.trays, key) : { ...s.trays, [key]: next },
      trayProblems: withoutKey(s.trayProblems, key),
    };
  });
}

export function trayPreviewMade(store: AppStore, key: ConversationKey, id: string, preview: Preview | null): void {
  store.setState((s) => {
    const tray = s.trays[key];
    if (!tray?.some((f) => f.id === id)) return s;
    return { trays: { ...s.trays, [key]: tray.map((f) => (f.id === id ? { ...f, preview } : f)) } };
  });
}

export function trayProblemCleared(store: AppStore, key: ConversationKey): void {
  store.setState((s) => (key in s.trayProblems ? { trayProblems: withoutKey(s.trayProblems, key) } : s));
}

/** Enter with files: the tray becomes an outgoing message with one queued upload per file. */
export function outgoingQueued(store: AppStore, message: OutgoingMessage, uploads: UploadView[]): void {
  store.setState((s) => {
    const next = { ...s.uploads };
    for (const upload of uploads) next[upload.key] = upload;
    return {
      outgoing: { ...s.outgoing, [message.msgId]: message },
      uploads: next,
      trays: withoutKey(s.trays, message.conversation),
      trayProblems: withoutKey(s.trayProblems, message.conversation),
    };
  });
}

export function uploadChanged(store: AppStore, key: string, patch: Partial<UploadView>): void {
  store.setState((s) => {
    const current = s.uploads[key];
    if (!current) return s;
    return { uploads: { ...s.uploads, [key]: { ...current, ...patch } } };
  });
}

/** One file taken out of a pending message (cancelled). */
export function uploadRemoved(store: AppStore, key: string): void {
  store.setState((s) => {
    const upload = s.uploads[key];
    if (!upload) return s;
    const message = s.outgoing[upload.msgId];
    return {
      uploads: withoutKey(s.uploads, key),
      outgoing: message
        ? { ...s.outgoing, [message.msgId]: { ...message, uploads: message.uploads.filter((k) => k !== key) } }
        : s.outgoing,
    };
  });
}

/** The message was stored (or discarded): its uploads are history. */
export function outgoingSettled(store: AppStore, msgId: string): void {
  store.setState((s) => {
    const message = s.outgoing[msgId];
    if (!message) return s;
    let uploads = s.uploads;
    for (const key of message.uploads) uploads = withoutKey(uploads, key);
    return { outgoing: withoutKey(s.outgoing, msgId), uploads };
  });
}

export function downloadChanged(store: AppStore, view: DownloadView): void {
  store.setState((s) => ({ downloads: { ...s.downloads, [downloadKey(view.server, view.fileId)]: view } }));
}

export function viewerOpened(store: AppStore, viewer: FileViewer): void {
  store.setState({ viewer });
}

export function viewerClosed(store: AppStore): void {
  store.setState((s) => (s.viewer === null ? s : { viewer: null }));
}
