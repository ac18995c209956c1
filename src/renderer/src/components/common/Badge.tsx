/** An unread count. The visible number is short; the label says what it counts. */
export function UnreadBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="badge">
      <span aria-hidden="true">{count > 99 ? '99+' : count}</span>
      <span className="visually-hidden">
        {count} unread {count === 1 ? 'message' : 'messages'}
      </span>
    </span>
  );
}
