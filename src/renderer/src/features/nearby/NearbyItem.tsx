/**
 * One nearby server: name, room count and host name, "Yours" for the one this app hosts, and
 * its connection when we are on it — then it is the same server as in the list above, and
 * choosing it selects that server instead of connecting again.
 */
import { useState } from 'react';
import type { NearbyServerView } from '../../../../shared/api/contract.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { initials } from '../../lib/avatar.ts';
import { linkedServer, openNearby } from './nearby-commands.ts';
import { StatusDot } from '../../components/common/StatusDot.tsx';

const CONNECTION_TEXT = { connected: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…' } as const;

export function NearbyItem({ server }: { server: NearbyServerView }) {
  const { api, store } = useParley();
  const linked = useAppState((s) => linkedServer(s, server));
  const selected = useAppState((s) => linked !== null && s.selectedServer === linked.key);
  const [opening, setOpening] = useState(false);
  const rooms = `${server.rooms} ${server.rooms === 1 ? 'room' : 'rooms'}`;
  const status = linked?.status;
  const linkedStatus = status === 'connected' || status === 'connecting' || status === 'reconnecting' ? status : null;
  // Our connection to it: the server list's, or the one being opened from here.
  const connection = linkedStatus ?? (opening ? 'connecting' : null);

  async function open() {
    if (opening) return;
    setOpening(true);
    try {
      await openNearby(api, store, server);
    } finally {
      setOpening(false);
    }
  }

  let iconClass = 'server__icon nearby-server__icon';
  if (server.hosted) iconClass = 'server__icon server__icon--hosted';
  else if (linked) iconClass = 'server__icon';

  return (
    <li className={selected ? 'server nearby-server nearby-server--selected' : 'server nearby-server'}>
      <button
        type="button"
        className="server__row"
        aria-busy={opening || undefined}
        aria-current={selected ? 'true' : undefined}
        title={`${server.addresses.join(', ')} · port ${server.port}`}
        onClick={() => void open()}
      >
        <span className={iconClass} aria-hidden="true">
          {initials(server.name)}
        </span>
        <span className="server__text">
          <span className="nearby-server__title">
            <span className="server__name">{server.name}</span>
            {server.hosted && <span className="nearby-tag nearby-tag--yours">Yours</span>}
          </span>
          <span className="server__status">
            {connection !== null && <StatusDot status={connection} />}
            <span className="nearby-server__meta">
              {connection !== null && `${CONNECTION_TEXT[connection]} · `}
              {rooms} · {server.host}
            </span>
          </span>
        </span>
      </button>
    </li>
  );
}
