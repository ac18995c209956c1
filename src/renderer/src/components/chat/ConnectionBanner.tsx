/**
 * The selected server's connection state, whenever it is not simply "connected": connecting,
 * reconnecting with a live countdown, failed or the host went away (with the reason), or idle.
 */
import { useNow } from '../../hooks/use-now.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { describeConnectionError } from '../../lib/describe-error.ts';
import { secondsUntil } from '../../lib/format-time.ts';
import { reconnect } from '../../state/commands/servers.ts';
import { selectServer } from '../../state/selectors.ts';
import { dialogOpened } from '../../state/slices/ui.ts';
import { Icon } from '../common/Icon.tsx';
import { Spinner } from '../common/Spinner.tsx';

function unsentText(count: number): string | null {
  if (count <= 0) return null;
  return count === 1
    ? '1 message will be sent once the connection is back.'
    : `${count} messages will be sent once the connection is back.`;
}

export function ConnectionBanner({ server }: { server: string }) {
  const { api, store } = useParley();
  const view = useAppState(selectServer(server));
  const now = useNow(250, view?.status === 'reconnecting');
  if (!view || view.status === 'connected') return null;
  const reason = describeConnectionError(view.error);
  const unsent = unsentText(view.unsent);

  switch (view.status) {
    case 'connecting':
      return (
        <div className="banner banner--info" role="status">
          <Spinner />
          <span className="banner__text">Connecting to {view.name}…</span>
        </div>
      );
    case 'reconnecting': {
      const seconds = view.retryAt === null ? 0 : secondsUntil(view.retryAt, now);
      return (
        <div className="banner banner--warning">
          <Icon name="alert" />
          <div className="banner__text">
            <p role="status">
              <strong>{view.error?.code === 'server_shutdown' ? 'The host went away.' : 'Connection lost.'}</strong>{' '}
              {reason && view.error?.code !== 'server_shutdown' ? reason : null}
            </p>
            <p className="banner__detail">
              <span className="banner__countdown">
                {seconds > 0 ? `Reconnecting in ${seconds} s…` : 'Reconnecting now…'}
              </span>{' '}
              {unsent}
            </p>
          </div>
        </div>
      );
    }
    case 'failed':
      return (
        <div className="banner banner--error" role="alert">
          <Icon name="alert" />
          <div className="banner__text">
            <p>
              <strong>Disconnected from {view.name}.</strong> {reason}
            </p>
            {unsent && <p className="banner__detail">{unsent}</p>}
          </div>
          <div className="banner__actions">
            {(view.error?.code === 'name_taken' || view.error?.code === 'name_invalid') && (
              <button
                type="button"
                className="button button--small"
                onClick={() => dialogOpened(store, { kind: 'settings' })}
              >
                Change name
              </button>
            )}
            <button type="button" className="button button--small" onClick={() => void reconnect(api, store, server)}>
              Try again
            </button>
          </div>
        </div>
      );
    case 'idle':
      return (
        <div className="banner banner--neutral">
          <Icon name="server" />
          <p className="banner__text">Not connected to {view.name}.</p>
          <div className="banner__actions">
            <button type="button" className="button button--small" onClick={() => void reconnect(api, store, server)}>
              Connect
            </button>
          </div>
        </div>
      );
  }
}
