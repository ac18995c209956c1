/** One row of the message list: day separator if the day changed, then the message or notice. */
import { memo } from 'react';
import type { UserRef } from '../../../../shared/protocol/server-frames.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { continuesGroup, itemTime, startsNewDay, type ListItem } from './list-items.ts';
import { DaySeparator } from './DaySeparator.tsx';
import { MessageRow } from './MessageRow.tsx';
import { NoticeRow } from './NoticeRow.tsx';
import { GameCard } from '../games/GameCard.tsx';

export interface RowContext {
  self: UserRef;
  server: string;
  conversation: ConversationKey;
  online: boolean;
  platform: 'electron' | 'web';
  onOpenLink: (url: string) => void;
  onRetry: (msgId: string) => void;
  onDiscard: (msgId: string) => void;
}

export const TimelineRow = memo(function TimelineRow({
  item,
  previous,
  context,
}: {
  item: ListItem;
  previous: ListItem | undefined;
  context: RowContext;
}) {
  const newDay = startsNewDay(previous, item);
  let body;
  if (item.kind === 'notice') {
    body = <NoticeRow text={item.text} ts={item.ts} />;
  } else if (item.kind === 'game') {
    body = <GameCard server={context.server} conversation={context.conversation} id={item.id} />;
  } else {
    const own = item.kind === 'pending' || item.message.from === context.self.id;
    body = (
      <MessageRow
        sender={item.kind === 'pending' ? context.self : { id: item.message.from, name: item.message.fromName }}
        text={item.kind === 'pending' ? item.pending.text : item.message.text}
        attachments={item.kind === 'pending' ? undefined : item.message.attachments}
        server={context.server}
        conversation={context.conversation}
        ts={itemTime(item)}
        grouped={continuesGroup(previous, item, context.self)}
        own={own}
        pending={item.kind === 'pending' ? item.pending : null}
        online={context.online}
        platform={context.platform}
        onOpenLink={context.onOpenLink}
        onRetry={context.onRetry}
        onDiscard={context.onDiscard}
      />
    );
  }
  return (
    <div className="timeline-row">
      {newDay && <DaySeparator ts={itemTime(item)} />}
      {body}
    </div>
  );
});
