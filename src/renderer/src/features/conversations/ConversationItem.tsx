/** A room or DM in the sidebar, with its unread count. */
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { openDm } from '../dms/dms-commands.ts';
import { openRoom } from '../rooms/rooms-commands.ts';
import { selectUnread } from '../../state/selectors.ts';
import type { ConversationMeta } from './conversations-slice.ts';
import { Avatar } from '../../components/common/Avatar.tsx';
import { UnreadBadge } from '../../components/common/Badge.tsx';
import { Icon } from '../../components/common/Icon.tsx';

export function ConversationItem({ meta }: { meta: ConversationMeta }) {
  const { api, store } = useParley();
  const active = useAppState((s) => s.view.kind === 'conversation' && s.view.key === meta.key);
  const unread = useAppState(selectUnread(meta.key));
  const open = () => {
    if (meta.kind === 'room') void openRoom(api, store, meta.server, meta.id);
    else void openDm(api, store, meta.server, { id: meta.id, name: meta.title });
  };
  return (
    <li>
      <button
        type="button"
        className={unread > 0 ? 'nav-item nav-item--unread' : 'nav-item'}
        aria-current={active ? 'page' : undefined}
        onClick={open}
      >
        {meta.kind === 'room' ? (
          <Icon name="hash" className="nav-item__icon" />
        ) : (
          <Avatar id={meta.id} name={meta.title} size="sm" />
        )}
        <span className="nav-item__label">{meta.title}</span>
        <UnreadBadge count={unread} />
      </button>
    </li>
  );
}
