/**
 * What the session offers the two places that serve file bytes to the page, which are not app
 * calls (their bytes are no JSON): the browser gateway's HTTP routes (src/main/core/web) and the
 * desktop's media protocol (src/main/media-protocol.ts). Both read a file through the session's
 * own connection and credentials, so a page can only ever read what its user may read.
 */
import type { Readable } from 'node:stream';
import type { FileInfo } from '../../../shared/protocol/server-frames.ts';
import type { ParleyClient } from '../client/parley-client.ts';

export type MediaVariant = 'original' | 'thumb';

/** A byte range of a file (or its preview), as the server answered a download. */
export interface MediaStream {
  file: FileInfo;
  variant: MediaVariant;
  /** Size and SHA-256 of the whole variant (the preview's own for `thumb`). */
  size: number;
  sha256: string;
  /** Media type of the variant, decided by the server from magic bytes. */
  mediaType: string;
  offset: number;
  length: number;
  /** The `length` bytes; destroy it to stop the download (the transfer connection closes). */
  body: Readable;
}

/** Options of a SessionManager that serves media and downloads files (both optional). */
export interface MediaOptions {
  /** How the page addresses a file: an http path (gateway) or a parley-media: URL (desktop). */
  mediaUrl?: (serverKey: string, fileId: string, variant: MediaVariant) => string;
  /** Desktop only: downloads into folders and opening what was downloaded. */
  desktop?: DesktopFiles;
}

export interface DesktopFiles {
  /** The OS Downloads folder. */
  downloadsDir(): string;
  /** "Ask where to save": a save dialog with this suggested path; null when cancelled. */
  chooseSavePath(suggestedPath: string): Promise<string | null>;
  /** Opens a file with the system's default app (Electron shell.openPath). */
  openPath(path: string): Promise<void>;
  /** Shows a file in its folder (Electron shell.showItemInFolder). */
  showInFolder(path: string): void;
}

/**
 * Reads a byte range of a file (or its preview) with `client`: one transfer connection, whose
 * body the caller pipes to the page. Rejects with the client's error (the caller maps it).
 */
export async function openMediaStream(
  client: ParleyClient,
  fileId: string,
  variant: MediaVariant,
  range: { offset: number; length?: number } = { offset: 0 },
): Promise<MediaStream> {
  const request = range.length === undefined ? { variant, offset: range.offset } : { variant, ...range };
  const { ready, body } = await client.download(fileId, request);
  return {
    file: ready.file,
    variant: ready.variant,
    size: ready.size,
    sha256: ready.sha256,
    mediaType: ready.mediaType,
    offset: ready.offset,
    length: ready.length,
    body,
  };
}
