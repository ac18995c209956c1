/** Start hosting: an optional server name and port; one click with the defaults. */
import { useState, type FormEvent } from 'react';
import { DEFAULT_PORT } from '../../../../shared/protocol/constants.ts';
import { checkRoomName } from '../../../../shared/text-rules.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { useSubmission } from '../../hooks/use-submission.ts';
import { startHosting } from './hosting-commands.ts';
import { FirewallHint } from './FirewallHint.tsx';
import { Dialog } from '../../components/common/Dialog.tsx';
import { Field } from '../../components/common/Field.tsx';
import { FormActions } from '../../components/common/FormActions.tsx';

function checkPort(text: string): { ok: true; port: number | undefined } | { ok: false; reason: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, port: undefined };
  if (!/^\d{1,5}$/u.test(trimmed) || Number(trimmed) < 1 || Number(trimmed) > 65535) {
    return { ok: false, reason: 'The port must be a number from 1 to 65535.' };
  }
  return { ok: true, port: Number(trimmed) };
}

export function HostDialog({ onClose }: { onClose: () => void }) {
  const { api, store } = useParley();
  const displayName = useAppState((s) => s.displayName) ?? '';
  const [name, setName] = useState('');
  const [portText, setPortText] = useState('');
  const { busy, problem, setProblem, run } = useSubmission();
  const nameCheck = name.trim() === '' ? null : checkRoomName(name);
  const nameError = nameCheck && !nameCheck.ok ? nameCheck.reason : null;
  const port = checkPort(portText);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (nameError || !port.ok) return;
    await run(async () => {
      const options: { name?: string; port?: number } = {};
      if (nameCheck?.ok) options.name = nameCheck.value;
      if (port.port !== undefined) options.port = port.port;
      const view = await startHosting(api, store, options);
      if (view.status === 'failed') setProblem(view.error ?? 'The server could not start.');
      else onClose();
    });
  }

  return (
    <Dialog
      title="Host a room"
      description="Start a Parley server on this computer. Everyone on your network can join it while Parley runs."
      onClose={onClose}
    >
      <form className="form" onSubmit={submit} noValidate>
        <Field
          label="Server name (optional)"
          name="serverName"
          placeholder={`${displayName}'s rooms`}
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={nameError}
        />
        <Field
          label="Port (optional)"
          name="port"
          inputMode="numeric"
          placeholder={String(DEFAULT_PORT)}
          value={portText}
          onChange={(event) => setPortText(event.target.value)}
          error={port.ok ? null : port.reason}
          hint="Leave empty for the usual port. Change it if another program already uses it."
        />
        <FirewallHint />
        {problem && (
          <p className="notice notice--error" role="alert">
            {problem}
          </p>
        )}
        <FormActions onCancel={onClose} busy={busy} label="Start hosting" busyLabel="Starting…" autoFocusSubmit />
      </form>
    </Dialog>
  );
}
