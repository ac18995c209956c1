/** Servers found on the local network (LAN discovery is a later milestone: a placeholder for now). */
import { useAppState } from '../../hooks/use-parley.ts';
import { Icon } from '../common/Icon.tsx';

export function NearbySection() {
  const canConnectAnywhere = useAppState((s) => s.appInfo?.canConnectAnywhere ?? false);
  if (!canConnectAnywhere) return null;
  return (
    <section className="sidebar__section" aria-labelledby="nearby-heading">
      <h2 id="nearby-heading" className="sidebar__heading">
        Nearby
      </h2>
      <p className="sidebar__placeholder">
        <Icon name="radar" />
        <span>Nearby servers appear here automatically.</span>
      </p>
    </section>
  );
}
