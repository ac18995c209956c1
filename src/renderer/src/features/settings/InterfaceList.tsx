/**
 * The network interfaces discovery uses, each with an on/off switch (Settings and the
 * diagnostics view show the same list, from the store). Virtual adapters say what they are.
 */
import { useId } from 'react';
import type { NetworkInterfaceView } from '../../../../shared/api/contract.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { loadInterfaces, setInterfaceEnabled } from '../nearby/nearby-commands.ts';
import { Spinner } from '../../components/common/Spinner.tsx';

export function InterfaceList() {
  const { api, store } = useParley();
  const { status, list, error, pending } = useAppState((s) => s.interfaces);

  if (list.length === 0) {
    if (status === 'error') {
      return (
        <div className="notice notice--error" role="alert">
          <p>Could not list the network adapters: {error}</p>
          <button type="button" className="button button--small" onClick={() => void loadInterfaces(api, store)}>
            Try again
          </button>
        </div>
      );
    }
    if (status === 'ready') {
      return <p className="iface-list__empty">No network adapters found. Is this computer connected to a network?</p>;
    }
    return (
      <p className="iface-list__empty" role="status">
        <Spinner /> Looking at your network adapters…
      </p>
    );
  }

  return (
    <>
      {status === 'error' && (
        <p className="notice notice--error" role="alert">
          Could not refresh the network adapters: {error}
        </p>
      )}
      <ul className="iface-list">
        {list.map((item) => (
          <InterfaceRow
            key={item.name}
            item={item}
            busy={pending.includes(item.name)}
            onToggle={() => void setInterfaceEnabled(api, store, item.name, !item.enabled)}
          />
        ))}
      </ul>
      {list.every((item) => !item.enabled) && (
        <p className="notice notice--warning">
          Every adapter is switched off: Parley cannot find servers or announce yours. Switch one on.
        </p>
      )}
    </>
  );
}

function InterfaceRow({ item, busy, onToggle }: { item: NetworkInterfaceView; busy: boolean; onToggle: () => void }) {
  const id = useId();
  return (
    <li className={item.virtual ? 'iface iface--virtual' : 'iface'}>
      <span className="iface__text">
        <span id={`${id}-name`} className="iface__name">
          {item.name}
          <span className={item.virtual ? 'iface__kind iface__kind--virtual' : 'iface__kind'}> · {item.kind}</span>
        </span>
        <span id={`${id}-addresses`} className="iface__addresses">
          {item.addresses.length > 0 ? item.addresses.join(', ') : 'No address'}
          {item.virtual && ' · virtual adapter'}
        </span>
      </span>
      {/* A button with role="switch": Space and Enter toggle it, and it stays focusable while the change is sent. */}
      <button
        type="button"
        role="switch"
        className="switch"
        aria-checked={item.enabled}
        aria-labelledby={`${id}-name`}
        aria-describedby={`${id}-addresses`}
        aria-disabled={busy || undefined}
        onClick={() => {
          if (!busy) onToggle();
        }}
      >
        <span className="switch__track" aria-hidden="true">
          <span className="switch__thumb" />
        </span>
        <span className="switch__state" aria-hidden="true">
          {item.enabled ? 'On' : 'Off'}
        </span>
      </button>
    </li>
  );
}
