/**
 * The selected server's connection state, whenever it is not simply "connected": connecting,
 * reconnecting with a live countdown, failed or the host went away (with the reason), or idle.
 */
import type { ServerView } from '../../../../shared/api/contract.ts';
import { COUNTDOWN_INTERVAL_MS, useClock } from '../../hooks/use-now.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { describeConnectionError } from '../../lib/describe-error.ts';
import { secondsUntil } from '../../lib/format-time.ts';
import { reconnect } from './servers-commands.ts';
import { selectServer } from '../../state/selectors.ts';
import { dialogOpened } from '../../state/ui-slice.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { Spinner } from '../../components/common/Spinner.tsx';

function unsentText(count: number): string | null {
  if (count <= 0) return null;
  return count === 1
    ? '1 message will be sent once the connection is back.'
    : `${count} messages will be sent once the connection is back.`;
}

/**
 * Why the connection is down, only when that tells more than the banner's title. A plain drop is
 * reported in the transport's own words ("connection closed", "Lost the connection to the
 * server"), which merely repeat the title, or as a socket error code, which is not for people:
 * those become a sentence where one helps, else nothing.
 */
function downReason(error: ServerView['error']): string | null {
  if (error === null) return null;
  if (error.code !== 'disconnected' && error.code !== 'closed') return describeConnectionError(error);
  const text = error.message;
  if (/ECONNREFUSED/u.test(text)) return 'The server is not accepting connections.';
  if (/ETIMEDOUT|timed out/iu.test(text)) return 'The server is not answering.';
  if (/EHOSTUNREACH|ENETUNREACH|ENETDOWN|EADDRNOTAVAIL/u.test(text)) return 'The server cannot be reached from here.';
  if (/ENOTFOUND|EAI_AGAIN/u.test(text)) return 'The server’s address could not be found.';
  return null;
}

/**
 * "Reconnecting to Kitchen in 3 s…". The countdown is hidden from screen readers: the title is a
 * live region, and a number changing every second would be announced every second.
 */
function ReconnectingBanner({ view }: { view: ServerView }) {
  // What began this outage says more than "refused" from the attempts after it, unless it was
  // only a plain drop.
  const cause = useAppState((s) => s.outageCauses[view.key]);
  const why = cause && downReason(cause) !== null ? cause : view.error;
  // The same shared clock as the sidebar's status line, so both show the same number.
  const seconds = useClock(
    (now) => (view.retryAt === null ? 0 : secondsUntil(view.retryAt, now)),
    COUNTDOWN_INTERVAL_MS,
  );
  const detail = [downReason(why), unsentText(view.unsent)].filter(Boolean).join(' ');
  return (
    <div className="banner banner--warning">
      <Icon name="alert" />
      <div className="banner__text" role="status">
        <p className="banner__title">
          Reconnecting to {view.name}
          {seconds > 0 && (
            <span className="banner__countdown" aria-hidden="true">
              {` in ${seconds} s`}
            </span>
          )}
          …
        </p>
        {detail !== '' && <p className="banner__detail">{detail}</p>}
      </div>
    </div>
  );
}

export function ConnectionBanner({ server }: { server: string }) {
  const { api, store } = useParley();
  const view = useAppState(selectServer(server));
  if (!view || view.status === 'connected') return null;
  const unsent = unsentText(view.unsent);

  switch (view.status) {
    case 'connecting':
      return (
        <div className="banner banner--info" role="status">
          <Spinner />
          <span className="banner__text">Connecting to {view.name}…</span>
        </div>
      );
    case 'reconnecting':
      return <ReconnectingBanner view={view} />;
    case 'failed': {
      const reason = downReason(view.error);
      return (
        <div className="banner banner--error" role="alert">
          <Icon name="alert" />
          <div className="banner__text">
            <p className="banner__title">Disconnected from {view.name}.</p>
            {(reason || unsent) && <p className="banner__detail">{[reason, unsent].filter(Boolean).join(' ')}</p>}
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
    }
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
