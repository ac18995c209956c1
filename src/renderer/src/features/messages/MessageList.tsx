/**
 * The conversation's messages, virtualized (react-virtuoso): only the rows in view exist in the
 * DOM, so a room with 100,000 messages scrolls like one with ten. It opens at the newest message,
 * follows new ones while you are at the bottom, and loads older history when you reach the top —
 * prepended with `firstItemIndex`, so what you were reading stays where it was.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { Virtuoso, type Components, type VirtuosoHandle } from 'react-virtuoso';
import type { UserRef } from '../../../../shared/protocol/server-frames.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { errorMessage } from '../../lib/describe-error.ts';
import { loadLatestIfNeeded, loadOlder } from '../conversations/conversations-commands.ts';
import { openRoom } from '../rooms/rooms-commands.ts';
import { discardMessage, retryMessage } from './messages-commands.ts';
import { cancelOutgoing } from '../files/files-commands.ts';
import { selectServer, selectTimeline } from '../../state/selectors.ts';
import type { ConversationMeta } from '../conversations/conversations-slice.ts';
import { toastShown } from '../../state/ui-slice.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { Spinner } from '../../components/common/Spinner.tsx';
import { itemKey, itemTime, type ListItem } from './list-items.ts';
import { NewMessageAnnouncer } from './NewMessageAnnouncer.tsx';
import { TimelineRow, type RowContext } from './TimelineRow.tsx';
import { EMPTY_GAMES } from '../games/games-slice.ts';
import { useFirstItemIndex, withGames } from '../games/game-timeline.ts';

interface ListContext {
  items: ListItem[];
  firstItemIndex: number;
  row: RowContext;
  meta: ConversationMeta;
  loading: 'none' | 'initial' | 'older';
  hasMore: boolean;
  error: string | null;
  onLoadOlder: () => void;
}

/** Above the first message: loading, a retry, or the start of the conversation. */
function ListHeader({ context }: { context: ListContext }) {
  if (context.loading === 'older') {
    return (
      <p className="history-status" role="status">
        <Spinner /> Loading earlier messages…
      </p>
    );
  }
  if (context.error !== null && context.hasMore) {
    return (
      <div className="history-status">
        <span>Could not load earlier messages: {context.error}</span>
        <button type="button" className="link-button" onClick={context.onLoadOlder}>
          Retry
        </button>
      </div>
    );
  }
  if (context.hasMore) return <div className="history-status" />;
  const { meta } = context;
  return (
    <div className="conversation-start">
      <span className="icon-tile">
        <Icon name={meta.kind === 'room' ? 'hash' : 'message'} />
      </span>
      <h2 className="conversation-start__title">
        {meta.kind === 'room' ? `Welcome to ${meta.title}` : `You and ${meta.title}`}
      </h2>
      <p className="conversation-start__text">
        {meta.kind === 'room'
          ? meta.topic !== ''
            ? meta.topic
            : 'This is the very beginning of the room.'
          : 'This is the beginning of your direct messages.'}
      </p>
    </div>
  );
}

function ListFooter() {
  return <div className="message-list__footer" />;
}

const COMPONENTS: Components<ListItem, ListContext> = { Header: ListHeader, Footer: ListFooter };

function renderItem(index: number, item: ListItem, context: ListContext) {
  return <TimelineRow item={item} previous={context.items[index - context.firstItemIndex - 1]} context={context.row} />;
}

const isGameItem = (item: ListItem): boolean => item.kind === 'game';

const BOTTOM_SLACK_PX = 80;

/**
 * Keeps the newest message in view while you are reading at the bottom, also when rows change
 * height after they were laid out (fonts or emoji arriving late) or the list gets shorter (the
 * composer grows). "At the bottom" is decided by your own scrolling, not by the resize itself.
 */
function useStickToBottom(virtuoso: RefObject<VirtuosoHandle | null>) {
  const stuck = useRef(true);
  const cleanup = useRef<(() => void) | null>(null);
  const toBottom = useCallback(() => {
    if (stuck.current) virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' });
  }, [virtuoso]);
  const scrollerRef = useCallback(
    (element: HTMLElement | Window | null) => {
      cleanup.current?.();
      cleanup.current = null;
      if (!(element instanceof HTMLElement)) return;
      const onScroll = () => {
        stuck.current = element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
      };
      element.addEventListener('scroll', onScroll, { passive: true });
      const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(toBottom) : null;
      observer?.observe(element);
      cleanup.current = () => {
        element.removeEventListener('scroll', onScroll);
        observer?.disconnect();
      };
    },
    [toBottom],
  );
  return { scrollerRef, onContentResized: toBottom };
}

