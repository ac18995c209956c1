/** Short-lived notifications (errors of background actions), announced politely. */
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { toastDismissed } from '../../state/ui-slice.ts';
import { Icon } from './Icon.tsx';

export function Toasts() {
  const { store } = useParley();
  const toasts = useAppState((s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast--${toast.tone}`}>
          <span className="toast__text">{toast.text}</span>
          {toast.action && (
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                toastDismissed(store, toast.id);
                toast.action!.run();
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button
            type="button"
            className="icon-button icon-button--small"
            aria-label="Dismiss"
            onClick={() => toastDismissed(store, toast.id)}
          >
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  );
}
