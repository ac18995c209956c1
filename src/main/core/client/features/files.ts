/**
 * Files (docs/PROTOCOL.md §18): asking to upload and cancelling on the chat connection, and the
 * transfer connections that carry the bytes (../transfer). Attaching finished files to a message
 * is `sendMessage(…, attachments)` (messages.ts).
 */
import type { RequestResults } from '../../../../shared/protocol/server-frames.ts';
import type { Target } from '../target.ts';
import { openDownload, type Download, type DownloadRequest } from '../transfer/download-stream.ts';
import { UploadWriter } from '../transfer/upload-writer.ts';
import type { ClientContext, RequestArgs } from './context.ts';

/** What `file_upload` asks besides the conversation: key, name, size, optional preview and dimensions. */
export type UploadAsk = Omit<RequestArgs<'file_upload'>, 'room' | 'user'>;

export function fileMethods(ctx: ClientContext) {
  return {
    /**
     * Starts an upload to a conversation, or resumes the one with this key: the reply says from
     * which offset to send (`upload`), or has the file when that key's upload is complete. Every
     * server limit is checked here, before any byte is sent.
     */
    fileUpload(target: Target, ask: UploadAsk): Promise<RequestResults['file_upload']> {
      return ctx.request('file_upload', { ...target, ...ask });
    },

    /** Gives up an unfinished upload; the server deletes its bytes. */
    async fileCancel(uploadId: string): Promise<void> {
      await ctx.request('file_cancel', { upload: uploadId });
    },

    /**
     * Opens a transfer connection to send an upload's bytes from `offset` (the offset the
     * `file_upload` reply gave). Write the chunks in order, then `finish(sha256)`.
     */
    openUpload(uploadId: string, offset: number): Promise<UploadWriter> {
      return UploadWriter.open(ctx.transfer, uploadId, offset);
    },

    /** Opens a transfer connection that reads a file (or its preview) from `offset`. */
    download(fileId: string, request: DownloadRequest = {}): Promise<Download> {
      return openDownload(ctx.transfer, fileId, request);
    },
  };
}

export type FileMethods = ReturnType<typeof fileMethods>;
