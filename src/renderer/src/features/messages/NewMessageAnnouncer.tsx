/**
 * Tells screen readers about new messages from others in the open conversation (a polite live
 * region). History that loads and your own messages are not announced.
 */
import { useEffect, useRef, useState } from 'react';
import { lastSeq, type TimelineItem } from '../conversations/timeline.ts';

export function NewMessageAnnouncer({ items, selfId }: { items: TimelineItem[]; selfId: string | null }) {
  const [text, setText] = useState('');
  const seen = useRef(lastSeq(items));
  useEffect(() => {
    const newest = items[items.length - 1];
    const seq = lastSeq(items);
    if (seq > seen.current && newest?.kind === 'message' && newest.message.from !== selfId) {
      setText(`${newest.message.fromName}: ${newest.message.text.slice(0, 300)}`);
    }
    seen.current = Math.max(seen.current, seq);
  }, [items, selfId]);
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true">
      {text}
    </div>
  );
}
