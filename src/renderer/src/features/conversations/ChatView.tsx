/**
 * An open conversation: header, connection banner, messages, composer. Files dragged onto it go
 * to the composer's tray (features/files), and the full view of its images opens over it.
 */
import { useEffect } from 'react';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import type { ConversationKey } from './conversation-key.ts';
import { loadLatestIfNeeded } from './conversations-commands.ts';
import { openRoom } from '../rooms/rooms-commands.ts';
import { selectConversation } from '../../state/selectors.ts';
import { ChatHeader } from './ChatHeader.tsx';
import { Composer } from '../messages/Composer.tsx';
import { ConnectionBanner } from '../servers/ConnectionBanner.tsx';
import { MessageList } from '../messages/MessageList.tsx';
import { DropOverlay } from '../files/DropOverlay.tsx';
import { Lightbox } from '../files/Lightbox.tsx';
import { useFileDrop } from '../files/use-file-drop.ts';

export function ChatView({ conversationKey }: { conversationKey: ConversationKey }) {
  const { api, store } = useParley();
  const meta = useAppState(selectConversation(conversationKey));
  const connected = useAppState((s) => (meta ? s.servers[meta.server]?.status === 'connected' : false));
  const drop = useFileDrop(conversationKey);

  // A conversation listed but never loaded (a DM from dm_list, a room seen only through events).
  useEffect(() => {
    if (!meta || !connected) return;
    const timeline = store.getState().timelines[meta.key];
    if (timeline?.loaded || timeline?.loading !== 'none' || timeline.error !== null) return;
    if (meta.kind === 'room') void openRoom(api, store, meta.server, meta.id);
    else void loadLatestIfNeeded(api, store, meta.key);
  }, [api, store, meta, connected]);

  if (!meta) return null;
  return (
    <section
      className="chat"
      aria-label={meta.kind === 'room' ? `Room ${meta.title}` : `Conversation with ${meta.title}`}
      {...drop.handlers}
    >
      <ChatHeader meta={meta} />
      <ConnectionBanner server={meta.server} />
      <MessageList meta={meta} />
      <Composer meta={meta} />
      {drop.dragging && <DropOverlay title={meta.kind === 'room' ? `#${meta.title}` : meta.title} />}
      <Lightbox conversation={meta.key} />
    </section>
  );
}
