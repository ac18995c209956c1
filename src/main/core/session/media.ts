/**
 * What the session offers the two places that serve file bytes to the page, which are not app
 * calls (their bytes are no JSON): the browser gateway's HTTP routes (src/main/core/web) and the
 * desktop's media protocol (src/main/media-protocol.ts). Both read a file through the session's
 * own connection and credentials, so a page can only ever read what its user may read.
 */
import type { Readable } from 'node:stream';
import type { FileInfo } from '../../../shared/protocol/server-frames.ts';

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
