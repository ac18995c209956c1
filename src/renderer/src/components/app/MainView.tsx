/** The middle column: home, a server's room browser, or a conversation. */
import { useAppState } from '../../hooks/use-parley.ts';
import { ChatView } from '../chat/ChatView.tsx';
import { RoomBrowser } from '../rooms/RoomBrowser.tsx';
import { HomeView } from './HomeView.tsx';

export function MainView() {
  const view = useAppState((s) => s.view);
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
