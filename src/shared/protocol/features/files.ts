/**
 * Files and images in conversations (docs/PROTOCOL.md §18).
 *
 * How bytes travel, and why: the chat connection carries only small JSON frames (asking to
 * upload, attaching a finished file to a message). The bytes themselves go over a separate TCP
 * connection to the same host and the server's transfer port (`FileLimits.transferPort` in the
 * welcome), a *transfer connection*, whose first frame is `upload` or `download` instead of
 * `hello`; after the server's `*_ready` frame the connection carries raw bytes. Chat frames are
 * therefore never queued behind file bytes on one socket (TCP's own flow control paces each
 * transfer), and no base64 inflates the data. The port is a second one because the server serves
 * transfers in a thread of their own, off the chat event loop (docs/PROTOCOL.md §18.1).
 *
 *   chat connection      file_upload  → { upload: {id, offset} } | { file } (already complete)
 *   transfer connection  upload {credentials, upload, offset} → upload_ready {offset}
 *                        … exactly size − offset raw bytes … then the frame upload_finish {sha256}
 *                        → upload_done {file} | error (hash_mismatch, size_mismatch, …), close
 *   transfer connection  download {credentials, file, variant, offset, length?}
 *                        → download_ready {size, offset, length, sha256, type} … raw bytes …, close
 *   chat connection      send {…, attachments: [fileId, …]}: the message carries the files
 *
 * Files are content-addressed on the server by SHA-256 (sent twice, stored once); the sender
 * states the hash after the bytes, the server checks it, the receiver checks it again.
 */
import { z } from 'zod';
import { MAX_CLIENT_ID_CHARS } from '../constants.ts';
import { entityId, requestId, wireString } from '../fields.ts';

/** Hard caps of the wire format (a server's configured limits are at or below these). */
export const MAX_FILES_PER_MESSAGE_CAP = 32;
/** A thumbnail is a small WebP, JPEG or PNG of at most 800 × 800 pixels, sent inline as base64. */
export const MAX_THUMB_BYTES = 512 * 1024;
export const MAX_THUMB_EDGE = 800;
/**
 * File names as sent: bounded before the server sanitizes them (docs/PROTOCOL.md §18.6), which
 * trims them to 255 UTF-8 bytes keeping the extension; so a longer name is shortened, not refused.
 */
export const MAX_FILE_NAME_CHARS = 1024;
/** Images above this many pixels get no preview (decoding them would cost too much memory). */
export const MAX_PREVIEW_PIXELS = 50_000_000;
/** Largest size a file can announce at all (a server's `maxFileBytes` is what really applies). */
export const MAX_FILE_BYTES_CAP = 2 ** 50;

/** Lowercase hex SHA-256. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

/** What kind of preview a file gets: decided by the server from the file's first bytes. */
export type FileKind = 'image' | 'video' | 'file';

/** A stored file as messages carry it (`ChatMessage.attachments`). */
export interface FileInfo {
  /** Server-issued id ("f_…"); what `download` and `send.attachments` name. */
  id: string;
  /** The name, sanitized by the server (safe on every OS); show it as text, never as markup. */
  name: string;
  size: number;
  /** Lowercase hex SHA-256 of the content: the receiver checks the bytes against it. */
  sha256: string;
  /**
   * The media type decided by the server from magic bytes (never from the name), e.g.
   * "image/png", "video/mp4", "application/pdf"; "application/octet-stream" when unknown.
   */
  type: string;
  kind: FileKind;
  /** Pixel dimensions, for images and videos: known before anything loads, so no layout jump. */
  width?: number;
  height?: number;
  /** A preview (for a video: its poster frame), when the sender supplied a valid one. */
  thumb?: { type: 'image/webp' | 'image/jpeg' | 'image/png'; width: number; height: number; size: number };
}

/** Dimensions a client states (only used for videos: the server reads images itself). */
const dimension = z.number().int().min(1).max(65_535);

/**
 * Chat connection: ask to upload one file to a conversation. Checked against every limit before a
 * byte is sent (file_too_large, storage_full, disk_full, too_many_uploads). The same `key` from
 * the same user names the same upload: asking again resumes it (the reply says from which
 * offset), or answers the finished file, so an upload happens exactly once.
 */
