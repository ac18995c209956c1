/**
 * A modal dialog on the native <dialog> element: the browser makes the rest of the page inert,
 * traps focus and closes on Escape (the `cancel` event), which we turn into `onClose`. Focus
 * returns to whatever had it before the dialog opened, or to the main view if that is gone.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { focusMainView } from '../../lib/focus-main.ts';
import { Icon } from './Icon.tsx';

export function Dialog({
  title,
  description,
  onClose,
  children,
}: {
  title: string;
  description?: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    // Autofocus: the element marked data-autofocus, else the first field.
    const first =
      dialog?.querySelector<HTMLElement>('[data-autofocus]') ??
      dialog?.querySelector<HTMLElement>('input, textarea, select');
    first?.focus();
    return () => {
      if (dialog?.open && typeof dialog.close === 'function') dialog.close();
      // The opener may be gone (creating a room replaced the room list with the room): then the
      // main view, not the page.
      if (opener?.isConnected) opener.focus();
      else focusMainView();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        onCloseRef.current();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          onCloseRef.current();
        }
      }}
      onMouseDown={(event) => {
        // A press on the backdrop (the dialog element itself, outside the panel) closes it.
        if (event.target === event.currentTarget) onCloseRef.current();
      }}
    >
      <div className="dialog__panel">
        <header className="dialog__header">
          <h2 id={titleId} className="dialog__title">
            {title}
          </h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={() => onCloseRef.current()}>
            <Icon name="close" />
          </button>
        </header>
        {description && (
          <p id={descriptionId} className="dialog__description">
            {description}
          </p>
        )}
        {children}
      </div>
    </dialog>
  );
}
