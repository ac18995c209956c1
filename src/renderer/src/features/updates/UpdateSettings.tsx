/**
 * Settings › Updates (the packaged desktop app only): the daily check's switch, and a line when a
 * downloaded version waits for a restart. Elsewhere (browser build, development run) the session
 * says updates are unavailable and nothing is shown.
 */
import { useEffect, useId, useState } from 'react';
import type { UpdateStatus } from '../../../../shared/api/contract.ts';
import { useParley } from '../../hooks/use-parley.ts';
import { errorMessage } from '../../lib/describe-error.ts';
import { SettingSwitch } from '../../components/common/SettingSwitch.tsx';

export function UpdateSettings() {
  const { api } = useParley();
  const id = useId();
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api
      .getUpdateStatus()
      .then((loaded) => live && setStatus(loaded))
      .catch(() => {}); // an older host without the call: no section
    const off = api.on('updateReady', ({ version }) => setStatus((s) => s && { ...s, readyVersion: version }));
    return () => {
      live = false;
      off();
    };
  }, [api]);

  if (!status?.available) return null;

  const toggle = async () => {
    setBusy(true);
    setProblem(null);
    try {
      setStatus(await api.setUpdateChecks(!status.checksEnabled));
    } catch (error) {
      setProblem(`Could not change the setting: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="dialog__section network-settings" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} className="network-settings__title">
        Updates
      </h3>
      <SettingSwitch
        id={id}
        label="Check for updates once a day"
        hint="In the background, when the internet is there; a new version installs when you restart Parley. Chatting on your network never needs the internet."
        checked={status.checksEnabled}
        busy={busy}
        onToggle={() => void toggle()}
      />
      {status.readyVersion && (
        <p className="notice" role="status">
          Parley {status.readyVersion} is ready: restart Parley to install it.
        </p>
      )}
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
