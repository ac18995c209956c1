/**
 * Servers found on the local network (mDNS), live. Where the app cannot search (the browser
 * build), one line says so and names the host that served the page.
 */
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { dialogOpened } from '../../state/ui-slice.ts';
import type { AppState } from '../../state/store.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { NearbyItem } from './NearbyItem.tsx';

export function NearbySection() {
  const canDiscover = useAppState((s) => s.appInfo?.canDiscover);
  if (canDiscover === undefined) return null;
  return (
    <section className="sidebar__section nearby" aria-labelledby="nearby-heading">
      <h2 id="nearby-heading" className="sidebar__heading">
        Nearby
      </h2>
      {canDiscover ? <NearbyList /> : <ServedBy />}
    </section>
  );
}

function NearbyList() {
  const { store } = useParley();
  const nearby = useAppState((s) => s.nearby);
  const error = useAppState((s) => s.nearbyError);
  return (
    <>
      {nearby.length > 0 ? (
        <ul className="server-list">
          {nearby.map((server) => (
            <NearbyItem key={server.id} server={server} />
          ))}
        </ul>
      ) : error !== null ? (
        <p className="nearby__empty nearby__empty--error">
          <Icon name="alert" />
          <span>Could not search the network: {error}</span>
        </p>
      ) : (
        <p className="nearby__empty">
          <span className="nearby__scan" aria-hidden="true" />
          <span>Looking for servers on your network…</span>
        </p>
      )}
      <button
        type="button"
        className="link-button link-button--muted nearby__help"
        onClick={() => dialogOpened(store, { kind: 'diagnostics' })}
      >
        Can't see a server?
      </button>
    </>
  );
}

/** The browser build reaches only the server that served the page: the one in its list. */
const selectServingServer = (s: AppState) => {
  const key = s.serverOrder[0];
  return key === undefined ? undefined : s.servers[key];
};

function ServedBy() {
  const server = useAppState(selectServingServer);
  const where =
    server === undefined
      ? 'the server you opened it from'
      : server.name === server.key
        ? server.key
        : `${server.name} (${server.key})`;
  return (
    <p className="nearby__note">
      <Icon name="radar" />
      <span>Browsers can't search the network for servers — this page is served by {where}.</span>
    </p>
  );
}
