/**
 * Settings: display name (with per-server outcome), network adapters (where discovery runs),
 * downloads (desktop app), updates (packaged desktop app) and about.
 */
import { useState } from 'react';
import type { DisplayNameResult } from '../../../../shared/api/contract.ts';
import { useAppState } from '../../hooks/use-parley.ts';
import { Dialog } from '../../components/common/Dialog.tsx';
import { DisplayNameForm } from './DisplayNameForm.tsx';
import { NetworkSettings } from './NetworkSettings.tsx';
import { RenameResults } from './RenameResults.tsx';
import { UpdateSettings } from '../updates/UpdateSettings.tsx';
import { FileSettings } from '../files/FileSettings.tsx';

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const displayName = useAppState((s) => s.displayName);
  const appInfo = useAppState((s) => s.appInfo);
  const [result, setResult] = useState<DisplayNameResult | null>(null);
  return (
    <Dialog title="Settings" onClose={onClose}>
      <section className="dialog__section" aria-label="Display name">
        <DisplayNameForm initial={displayName ?? ''} submitLabel="Save name" onSaved={setResult} />
        {result && <RenameResults result={result} />}
      </section>
      {appInfo?.canDiscover && <NetworkSettings />}
      <FileSettings />
      <UpdateSettings />
      <section className="dialog__section dialog__section--muted" aria-label="About">
        <p>
          Parley {appInfo?.version ?? ''} · {appInfo?.platform === 'web' ? 'in the browser' : 'desktop app'}
        </p>
        <p>Light or dark follows your system setting.</p>
      </section>
    </Dialog>
  );
}
