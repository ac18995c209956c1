/**
 * The files of an own message that is still being sent: each with its preview, a progress bar
 * and "1.2 MB of 4.0 MB · 3.4 MB/s · 2 s left", Cancel; a failed one with the reason and Retry;
 * "Waiting for the connection…" while the server is away (the upload then resumes by itself).
 */
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { FileName } from './FileName.tsx';
import { FileTypeIcon } from './FileTypeIcon.tsx';
import { describeFileError } from './describe-file-error.ts';
import { displayFileName, formatBytes, previewBox, progressText } from './file-format.ts';
import { cancelUpload, retryUpload } from './files-commands.ts';
import type { UploadView } from './files-slice.ts';

function statusLine(upload: UploadView): string {
  switch (upload.status) {
    case 'queued':
      return `Queued · ${formatBytes(upload.size)}`;
    case 'starting':
      return upload.sent > 0 ? `Resuming… ${formatBytes(upload.sent)} of ${formatBytes(upload.size)}` : 'Starting…';
    case 'hashing':
      return `Checking what was sent… ${formatBytes(upload.sent)} of ${formatBytes(upload.size)}`;
    case 'uploading':
      return progressText(upload.sent, upload.size, upload.bytesPerSecond);
    case 'waiting':
      return `Waiting for the connection… ${formatBytes(upload.sent)} of ${formatBytes(upload.size)}`;
    case 'done':
      return `Sent · ${formatBytes(upload.size)}`;
    case 'failed':
    case 'canceled':
      return formatBytes(upload.size);
  }
}

function OutgoingFile({ upload }: { upload: UploadView }) {
  const { api, store } = useParley();
  const name = displayFileName(upload.name);
  const moving = upload.status !== 'done' && upload.status !== 'failed';
  const box = previewBox(upload.width, upload.height, 240, 180);
  return (
    <li className={`outgoing-file outgoing-file--${upload.status}`}>
      {upload.previewUrl !== null ? (
        <img className="outgoing-file__preview" src={upload.previewUrl} alt="" width={box.width} height={box.height} />
      ) : (
        <FileTypeIcon type={upload.type} name={upload.name} />
      )}
      <div className="outgoing-file__body">
        <div className="outgoing-file__head">
          <FileName name={upload.name} className="outgoing-file__name" />
          {moving && (
            <button
              type="button"
              className="icon-button icon-button--small"
              aria-label={`Cancel upload of ${name}`}
              title="Cancel"
              onClick={() => cancelUpload(api, store, upload.key)}
            >
              <Icon name="close" />
            </button>
          )}
        </div>
        {upload.status !== 'failed' && upload.status !== 'done' && (
          <progress
            className="progress"
            max={Math.max(1, upload.size)}
            value={upload.sent}
            aria-label={`Uploading ${name}`}
            aria-valuetext={statusLine(upload)}
          />
        )}
        {upload.status === 'failed' ? (
          <div className="outgoing-file__failure" role="alert">
            <Icon name="alert" />
            <span>Not sent. {describeFileError(upload.error?.code ?? '', upload.error?.message ?? '')}</span>
            <button type="button" className="link-button" onClick={() => retryUpload(api, store, upload.key)}>
              Retry
            </button>
            <button
              type="button"
              className="link-button link-button--muted"
              aria-label={`Remove ${name} from the message`}
              onClick={() => cancelUpload(api, store, upload.key)}
            >
              Remove
            </button>
          </div>
        ) : (
          <span className="outgoing-file__status">{statusLine(upload)}</span>
        )}
      </div>
    </li>
  );
}

export function OutgoingFiles({ msgId }: { msgId: string }) {
  const message = useAppState((s) => s.outgoing[msgId] ?? null);
  const uploads = useAppState((s) => s.uploads);
  if (!message || message.uploads.length === 0) return null;
  return (
    <ul className="outgoing-files" aria-label="Files being sent">
      {message.uploads.map((key) => {
        const upload = uploads[key];
        return upload ? <OutgoingFile key={key} upload={upload} /> : null;
      })}
    </ul>
  );
}
