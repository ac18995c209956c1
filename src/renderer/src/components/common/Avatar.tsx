/** A round avatar with initials, its colour stable per user id. Decorative (the name is next to it). */
import { avatarColorIndex, initials } from '../../lib/avatar.ts';

export function Avatar({ id, name, size = 'md' }: { id: string; name: string; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <span className={`avatar avatar--${size} avatar--c${avatarColorIndex(id)}`} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
