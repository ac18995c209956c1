/** The main column when no server is selected: what Parley does and how to start. */
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { selectServerSections } from '../../state/selectors.ts';
import { dialogOpened, serverSelected } from '../../state/ui-slice.ts';
import { EmptyState } from '../common/EmptyState.tsx';
import { TopBar } from './TopBar.tsx';

export function HomeView() {
  const { store } = useParley();
  const displayName = useAppState((s) => s.displayName);
  const appInfo = useAppState((s) => s.appInfo);
  const { live, recent } = useAppState(selectServerSections);
  const firstLive = live[0];
  return (
    <div className="view">
      <TopBar>
        <h1 className="topbar__heading" tabIndex={-1}>
          Home
        </h1>
      </TopBar>
      <div className="view__body view__body--center">
        {appInfo && !appInfo.canConnectAnywhere ? (
          <EmptyState icon="broadcast" title={`Welcome, ${displayName ?? ''}`}>
            <p>{live.length > 0 || recent.length > 0 ? 'Joining this server…' : 'Waiting for the server…'}</p>
          </EmptyState>
        ) : (
          <EmptyState
            icon="broadcast"
            title={`Welcome, ${displayName ?? ''}`}
            actions={
              <>
                {appInfo?.canHost && (
                  <button
                    type="button"
                    className="button button--primary"
                    onClick={() => dialogOpened(store, { kind: 'host' })}
                  >
                    Host a room
                  </button>
                )}
                <button type="button" className="button" onClick={() => dialogOpened(store, { kind: 'connect' })}>
                  Connect to a server
                </button>
                {firstLive && (
                  <button
                    type="button"
                    className="button button--ghost"
                    onClick={() => serverSelected(store, firstLive.key)}
                  >
                    Open {firstLive.name}
                  </button>
                )}
              </>
            }
          >
            <p>
              Host a room and everyone on your network can join — or connect to a server someone nearby is hosting.
              Nothing leaves your local network.
            </p>
          </EmptyState>
        )}
      </div>
    </div>
  );
}
