/**
 * "Can't see a server?": runs the discovery checks when opened (a few seconds), shows what they
 * found in plain words, the usual causes with what to do, and the by-address fallback.
 */
import { useEffect } from 'react';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { runDiagnostics } from '../nearby/nearby-commands.ts';
import { dialogOpened } from '../../state/ui-slice.ts';
import { Dialog } from '../../components/common/Dialog.tsx';
import { Icon } from '../../components/common/Icon.tsx';
import { Spinner } from '../../components/common/Spinner.tsx';
import { DiagnosticsReport } from './DiagnosticsReport.tsx';
import { LikelyCauses } from './LikelyCauses.tsx';
import { FirewallDiagnosticsNote } from '../hosting/FirewallHint.tsx';

export function DiagnosticsDialog({ onClose }: { onClose: () => void }) {
  const { api, store } = useParley();
  const diagnostics = useAppState((s) => s.diagnostics);
  const canConnectAnywhere = useAppState((s) => s.appInfo?.canConnectAnywhere ?? false);
  const running = diagnostics.status === 'running' || diagnostics.status === 'idle';

  useEffect(() => {
    void runDiagnostics(api, store);
  }, [api, store]);

  return (
    <Dialog
      title="Can't see a server?"
      description="Parley finds servers on your network by itself. These checks show what may be in the way."
      onClose={onClose}
    >
      <div className="diagnostics">
        <div className="diagnostics__body" aria-busy={running}>
          {running && (
            <p className="diagnostics__running" role="status">
              <Spinner /> Checking your network…
            </p>
          )}
          {diagnostics.status === 'error' && (
            <div className="notice notice--error" role="alert">
              <p className="notice__title">The checks could not run.</p>
              <p>{diagnostics.error}</p>
            </div>
          )}
          {diagnostics.status === 'ready' && <DiagnosticsReport result={diagnostics.result} />}
          <LikelyCauses result={diagnostics.status === 'ready' ? diagnostics.result : null} />
          <FirewallDiagnosticsNote />
        </div>
        <div className="diagnostics__footer">
          <button
            type="button"
            className="button"
            aria-disabled={running || undefined}
            onClick={() => {
              if (!running) void runDiagnostics(api, store);
            }}
          >
            <Icon name="refresh" className={running ? 'diagnostics__spin' : undefined} />
            Run again
          </button>
          {canConnectAnywhere && (
            <button
              type="button"
              className="button button--primary"
              onClick={() => dialogOpened(store, { kind: 'connect' })}
            >
              <Icon name="link" />
              Connect by address…
            </button>
          )}
        </div>
      </div>
    </Dialog>
  );
}
