/** "Today", "Yesterday", "Monday, 2 March" between messages of different days. */
import { formatDay } from '../../lib/format-time.ts';

export function DaySeparator({ ts }: { ts: number }) {
  return (
    <div className="day-separator" role="separator" aria-label={formatDay(ts)}>
      <span className="day-separator__label" aria-hidden="true">
        {formatDay(ts)}
      </span>
    </div>
  );
}
