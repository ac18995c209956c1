/**
 * Settings › Downloads (desktop app): downloads go to the system's Downloads folder, or — with
 * the switch on — a save dialog asks where, each time. The browser build has its own setting.
 */
import { useEffect, useId, useState } from 'react';
import type { FileSettings as Settings } from '../../../../shared/api/contract.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { errorMessage } from '../../lib/describe-error.ts';
import { SettingSwitch } from '../../components/common/SettingSwitch.tsx';

export function FileSettings() {
  const { api } = useParley();
  const id = useId();
  const desktop = useAppState((s) => s.appInfo?.platform === 'electron');
  const [settings, setSettings] = useState<Settings | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!desktop) return;
    let live = true;
    api
      .getFileSettings()
      .then((loaded) => live && setSettings(loaded))
      .catch(() => {}); // an older host without the call: no section
    return () => {
      live = false;
    };
  }, [api, desktop]);

  if (!desktop || settings === null) return null;

  const toggle = async () => {
    setBusy(true);
    setProblem(null);
    try {
      setSettings(await api.setFileSettings({ askWhereToSave: !settings.askWhereToSave }));
    } catch (error) {
      setProblem(`Could not change the setting: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="dialog__section network-settings" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} className="network-settings__title">
        Downloads
      </h3>
      <SettingSwitch
        id={id}
        label="Ask where to save each file"
        hint={
          settings.askWhereToSave
            ? 'Parley asks for a folder and a name every time you download a file.'
            : 'Files go to your Downloads folder; a file with the same name there gets a number added.'
        }
        checked={settings.askWhereToSave}
        busy={busy}
        onToggle={() => void toggle()}
      />
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
