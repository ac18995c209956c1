/**
 * A file as a card: type icon, name (cut in the middle, full on hover), size and type, and
 * Download. In the desktop app the download's progress follows (bytes, speed, time left,
 * Cancel), then Open and Show in folder; in a browser, the browser's own download takes over.
 */
import type { DownloadView } from '../../../../shared/api/contract.ts';
import type { FileInfo } from '../../../../shared/protocol/server-frames.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { FileName } from './FileName.tsx';
import { FileTypeIcon, fileTypeLabel } from './FileTypeIcon.tsx';
import { describeFileError } from './describe-file-error.ts';
import { displayFileName, formatBytes, progressText } from './file-format.ts';
import { cancelDownload, downloadFile, openDownload, showDownload } from './files-commands.ts';
import { downloadKey } from './files-slice.ts';

function DownloadState({
  download,
  file,
  onDownload,
}: {
  download: DownloadView;
  file: FileInfo;
  onDownload: () => void;
}) {
  const { api, store } = useParley();
  const name = displayFileName(download.name);
  switch (download.state) {
    case 'active':
    case 'waiting':
      return (
        <div className="file-card__progress">
          <progress
            className="progress"
            max={Math.max(1, download.size)}
            value={download.received}
            aria-label={`Downloading ${name}`}
          />
          <div className="file-card__progress-line">
            <span className="file-card__progress-text">
              {download.state === 'waiting'
                ? `Waiting for the connection… ${formatBytes(download.received)} of ${formatBytes(download.size)}`
                : progressText(download.received, download.size, download.bytesPerSecond)}
            </span>
            <button
              type="button"
              className="link-button link-button--muted"
              aria-label={`Cancel download of ${name}`}
              onClick={() => cancelDownload(api, store, download.id)}
            >
              Cancel
            </button>
          </div>
        </div>
      );
    case 'done':
      return (
        <div className="file-card__actions">
          <span className="file-card__done">
            <Icon name="check" /> Downloaded
          </span>
          <button type="button" className="button button--small" onClick={() => openDownload(api, store, download.id)}>
            <Icon name="external" /> Open
          </button>
          <button
            type="button"
            className="button button--small button--ghost"
            onClick={() => showDownload(api, store, download.id)}
          >
            <Icon name="folder" /> Show in folder
          </button>
        </div>
      );
    case 'failed':
      return (
        <div className="file-card__failure" role="alert">
          <Icon name="alert" />
          <span>Download failed. {describeFileError(download.error?.code ?? '', download.error?.message ?? '')}</span>
          <button type="button" className="link-button" onClick={onDownload}>
            Retry
          </button>
        </div>
      );
    case 'canceled':
      return (
        <div className="file-card__actions">
          <span className="file-card__muted">Download cancelled.</span>
          <button
            type="button"
            className="link-button"
            onClick={onDownload}
            aria-label={`Download ${displayFileName(file.name)} again`}
          >
            Download again
          </button>
        </div>
      );
  }
}

export function FileCard({ server, file }: { server: string; file: FileInfo }) {
  const { api, store } = useParley();
  const download = useAppState((s) => s.downloads[downloadKey(server, file.id)] ?? null);
  const name = displayFileName(file.name);
  const onDownload = () => void downloadFile(api, store, server, file);
  const busy = download?.state === 'active' || download?.state === 'waiting';
  return (
    <div className="file-card" role="group" aria-label={`File ${name}, ${formatBytes(file.size)}`}>
      <div className="file-card__main">
        <FileTypeIcon type={file.type} name={file.name} />
        <div className="file-card__text">
          <FileName name={file.name} className="file-card__name" />
          <span className="file-card__meta">
            {formatBytes(file.size)} · {fileTypeLabel(file.type, file.name)}
          </span>
        </div>
        {!busy && download?.state !== 'done' && (
          <button
            type="button"
            className="icon-button file-card__download"
            aria-label={`Download ${name}`}
            title="Download"
            onClick={onDownload}
          >
            <Icon name="download" />
          </button>
        )}
      </div>
      {download && <DownloadState download={download} file={file} onDownload={onDownload} />}
    </div>
  );
}
