/**
 * Tells screen readers about new messages from others in the open conversation (a polite live
 * region). History that loads and your own messages are not announced.
 */
import { useEffect, useRef, useState } from 'react';
import { lastSeq, type TimelineItem } from '../conversations/timeline.ts';
import { displayFileName } from '../files/file-format.ts';

export function NewMessageAnnouncer({ items, selfId }: { items: TimelineItem[]; selfId: string | null }) {
  const [text, setText] = useState('');
  const seen = useRef(lastSeq(items));
  useEffect(() => {
    const newest = items[items.length - 1];
    const seq = lastSeq(items);
    if (seq > seen.current && newest?.kind === 'message' && newest.message.from !== selfId) {
      const files = newest.message.attachments ?? [];
      // A message of files only says what came (names shown as text, without bidi controls).
      const filesText =
        files.length === 0
          ? ''
          : ` (${files.length === 1 ? displayFileName(files[0]!.name) : `${files.length} files`})`;
      setText(`${newest.message.fromName}: ${newest.message.text.slice(0, 300)}${filesText}`);
    }
    seen.current = Math.max(seen.current, seq);
  }, [items, selfId]);
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true">
      {text}
    </div>
  );
}