export function MessageList({ meta }: { meta: ConversationMeta }) {
  const { api, store } = useParley();
  const timeline = useAppState(selectTimeline(meta.key));
  const games = useAppState((s) => s.games[meta.key] ?? EMPTY_GAMES);
  const server = useAppState(selectServer(meta.server));
  const displayName = useAppState((s) => s.displayName) ?? 'You';
  const platform = useAppState((s) => s.appInfo?.platform ?? 'web');
  const virtuoso = useRef<VirtuosoHandle>(null);
  const [atBottom, setAtBottom] = useState(true);
  const stickToBottom = useStickToBottom(virtuoso);

  const selfId = server?.self?.id ?? null;
  const selfName = server?.self?.name ?? displayName;
  const self = useMemo<UserRef>(() => ({ id: selfId ?? '(you)', name: selfName }), [selfId, selfName]);
  const online = server?.status === 'connected';

  const pendingItems = useMemo(
    () =>
      Object.values(timeline.pending)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((pending): ListItem => ({ kind: 'pending', pending })),
    [timeline.pending],
  );
  const items = useMemo(() => {
    const withRoomGames: ListItem[] = withGames<ListItem>(timeline.items, games, itemTime);
    return pendingItems.length === 0 ? withRoomGames : withRoomGames.concat(pendingItems);
  }, [timeline.items, games, pendingItems]);
  const firstItemIndex = useFirstItemIndex(items, timeline.firstItemIndex, (item) => itemKey(item, self), isGameItem);

  const onOpenLink = useCallback(
    (url: string) => {
      api.openLink(url).catch((error: unknown) => toastShown(store, `Could not open the link: ${errorMessage(error)}`));
    },
    [api, store],
  );
  const onRetry = useCallback((msgId: string) => retryMessage(api, store, msgId), [api, store]);
  const onDiscard = useCallback(
    (msgId: string) => {
      discardMessage(store, msgId);
      cancelOutgoing(store, msgId); // a message with files: its uploads go too
    },
    [store],
  );
  const onLoadOlder = useCallback(() => void loadOlder(api, store, meta.key), [api, store, meta.key]);
  const onRetryInitial = useCallback(() => {
    if (meta.kind === 'room') void openRoom(api, store, meta.server, meta.id);
    else void loadLatestIfNeeded(api, store, meta.key);
  }, [api, store, meta]);

  const row = useMemo<RowContext>(
    () => ({ self, server: meta.server, conversation: meta.key, online, platform, onOpenLink, onRetry, onDiscard }),
    [self, meta.server, meta.key, online, platform, onOpenLink, onRetry, onDiscard],
  );
  const context = useMemo<ListContext>(
    () => ({
      items,
      firstItemIndex,
      row,
      meta,
      loading: timeline.loading,
      hasMore: timeline.hasMore,
      error: timeline.error,
      onLoadOlder,
    }),
    [items, firstItemIndex, row, meta, timeline.loading, timeline.hasMore, timeline.error, onLoadOlder],
  );

  // Sending a message takes you to the end, wherever you were reading.
  const pendingCount = pendingItems.length;
  const previousPending = useRef(pendingCount);
  useEffect(() => {
    if (pendingCount > previousPending.current) {
      virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' });
    }
    previousPending.current = pendingCount;
  }, [pendingCount]);

  if (!timeline.loaded) {
    return (
      <div className="message-list message-list--placeholder">
        {timeline.error !== null ? (
          <div className="notice notice--error" role="alert">
            <p>Could not load the conversation: {timeline.error}</p>
            <button type="button" className="button button--small" onClick={onRetryInitial}>
              Try again
            </button>
          </div>
        ) : (
          <p className="history-status" role="status">
            <Spinner /> Loading messages…
          </p>
        )}
      </div>
    );
  }

  return (
    <div className="message-list-wrap">
      <Virtuoso<ListItem, ListContext>
        ref={virtuoso}
        className="message-list"
        role="region"
        aria-label={`Messages in ${meta.title}`}
        tabIndex={0}
        data={items}
        context={context}
        firstItemIndex={firstItemIndex}
        initialTopMostItemIndex={{ index: 'LAST', align: 'end' }}
        computeItemKey={(_index, item) => itemKey(item, self)}
        itemContent={renderItem}
        components={COMPONENTS}
        alignToBottom
        followOutput={(isAtBottom) => (isAtBottom ? 'auto' : false)}
        atBottomStateChange={setAtBottom}
        scrollerRef={stickToBottom.scrollerRef}
        totalListHeightChanged={stickToBottom.onContentResized}
        atBottomThreshold={80}
        startReached={() => {
          if (timeline.hasMore) onLoadOlder();
        }}
        increaseViewportBy={{ top: 600, bottom: 300 }}
      />
      {!atBottom && (
        <button
          type="button"
          className="jump-to-latest"
          onClick={() => virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'smooth' })}
        >
          <Icon name="arrow-down" />
          Jump to latest
        </button>
      )}
      <NewMessageAnnouncer items={timeline.items} selfId={selfId} />
    </div>
  );
}
