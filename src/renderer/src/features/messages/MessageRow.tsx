/**
 * One message: avatar and name (unless it continues the sender's block), local time, text, and
 * for own unconfirmed messages their state — sending (clock), or failed with the reason, Retry
 * and Discard. Its files (features/files): the stored attachments, or for an own message still
 * being sent, each file's upload progress.
 */
import type { FileInfo, UserRef } from '../../../../shared/protocol/server-frames.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { describeSendFailure } from '../../lib/describe-error.ts';
import { formatFullDate, formatTime } from '../../lib/format-time.ts';
import type { PendingMessage } from '../conversations/timeline.ts';
import { Avatar } from '../../components/common/Avatar.tsx';
import { Icon } from '../../components/common/Icon.tsx';
import { MessageText } from './MessageText.tsx';
import { MessageAttachments } from '../files/MessageAttachments.tsx';
import { OutgoingFiles } from '../files/OutgoingFiles.tsx';

export interface MessageRowProps {
  sender: UserRef;
  text: string;
  /** The stored message's files. */
  attachments?: readonly FileInfo[] | undefined;
  /** Where the message is (previews are loaded from its server; the full view pages through it). */
  server: string;
  conversation: ConversationKey;
  ts: number;
  grouped: boolean;
  own: boolean;
  /** Set for own messages the server has not confirmed. */
  pending: PendingMessage | null;
  /** Whether the server is connected (a pending message is "waiting" otherwise). */
  online: boolean;
  platform: 'electron' | 'web';
  onOpenLink: (url: string) => void;
  onRetry: (msgId: string) => void;
  onDiscard: (msgId: string) => void;
}

export function MessageRow({
  sender,
  text,
  attachments,
  server,
  conversation,
  ts,
  grouped,
  own,
  pending,
  online,
  platform,
  onOpenLink,
  onRetry,
  onDiscard,
}: MessageRowProps) {
  const classes = ['message'];
  if (grouped) classes.push('message--grouped');
  if (own) classes.push('message--own');
  if (pending?.status === 'sending' || pending?.status === 'uploading') classes.push('message--pending');
  if (pending?.status === 'failed') classes.push('message--failed');
  const iso = new Date(ts).toISOString();

  return (
    <div
      className={classes.join(' ')}
      role="article"
      aria-label={`${sender.name}, ${formatTime(ts)}`}
      data-state={pending?.status ?? 'sent'}
    >
      <div className="message__gutter">
        {grouped ? (
          <time className="message__gutter-time" dateTime={iso} title={formatFullDate(ts)}>
            {formatTime(ts)}
          </time>
        ) : (
          <Avatar id={sender.id} name={sender.name} />
        )}
      </div>
      <div className="message__body">
        {!grouped && (
          <div className="message__meta">
            <span className="message__author">{sender.name}</span>
            <time className="message__time" dateTime={iso} title={formatFullDate(ts)}>
              {formatTime(ts)}
            </time>
          </div>
        )}
        {text !== '' && (
          <p className="message__text">
            <MessageText text={text} platform={platform} onOpenLink={onOpenLink} />
          </p>
        )}
        {attachments !== undefined && attachments.length > 0 && (
          <MessageAttachments server={server} conversation={conversation} files={attachments} />
        )}
        {pending !== null && <OutgoingFiles msgId={pending.msgId} />}
        {pending?.status === 'sending' && (
          <p className="message__state">
            <Icon name="clock" />
            {online ? 'Sending…' : 'Waiting for the connection…'}
          </p>
        )}
        {pending?.status === 'failed' && (
          <div className="message__failure">
            <Icon name="alert" />
            <span>Not sent. {describeSendFailure(pending.failure?.code ?? '', pending.failure?.reason ?? '')}</span>
            <button type="button" className="link-button" onClick={() => onRetry(pending.msgId)}>
              Retry
            </button>
            <button type="button" className="link-button link-button--muted" onClick={() => onDiscard(pending.msgId)}>
              Discard
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