export const fileUploadFrame = z
  .object({
    type: z.literal('file_upload'),
    id: requestId,
    room: entityId.optional(),
    user: entityId.optional(),
    /** Client-chosen, like send.msgId. */
    key: wireString().min(1).max(MAX_CLIENT_ID_CHARS),
    name: wireString().min(1).max(MAX_FILE_NAME_CHARS),
    size: z.number().int().min(0).max(MAX_FILE_BYTES_CAP),
    /** Optional preview made by the sender: base64 of a WebP, JPEG or PNG, ≤ 800 px a side. */
    thumb: z
      .object({
        data: z.base64().max(Math.ceil(MAX_THUMB_BYTES / 3) * 4),
        width: z.number().int().min(1).max(MAX_THUMB_EDGE),
        height: z.number().int().min(1).max(MAX_THUMB_EDGE),
      })
      .optional(),
    /** For a video, its dimensions as the sender's player reported them. */
    width: dimension.optional(),
    height: dimension.optional(),
  })
  .refine((f) => (f.room === undefined) !== (f.user === undefined), {
    message: 'exactly one of room or user is required',
  });

/** Chat connection: give up an upload that is not finished; its partial bytes are deleted. */
export const fileCancelFrame = z.object({
  type: z.literal('file_cancel'),
  id: requestId,
  upload: entityId,
});

export const FILE_REQUESTS = { file_upload: fileUploadFrame, file_cancel: fileCancelFrame } as const;

export interface FileResults {
  /** Either an upload to continue from `offset`, or the file when this key's upload is complete. */
  file_upload: { upload: { id: string; offset: number; size: number } } | { file: FileInfo };
  file_cancel: Record<string, never>;
}

/** Credentials as the welcome issued them: a transfer connection proves who is asking. */
const credentials = z.object({ userId: entityId, token: wireString().min(1).max(128) }).strict();

/** The first frame of a transfer connection that uploads. */
export const uploadOpenFrame = z.object({
  type: z.literal('upload'),
  protocol: z.number().int(),
  credentials,
  upload: entityId,
  /** Must equal the bytes the server holds (the file_upload reply's offset). */
  offset: z.number().int().min(0).max(MAX_FILE_BYTES_CAP),
});

/** Sent on an upload's transfer connection right after its last raw byte. */
export const uploadFinishFrame = z.object({ type: z.literal('upload_finish'), sha256: sha256Hex });

/** The first frame of a transfer connection that downloads. */
export const downloadOpenFrame = z.object({
  type: z.literal('download'),
  protocol: z.number().int(),
  credentials,
  file: entityId,
  /** `thumb` is the preview (file_not_found when there is none). */
  variant: z.enum(['original', 'thumb']).default('original'),
  offset: z.number().int().min(0).max(MAX_FILE_BYTES_CAP).default(0),
  /** Bytes wanted from `offset`; absent means to the end. */
  length: z.number().int().min(0).max(MAX_FILE_BYTES_CAP).optional(),
});

/** First frames of a transfer connection, and the frame an upload ends with. */
export const TRANSFER_FRAMES = {
  upload: uploadOpenFrame,
  download: downloadOpenFrame,
  upload_finish: uploadFinishFrame,
} as const;
export type UploadOpenFrame = z.infer<typeof uploadOpenFrame>;
export type DownloadOpenFrame = z.infer<typeof downloadOpenFrame>;

/** Server → client on a transfer connection. Errors are ordinary `error` frames, then close. */
export interface UploadReadyFrame {
  type: 'upload_ready';
  offset: number;
}
export interface UploadDoneFrame {
  type: 'upload_done';
  file: FileInfo;
}
export interface DownloadReadyFrame {
  type: 'download_ready';
  /** The file as messages carry it (name, kind, dimensions …). */
  file: FileInfo;
  variant: 'original' | 'thumb';
  /** Size of the whole variant; `length` raw bytes from `offset` follow this frame. */
  size: number;
  offset: number;
  length: number;
  /** SHA-256 of the whole variant. */
  sha256: string;
  /** Media type of the variant. */
  mediaType: string;
}

/** The file limits a server announces in `welcome.limits.files`: check before sending. */
export interface FileLimits {
  maxFileBytes: number;
  maxFilesPerMessage: number;
  maxUploadsInFlight: number;
  /** Downloads (transfer connections) of one user at once; more are refused too_many_downloads. */
  maxDownloadsInFlight: number;
  /**
   * The TCP port transfer connections go to, on the same host as the chat connection (§18.1).
   * The server's transfer thread listens there, so file bytes never queue behind chat frames.
   */
  transferPort: number;
}
