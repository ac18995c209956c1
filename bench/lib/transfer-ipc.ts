/**
 * The messages between the transfer benchmark (bench/transfer.ts, through lib/transfer-load.ts)
 * and its transfer clients (lib/transfer-client.ts, one process per user), over the fork IPC
 * channel. Times are measured in the child (its own process.hrtime): only durations cross.
 */
import type { FileInfo } from '../../src/shared/protocol/server-frames.ts';

export interface ClientArgs {
  port: number;
  /** The user's name (a fresh user per process). */
  name: string;
  /** The room the user joins at once: uploads go there, downloads read its files. */
  room: string;
}

export type ToTransferClient =
  /**
   * Upload the file at `path` (read from disk in CHUNK_BYTES chunks, hashed as it is sent, the
   * hash stated in upload_finish); with `attach`, then send it to the room as a message's
   * attachment (so that the room's members may download it).
   */
  | { type: 'upload'; job: number; path: string; key: string; attach: boolean }
  /** Download `file` to the end, hashing what arrives; the digest must be `sha256` and the FileInfo's. */
  | { type: 'download'; job: number; file: string; sha256: string }
  | { type: 'stop' };

export type FromTransferClient =
  | { type: 'ready' }
  /** `seconds`: from asking file_upload to upload_done (the server's hash check and fsync included). */
  | { type: 'uploaded'; job: number; file: FileInfo; bytes: number; seconds: number }
  /** `seconds`: from opening the transfer connection to the last byte hashed and compared. */
  | { type: 'downloaded'; job: number; bytes: number; seconds: number }
  | { type: 'failed'; job: number; message: string }
  /** The user's chat connection was closed by the server (`code`: e.g. slow_consumer) or lost. */
  | { type: 'dropped'; code: string; message: string }
  /** The answer to stop: how often the chat connection went down in this process's life. */
  | { type: 'stopped'; drops: number };
