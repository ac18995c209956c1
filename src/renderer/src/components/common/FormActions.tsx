/** A dialog form's buttons: Cancel, and the submit button that says what it is doing while busy. */
export function FormActions({
  onCancel,
  busy,
  label,
  busyLabel,
  autoFocusSubmit = false,
}: {
  onCancel: () => void;
  busy: boolean;
  label: string;
  busyLabel: string;
  /** The submit button takes the dialog's first focus (data-autofocus, see Dialog). */
  autoFocusSubmit?: boolean;
}) {
  return (
    <div className="form__actions">
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      <button
        type="submit"
        className="button button--primary"
        disabled={busy}
        {...(autoFocusSubmit ? { 'data-autofocus': true } : {})}
      >
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}
