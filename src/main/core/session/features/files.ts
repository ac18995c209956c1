/**
 * Files: uploads the UI drives (../upload-writers.ts), desktop downloads into a folder
 * (../downloads.ts), preview URLs (the embedder's `mediaUrl`), and the file settings. The bytes
 * for the page itself are not an app call: SessionManager.openMedia (../media.ts).
 */
import type { ParleyApiCalls } from '../../../../shared/api/contract.ts';
import { ApiError } from '../../../../shared/api/proxy.ts';
import type { SessionContext } from './context.ts';

type FileCallName =
  | 'beginUpload'
  | 'writeUpload'
  | 'cancelUpload'
  | 'downloadFile'
  | 'cancelDownload'
  | 'openDownload'
  | 'showDownload'
  | 'mediaUrl'
  | 'getFileSettings'
  | 'setFileSettings';

export function fileCalls(ctx: SessionContext): Pick<ParleyApiCalls, FileCallName> {
  const downloads = () => {
    if (!ctx.downloads) throw new ApiError('not_supported', 'Downloads go through the browser here');
    return ctx.downloads;
  };
  const desktop = () => {
    if (!ctx.media.desktop) throw new ApiError('not_supported', 'Downloads go through the browser here');
    return ctx.media.desktop;
  };
  return {
    async beginUpload(server, target, request) {
      ctx.assertOpen();
      const result = await ctx.request(server, (client) => client.fileUpload(target, request));
      if ('upload' in result) ctx.uploads.begun(server, result.upload.id, result.upload.size);
      return result;
    },

    async writeUpload(server, uploadId, offset, bytes, sha256) {
      ctx.assertOpen();
      const entry = ctx.live.get(server);
      if (!entry || entry.status === 'failed') throw new ApiError('not_connected', `Not connected to ${server}`);
      return ctx.uploads.write(server, entry.client, uploadId, offset, bytes, sha256);
    },

    async cancelUpload(server, uploadId) {
      ctx.uploads.close(server, uploadId);
      await ctx.request(server, (client) => client.fileCancel(uploadId));
    },

    async downloadFile(server, fileId) {
      ctx.assertOpen();
      return downloads().start(server, fileId);
    },

    cancelDownload: async (id) => downloads().cancel(id),

    openDownload: async (id) => desktop().openPath(downloads().pathOf(id)),

    showDownload: async (id) => desktop().showInFolder(downloads().pathOf(id)),

    async mediaUrl(server, fileId, variant) {
      if (!ctx.media.mediaUrl) throw new ApiError('not_supported', 'Media URLs are not available here');
      return ctx.media.mediaUrl(server, fileId, variant);
    },

    getFileSettings: async () => ({ askWhereToSave: ctx.servers.profile.askWhereToSave === true }),

    async setFileSettings(settings) {
      ctx.assertOpen();
      ctx.servers.profile.askWhereToSave = settings.askWhereToSave;
      ctx.servers.persist();
      return { askWhereToSave: settings.askWhereToSave };
    },
  };
}
