/** Host a room (desktop) and connect to a server by address (where allowed). */
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { dialogOpened } from '../../state/ui-slice.ts';
import { Icon } from '../common/Icon.tsx';
import { HostControls } from '../../features/hosting/HostControls.tsx';

export function SidebarActions() {
  const { store } = useParley();
  const appInfo = useAppState((s) => s.appInfo);
  if (!appInfo || (!appInfo.canHost && !appInfo.canConnectAnywhere)) return null;
  return (
    <div className="sidebar__actions">
      {appInfo.canHost && <HostControls />}
      {appInfo.canConnectAnywhere && (
        <button type="button" className="button button--block" onClick={() => dialogOpened(store, { kind: 'connect' })}>
          <Icon name="link" />
          Connect to a server
        </button>
      )}
    </div>
  );
}
