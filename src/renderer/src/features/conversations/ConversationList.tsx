/** The selected server's conversations: room browser link, joined rooms, direct messages. */
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { selectConversationList } from '../../state/selectors.ts';
import { roomsShown } from '../../state/ui-slice.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { ConversationItem } from './ConversationItem.tsx';

export function ConversationList({ server }: { server: string }) {
  const { store } = useParley();
  const { rooms, dms } = useAppState(selectConversationList(server));
  const browsing = useAppState((s) => s.view.kind === 'rooms' && s.view.server === server);
  return (
    <div className="conversations">
      <button
        type="button"
        className="nav-item"
        aria-current={browsing ? 'page' : undefined}
        onClick={() => roomsShown(store, server)}
      >
        <Icon name="compass" className="nav-item__icon" />
        <span className="nav-item__label">Browse rooms</span>
      </button>

      <h3 className="conversations__heading">Rooms</h3>
      {rooms.length === 0 ? (
        <p className="sidebar__empty">No rooms joined yet.</p>
      ) : (
        <ul className="conversations__list">
          {rooms.map((c) => (
            <ConversationItem key={c.key} meta={c} />
          ))}
        </ul>
      )}

      <h3 className="conversations__heading">Direct messages</h3>
      {dms.length === 0 ? (
        <p className="sidebar__empty">Pick someone in a room’s member list to message them.</p>
      ) : (
        <ul className="conversations__list">
          {dms.map((c) => (
            <ConversationItem key={c.key} meta={c} />
          ))}
        </ul>
      )}
    </div>
  );
}
