/**
 * Choose or change the display name. Checked as the server checks it (checkDisplayName) while
 * typing, so problems are explained before anything is sent.
 */
import { useState, type FormEvent } from 'react';
import type { DisplayNameResult } from '../../../../shared/api/contract.ts';
import { MAX_NAME_CHARS } from '../../../../shared/protocol/constants.ts';
import { checkDisplayName } from '../../../../shared/text-rules.ts';
import { useParley } from '../../hooks/use-parley.ts';
import { useSubmission } from '../../hooks/use-submission.ts';
import { setDisplayName } from './settings-commands.ts';
import { Field } from '../../components/common/Field.tsx';

export function DisplayNameForm({
  initial,
  submitLabel,
  onSaved,
  autoFocus = false,
}: {
  initial: string;
  submitLabel: string;
  onSaved?: (result: DisplayNameResult) => void;
  /**
   * Focus the field on mount: on a first-run screen whose only job is this field. Not in the
   * Settings dialog, which focuses its first field itself (and returns focus when closed).
   */
  autoFocus?: boolean;
}) {
  const { api, store } = useParley();
  const [value, setValue] = useState(initial);
  const [touched, setTouched] = useState(false);
  const { busy, problem: apiError, setProblem: setApiError, run } = useSubmission();
  const check = checkDisplayName(value);
  const error = apiError ?? (touched && !check.ok ? check.reason : null);
  const unchanged = check.ok && check.value === initial;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!check.ok) return;
    await run(async () => {
      const result = await setDisplayName(api, store, check.value);
      setValue(result.displayName);
      setTouched(false);
      onSaved?.(result);
    });
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <Field
        label="Display name"
        name="displayName"
        autoComplete="nickname"
        autoFocus={autoFocus}
        spellCheck={false}
        value={value}
        onChange={(event) => {
          setValue(event.target.value);
          setApiError(null);
          if (event.target.value.length > 0) setTouched(true);
        }}
        onBlur={() => setTouched(true)}
        error={error}
        hint={`How others see you, up to ${MAX_NAME_CHARS} characters.`}
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy || unchanged}>
          {busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
