/** Servers connected to before and not now: one click reconnects; they can be forgotten. */
import { useNow } from '../../hooks/use-now.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { initials } from '../../lib/avatar.ts';
import { formatRelative } from '../../lib/format-time.ts';
import { forget, reconnect } from '../servers/servers-commands.ts';
import { selectServerSections } from '../../state/selectors.ts';
import { roomsShown } from '../../state/ui-slice.ts';
import { Icon } from '../../components/common/Icon.tsx';

export function RecentSection() {
  const { api, store } = useParley();
  const { recent } = useAppState(selectServerSections);
  const now = useNow(60_000, recent.length > 0);
  if (recent.length === 0) return null;
  return (
    <section className="sidebar__section" aria-labelledby="recent-heading">
      <h2 id="recent-heading" className="sidebar__heading">
        Recent
      </h2>
      <ul className="server-list">
        {recent.map((view) => (
          <li key={view.key} className="server server--recent">
            <button
              type="button"
              className="server__row"
              onClick={() => {
                roomsShown(store, view.key);
                void reconnect(api, store, view.key);
              }}
            >
              <span className="server__icon server__icon--muted" aria-hidden="true">
                {initials(view.name)}
              </span>
              <span className="server__text">
                <span className="server__name">{view.name}</span>
                <span className="server__status">
                  {view.lastConnected === null ? view.key : `Last here ${formatRelative(view.lastConnected, now)}`}
                </span>
              </span>
            </button>
            <button
              type="button"
              className="icon-button icon-button--small server__forget"
              aria-label={`Forget ${view.name}`}
              onClick={() => void forget(api, store, view.key)}
            >
              <Icon name="close" />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
