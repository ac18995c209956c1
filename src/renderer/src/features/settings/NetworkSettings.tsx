/** Settings › Network: which adapters discovery uses (read when Settings opens), and help. */
import { useEffect } from 'react';
import { useParley } from '../../hooks/use-parley.ts';
import { loadInterfaces } from '../nearby/nearby-commands.ts';
import { dialogOpened } from '../../state/ui-slice.ts';
import { InterfaceList } from './InterfaceList.tsx';

export function NetworkSettings() {
  const { api, store } = useParley();
  useEffect(() => {
    void loadInterfaces(api, store);
  }, [api, store]);
  return (
    <section className="dialog__section network-settings" aria-labelledby="network-settings-heading">
      <h3 id="network-settings-heading" className="network-settings__title">
        Network
      </h3>
      <p className="network-settings__hint">
        Parley finds servers and announces yours on these adapters. Switch off the ones that lead nowhere useful, such
        as a VPN or Docker.
      </p>
      <InterfaceList />
      <button
        type="button"
        className="link-button link-button--muted network-settings__help"
        onClick={() => dialogOpened(store, { kind: 'diagnostics' })}
      >
        Can't see a server? Check your network
      </button>
    </section>
  );
}
