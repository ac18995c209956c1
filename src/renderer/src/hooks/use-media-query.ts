/** Whether a CSS media query matches, kept up to date. */
import { useSyncExternalStore } from 'react';

/** The width under which the sidebar and the member list become drawers (also in layout.css). */
export const NARROW_QUERY = '(max-width: 720px)';

export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      if (typeof matchMedia !== 'function') return () => {};
      const list = matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => (typeof matchMedia === 'function' ? matchMedia(query).matches : false),
  );
}
