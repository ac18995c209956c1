/** Hosting: the "Host a room" button, or the hosted server's status with Stop. */
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { stopHosting } from './hosting-commands.ts';
import { dialogOpened } from '../../state/ui-slice.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { Spinner } from '../../components/common/Spinner.tsx';

export function HostControls() {
  const { api, store } = useParley();
  const host = useAppState((s) => s.host);
  const openDialog = () => dialogOpened(store, { kind: 'host' });

  switch (host?.status ?? 'stopped') {
    case 'starting':
      return (
        <div className="host-card" role="status">
          <Spinner />
          <span>Starting your server…</span>
        </div>
      );
    case 'running':
      return (
        <div className="host-card host-card--running">
          <span className="host-card__pulse" aria-hidden="true" />
          <div className="host-card__text">
            <strong className="host-card__title">Hosting {host?.name}</strong>
            <span className="host-card__detail">Port {host?.port} · people nearby can join</span>
          </div>
          <button
            type="button"
            className="button button--small"
            aria-label="Stop hosting"
            onClick={() => void stopHosting(api, store)}
          >
            Stop
          </button>
        </div>
      );
    case 'failed':
      return (
        <div className="host-card host-card--failed" role="alert">
          <div className="host-card__text">
            <strong className="host-card__title">Hosting stopped</strong>
            <span className="host-card__detail">{host?.error ?? 'The server stopped unexpectedly.'}</span>
          </div>
          <button type="button" className="button button--small" onClick={openDialog}>
            Try again
          </button>
        </div>
      );
    default:
      return (
        <button type="button" className="button button--primary button--block" onClick={openDialog}>
          <Icon name="broadcast" />
          Host a room
        </button>
      );
  }
}
