/** Files: uploads the UI drives, downloads to a folder, preview URLs. Not built yet. */
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

export function fileCalls(_ctx: SessionContext): Pick<ParleyApiCalls, FileCallName> {
  const notYet = () => Promise.reject(new ApiError('unsupported', 'Files are not available yet'));
  return {
    beginUpload: notYet,
    writeUpload: notYet,
    cancelUpload: notYet,
    downloadFile: notYet,
    cancelDownload: notYet,
    openDownload: notYet,
    showDownload: notYet,
    mediaUrl: notYet,
    getFileSettings: () => Promise.resolve({ askWhereToSave: false }),
    setFileSettings: (settings) => Promise.resolve(settings),
  };
}
