/**
 * Above the composer's input: the files that go with the next message — a thumbnail (or the
 * type's icon), the name, the size and a remove button each — and why files were refused.
 */
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { Spinner } from '../../components/common/Spinner.tsx';
import { FileName } from './FileName.tsx';
import { FileTypeIcon } from './FileTypeIcon.tsx';
import { displayFileName, formatBytes } from './file-format.ts';
import { removeFromTray } from './files-commands.ts';
import { EMPTY_TRAY, trayProblemCleared, type TrayFile } from './files-slice.ts';

function TrayItem({ conversation, item }: { conversation: ConversationKey; item: TrayFile }) {
  const { store } = useParley();
  const name = displayFileName(item.name);
  return (
    <li className="tray__item">
      <span className="tray__preview">
        {item.preview ? (
          <img className="tray__thumb" src={item.preview.dataUrl} alt="" width={48} height={48} />
        ) : item.preview === undefined && /^(image|video)\//u.test(item.type) ? (
          <Spinner />
        ) : (
          <FileTypeIcon type={item.type} name={item.name} small />
        )}
      </span>
      <span className="tray__text">
        <FileName name={item.name} className="tray__name" />
        <span className="tray__size">{formatBytes(item.size)}</span>
      </span>
      <button
        type="button"
        className="tray__remove"
        aria-label={`Remove ${name}`}
        title="Remove"
        onClick={() => removeFromTray(store, conversation, item.id)}
      >
        <Icon name="close" />
      </button>
    </li>
  );
}

export function ComposerTray({ conversation }: { conversation: ConversationKey }) {
  const { store } = useParley();
  const tray = useAppState((s) => s.trays[conversation] ?? EMPTY_TRAY);
  const problem = useAppState((s) => s.trayProblems[conversation] ?? null);
  if (tray.length === 0 && problem === null) return null;
  return (
    <div className="tray">
      {tray.length > 0 && (
        <ul className="tray__list" aria-label={`${tray.length} ${tray.length === 1 ? 'file' : 'files'} to send`}>
          {tray.map((item) => (
            <TrayItem key={item.id} conversation={conversation} item={item} />
          ))}
        </ul>
      )}
      {problem !== null && (
        <p className="tray__problem" role="alert">
          <Icon name="alert" />
          <span>{problem}</span>
          <button
            type="button"
            className="icon-button icon-button--small"
            aria-label="Dismiss"
            onClick={() => trayProblemCleared(store, conversation)}
          >
            <Icon name="close" />
          </button>
        </p>
      )}
    </div>
  );
}
