/** Disconnect from or forget a server (not in the browser build, which has only its own server). */
import type { ServerView } from '../../../../shared/api/contract.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { disconnect, forget, reconnect } from '../servers/servers-commands.ts';

export function ServerActions({ view }: { view: ServerView }) {
  const { api, store } = useParley();
  const canConnectAnywhere = useAppState((s) => s.appInfo?.canConnectAnywhere ?? false);
  if (!canConnectAnywhere || view.hosted) return null;
  const live = view.status !== 'idle';
  return (
    <div className="server-actions">
      <span className="server-actions__address">{view.key}</span>
      <button
        type="button"
        className="button button--ghost button--small"
        onClick={() => void (live ? disconnect : reconnect)(api, store, view.key)}
      >
        {live ? 'Disconnect' : 'Connect'}
      </button>
      <button
        type="button"
        className="button button--ghost button--small"
        onClick={() => void forget(api, store, view.key)}
      >
        Forget this server
      </button>
    </div>
  );
}
