/** Servers we are connected (or connecting) to; the selected one shows its conversations. */
import { useAppState } from '../../hooks/use-parley.ts';
import { selectServerSections } from '../../state/selectors.ts';
import { ServerItem } from './ServerItem.tsx';

export function ServerSection() {
  const { live } = useAppState(selectServerSections);
  return (
    <section className="sidebar__section" aria-labelledby="servers-heading">
      <h2 id="servers-heading" className="sidebar__heading">
        Servers
      </h2>
      {live.length === 0 ? (
        <p className="sidebar__empty">You are not connected to a server yet.</p>
      ) : (
        <ul className="server-list">
          {live.map((view) => (
            <ServerItem key={view.key} view={view} />
          ))}
        </ul>
      )}
    </section>
  );
}
