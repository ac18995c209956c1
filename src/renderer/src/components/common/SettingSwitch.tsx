/**
 * One on/off setting as a row: its label, a hint under it, and a switch (role="switch") named by
 * the label and described by the hint. aria-disabled rather than disabled while a change is being
 * saved, so keyboard focus stays on the switch.
 */
import type { ReactNode } from 'react';

interface SettingSwitchProps {
  /** A unique id (useId) the label and hint ids derive from. */
  id: string;
  label: string;
  hint: ReactNode;
  checked: boolean;
  busy: boolean;
  onToggle: () => void;
}

export function SettingSwitch({ id, label, hint, checked, busy, onToggle }: SettingSwitchProps) {
  return (
    <div className="iface">
      <span className="iface__text">
        <span id={`${id}-label`} className="iface__name">
          {label}
        </span>
        <span id={`${id}-hint`} className="iface__addresses">
          {hint}
        </span>
      </span>
      <button
        type="button"
        role="switch"
        className="switch"
        aria-checked={checked}
        aria-labelledby={`${id}-label`}
        aria-describedby={`${id}-hint`}
        aria-disabled={busy || undefined}
        onClick={() => {
          if (!busy) onToggle();
        }}
      >
        <span className="switch__track" aria-hidden="true">
          <span className="switch__thumb" />
        </span>
        <span className="switch__state" aria-hidden="true">
          {checked ? 'On' : 'Off'}
        </span>
      </button>
    </div>
  );
}
