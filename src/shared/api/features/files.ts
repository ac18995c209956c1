/**
 * Files and images: uploading (driven by the UI, which holds the File), downloading (desktop: to
 * a folder, by the main process; browser: through the browser), previews by URL.
 *
 * An upload, as the renderer's upload driver runs it in both builds:
 *   beginUpload → { upload: {id, offset} }   (or { file } when this key's upload is complete)
 *   writeUpload(offset, chunk) … repeatedly; the last chunk carries the SHA-256 → { file }
 *   sendMessage(…, attachments: [file.id])
 * A writeUpload that fails with `transfer_interrupted` (connection lost) is resumed by calling
 * beginUpload again with the same key, which answers the offset the server holds.
 * In Electron writeUpload is an IPC call with the bytes; in the browser build the API object
 * sends the same call as an HTTP PUT (the WebSocket carries JSON only): see web-api.ts.
 */
import { z } from 'zod';
import { MAX_CLIENT_ID_CHARS } from '../../protocol/constants.ts';
import {
  MAX_FILE_BYTES_CAP,
  MAX_FILE_NAME_CHARS,
  MAX_THUMB_BYTES,
  MAX_THUMB_EDGE,
  sha256Hex,
  type FileInfo,
} from '../../protocol/features/files.ts';
import { conversationTarget, entityId, serverKey } from './fields.ts';

/** Largest chunk one writeUpload may carry (IPC and HTTP bodies are bounded by it). */
export const MAX_UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

const byteOffset = z.number().int().min(0).max(MAX_FILE_BYTES_CAP);
/** A download the session runs (desktop). */
const downloadId = z.string().min(1).max(64);

export const uploadRequest = z
  .object({
    /** Client-chosen; the same key resumes the same upload. */
    key: z.string().min(1).max(MAX_CLIENT_ID_CHARS),
    name: z.string().min(1).max(MAX_FILE_NAME_CHARS),
    size: byteOffset,
    thumb: z
      .object({
        /** base64 of a WebP, JPEG or PNG. */
        data: z.string().max(Math.ceil(MAX_THUMB_BYTES / 3) * 4),
        width: z.number().int().min(1).max(MAX_THUMB_EDGE),
        height: z.number().int().min(1).max(MAX_THUMB_EDGE),
      })
      .strict()
      .optional(),
    /** Video dimensions from the sender's player. */
    width: z.number().int().min(1).max(65_535).optional(),
    height: z.number().int().min(1).max(65_535).optional(),
  })
  .strict();
export type UploadRequest = z.infer<typeof uploadRequest>;

export const FILE_ARGS = {
  /** Starts (or resumes) an upload to a conversation; every server limit is checked here. */
  beginUpload: z.tuple([serverKey, conversationTarget, uploadRequest]),
  /**
   * Writes `bytes` at `offset` of an upload. The chunk that ends the file must carry the file's
   * SHA-256; its result has the stored file. Rejects with `transfer_interrupted` when the
   * connection was lost (resume with beginUpload), or the server's code.
   */
  writeUpload: z.tuple([
    serverKey,
    entityId,
    byteOffset,
    z.instanceof(Uint8Array).refine((b) => b.byteLength <= MAX_UPLOAD_CHUNK_BYTES, 'chunk too large'),
    sha256Hex.optional(),
  ]),
  /** Gives up an unfinished upload; the server deletes its partial bytes. */
  cancelUpload: z.tuple([serverKey, entityId]),
  /**
   * Desktop: downloads a file into the Downloads folder (or asks where, per the setting), with a
   * unique name, verified against its SHA-256, resumed after a lost connection. Progress comes as
   * `downloadChanged` events. Browser: starts the browser's own download.
   */
  downloadFile: z.tuple([serverKey, entityId]),
  cancelDownload: z.tuple([downloadId]),
  /** Opens a finished download with the system's default app (desktop). */
  openDownload: z.tuple([downloadId]),
  /** Shows a finished download in its folder (desktop). */
  showDownload: z.tuple([downloadId]),
  /** A URL the page can load as `<img>`/`<video>` src for a file (original) or its preview. */
  mediaUrl: z.tuple([serverKey, entityId, z.enum(['original', 'thumb'])]),
  getFileSettings: z.tuple([]),
  setFileSettings: z.tuple([z.object({ askWhereToSave: z.boolean() }).strict()]),
} as const;

export type BeginUploadResult = { upload: { id: string; offset: number; size: number } } | { file: FileInfo };

export interface DownloadView {
  id: string;
  server: string;
  fileId: string;
  /** The file's name as stored on this disk (may differ from the sender's: unique, sanitized). */
  name: string;
  size: number;
  received: number;
  /** Bytes per second, smoothed; 0 when not moving. */
  bytesPerSecond: number;
  state: 'active' | 'waiting' | 'done' | 'failed' | 'canceled';
  /** Why it failed (hash_mismatch, file_not_found, disk errors …). */
  error?: { code: string; message: string };
}

export interface FileSettings {
  /** Desktop: ask where to save each download instead of using the Downloads folder. */
  askWhereToSave: boolean;
}

export interface FileResults {
  beginUpload: BeginUploadResult;
  writeUpload: { offset: number; file?: FileInfo };
  cancelUpload: void;
  downloadFile: DownloadView | null;
  cancelDownload: void;
  openDownload: void;
  showDownload: void;
  mediaUrl: string;
  getFileSettings: FileSettings;
  setFileSettings: FileSettings;
}

export interface FileEvents {
  /** A download started, moved, finished, failed or was cancelled. */
  downloadChanged: DownloadView;
}
