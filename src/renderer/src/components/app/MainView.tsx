/** The middle column: home, a server's room browser, or a conversation. */
import { useEffect } from 'react';
import { useAppState } from '../../hooks/use-parley.ts';
import { focusIsLost, focusMainView } from '../../lib/focus-main.ts';
import { ChatView } from '../../features/conversations/ChatView.tsx';
import { RoomBrowser } from '../../features/rooms/RoomBrowser.tsx';
import { HomeView } from './HomeView.tsx';

export function MainView() {
  const view = useAppState((s) => s.view);
  const viewId = view.kind === 'conversation' ? view.key : view.kind === 'rooms' ? `rooms ${view.server}` : 'home';
  // The view changed under the focused element (e.g. "Leave room" removed it): focus the new view.
  useEffect(() => {
    if (focusIsLost()) focusMainView();
  }, [viewId]);
  return (
    <main id="main" className="main" tabIndex={-1}>
      {view.kind === 'conversation' ? (
        <ChatView key={view.key} conversationKey={view.key} />
      ) : view.kind === 'rooms' ? (
        <RoomBrowser key={view.server} server={view.server} />
      ) : (
        <HomeView />
      )}
    </main>
  );
}
