/** A system line: someone joined, left, or changed their name. */
import { formatFullDate, formatTime } from '../../lib/format-time.ts';

export function NoticeRow({ text, ts }: { text: string; ts: number }) {
  return (
    <div className="notice-row">
      <span className="notice-row__text">{text}</span>
      <time className="notice-row__time" dateTime={new Date(ts).toISOString()} title={formatFullDate(ts)}>
        {formatTime(ts)}
      </time>
    </div>
  );
}
