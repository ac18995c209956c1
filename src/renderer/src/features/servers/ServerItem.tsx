/** One server in the sidebar: name, live status, unread total; expanded when selected. */
import type { ServerView } from '../../../../shared/api/contract.ts';
import { COUNTDOWN_INTERVAL_MS, useClock } from '../../hooks/use-now.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { initials } from '../../lib/avatar.ts';
import { selectUnreadByServer } from '../../state/selectors.ts';
import { serverSelected } from '../../state/ui-slice.ts';
import { UnreadBadge } from '../../components/common/Badge.tsx';
import { StatusDot } from '../../components/common/StatusDot.tsx';
import { ConversationList } from '../conversations/ConversationList.tsx';
import { serverStatusText } from './server-status-text.ts';

export function ServerItem({ view }: { view: ServerView }) {
  const { store } = useParley();
  const selected = useAppState((s) => s.selectedServer === view.key);
  const unread = useAppState((s) => selectUnreadByServer(s)[view.key] ?? 0);
  // The banner's shared clock: the two countdowns never disagree. Re-renders only when the text
  // changes, not on every tick.
  const status = useClock((now) => serverStatusText(view, now), COUNTDOWN_INTERVAL_MS, view.status === 'reconnecting');
  return (
    <li className={selected ? 'server server--selected' : 'server'}>
      <button
        type="button"
        className="server__row"
        aria-expanded={selected}
        onClick={() => serverSelected(store, view.key)}
      >
        <span className={view.hosted ? 'server__icon server__icon--hosted' : 'server__icon'} aria-hidden="true">
          {initials(view.name)}
        </span>
        <span className="server__text">
          <span className="server__name">{view.name}</span>
          <span className="server__status">
            <StatusDot status={view.status} />
            {status}
          </span>
        </span>
        {!selected && <UnreadBadge count={unread} />}
      </button>
      {selected && <ConversationList server={view.key} />}
    </li>
  );
}
