/**
 * The three columns: servers and conversations | the main view | members. Under 720px the side
 * columns become drawers over the main view (opened from the top bar, closed with Escape or a
 * tap on the dimmed area).
 */
import { useEffect } from 'react';
import { NARROW_QUERY, useMediaQuery } from '../../hooks/use-media-query.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { selectUnreadByServer } from '../../state/selectors.ts';
import { drawerChanged } from '../../state/ui-slice.ts';
import { Toasts } from '../common/Toasts.tsx';
import { MemberPanel } from '../../features/members/MemberPanel.tsx';
import { Sidebar } from './Sidebar.tsx';
import { DialogHost } from './DialogHost.tsx';
import { MainView } from './MainView.tsx';

export function AppShell() {
  const { store } = useParley();
  const drawer = useAppState((s) => s.drawer);
  const showMembers = useAppState((s) => s.showMembers);
  const inRoom = useAppState((s) => s.view.kind === 'conversation' && s.conversations[s.view.key]?.kind === 'room');
  const narrow = useMediaQuery(NARROW_QUERY);
  const unreadByServer = useAppState(selectUnreadByServer);
  const unread = Object.values(unreadByServer).reduce((sum, n) => sum + n, 0);

  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
  }, [unread]);

  useEffect(() => {
    if (drawer === 'none') return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) drawerChanged(store, 'none');
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drawer, store]);

  // Leaving the narrow layout closes any drawer.
  useEffect(() => {
    if (!narrow) drawerChanged(store, 'none');
  }, [narrow, store]);

  const membersVisible = inRoom && (narrow ? drawer === 'members' : showMembers);
  const classes = ['shell'];
  if (membersVisible && !narrow) classes.push('shell--with-members');
  if (narrow && drawer !== 'none') classes.push(`shell--drawer-${drawer}`);

  return (
    <div className={classes.join(' ')}>
      <a className="skip-link" href="#main">
        Skip to the conversation
      </a>
      <Sidebar narrow={narrow} />
      <MainView />
      {membersVisible && <MemberPanel narrow={narrow} />}
      {narrow && drawer !== 'none' && (
        <div className="scrim" aria-hidden="true" onClick={() => drawerChanged(store, 'none')} />
      )}
      <DialogHost />
      <Toasts />
    </div>
  );
}
