/**
 * The bar at the top of the main column. On narrow screens it starts with the button that opens
 * the sidebar drawer.
 */
import type { ReactNode } from 'react';
import { NARROW_QUERY, useMediaQuery } from '../../hooks/use-media-query.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { selectUnreadByServer } from '../../state/selectors.ts';
import { drawerChanged } from '../../state/ui-slice.ts';
import { Icon } from '../common/Icon.tsx';

export function TopBar({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  const { store } = useParley();
  const narrow = useMediaQuery(NARROW_QUERY);
  const drawer = useAppState((s) => s.drawer);
  const unreadByServer = useAppState(selectUnreadByServer);
  const unread = Object.values(unreadByServer).reduce((sum, n) => sum + n, 0);
  return (
    <header className="topbar">
      {narrow && (
        <button
          type="button"
          className="icon-button topbar__nav"
          aria-label={unread > 0 ? `Servers and conversations, ${unread} unread` : 'Servers and conversations'}
          aria-expanded={drawer === 'sidebar'}
          aria-controls="sidebar"
          onClick={() => drawerChanged(store, drawer === 'sidebar' ? 'none' : 'sidebar')}
        >
          <Icon name="menu" />
          {unread > 0 && <span className="topbar__dot" aria-hidden="true" />}
        </button>
      )}
      <div className="topbar__title">{children}</div>
      {actions && <div className="topbar__actions">{actions}</div>}
    </header>
  );
}
