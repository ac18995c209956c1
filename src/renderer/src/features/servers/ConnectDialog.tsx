/** Connect to a server by address (host, host:port, [IPv6]:port), checked before connecting. */
import { useState, type FormEvent } from 'react';
import { DEFAULT_PORT } from '../../../../shared/protocol/constants.ts';
import { useParley } from '../../hooks/use-parley.ts';
import { useSubmission } from '../../hooks/use-submission.ts';
import { describeConnectionError } from '../../lib/describe-error.ts';
import { parseAddress } from './parse-address.ts';
import { connectTo } from './servers-commands.ts';
import { Dialog } from '../../components/common/Dialog.tsx';
import { Field } from '../../components/common/Field.tsx';
import { FormActions } from '../../components/common/FormActions.tsx';

export function ConnectDialog({ onClose }: { onClose: () => void }) {
  const { api, store } = useParley();
  const [value, setValue] = useState('');
  const [touched, setTouched] = useState(false);
  const { busy, problem, setProblem, run } = useSubmission();
  const check = parseAddress(value);
  const error = problem ?? (touched && !check.ok ? check.reason : null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!check.ok) return;
    await run(async () => {
      const view = await connectTo(api, store, check.host, check.port);
      if (view.status === 'connected' || view.status === 'connecting') {
        onClose();
      } else {
        const reason = describeConnectionError(view.error) ?? 'No answer.';
        setProblem(
          view.status === 'reconnecting'
            ? `Could not reach ${view.key}: ${reason} Parley keeps trying in the background.`
            : `${view.key} refused the connection: ${reason}`,
        );
      }
    });
  }

  return (
    <Dialog
      title="Connect to a server"
      description="Join a Parley server on your network by its address. Ask the host for it."
      onClose={onClose}
    >
      <form className="form" onSubmit={submit} noValidate>
        <Field
          label="Server address"
          name="address"
          placeholder={`192.168.1.20:${DEFAULT_PORT}`}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          inputMode="url"
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
            setProblem(null);
          }}
          onBlur={() => value !== '' && setTouched(true)}
          error={error}
          hint={`Host name or IP address; add :port if it is not ${DEFAULT_PORT}.`}
        />
        <FormActions onCancel={onClose} busy={busy} label="Connect" busyLabel="Connecting…" />
      </form>
    </Dialog>
  );
}
