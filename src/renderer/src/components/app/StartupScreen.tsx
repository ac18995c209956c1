/**
 * Shown while the app loads, or when it could not reach its API (with the reason and Retry). In
 * the browser build, loading waits for the page's socket: while it is down (the page came from
 * the service worker's cache with its server away) it says so, and carries on once it is back.
 */
import { useEffect, useState } from 'react';
import { Logo } from '../common/Logo.tsx';
import { Spinner } from '../common/Spinner.tsx';

/** After this long, say that we are still trying (the browser build waits for its server). */
const SLOW_MS = 4000;

export function StartupScreen({
  error,
  onRetry,
  reconnecting = false,
}: {
  error?: string;
  onRetry?: () => void;
  reconnecting?: boolean;
}) {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), SLOW_MS);
    return () => clearTimeout(timer);
  }, []);
  return (
    <main className="startup">
      <Logo large />
      {error === undefined ? (
        <div className="startup__status" role="status">
          <p className="startup__text">
            <Spinner /> {reconnecting ? 'Reconnecting to the server…' : 'Starting Parley…'}
          </p>
          {reconnecting ? (
            <p className="startup__hint">
              The computer hosting Parley cannot be reached right now. Parley keeps trying and carries on by itself once
              it is back.
            </p>
          ) : (
            slow && (
              <p className="startup__hint">
                This is taking longer than usual. If you opened Parley in a browser, check that the computer hosting it
                is still on and on the same network — Parley keeps trying.
              </p>
            )
          )}
        </div>
      ) : (
        <div className="startup__error" role="alert">
          <h1 className="startup__title">Parley could not start</h1>
          <p className="startup__text">{error}</p>
          {onRetry && (
            <button type="button" className="button button--primary" onClick={onRetry}>
              Try again
            </button>
          )}
        </div>
      )}
    </main>
  );
}
