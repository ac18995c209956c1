/**
 * "If a server still doesn't show up": the usual causes in plain words, each with what to do.
 * Causes the checks point at are marked as likely.
 */
import type { DiscoveryDiagnostics } from '../../../../shared/api/contract.ts';
import { DEFAULT_PORT } from '../../../../shared/protocol/constants.ts';

const VPN_KIND = /vpn|tunnel|wireguard|tailscale|zerotier/iu;

interface Cause {
  id: string;
  title: string;
  text: string;
  likely: boolean;
}

function causes(result: DiscoveryDiagnostics | null): Cause[] {
  const vpns = result?.interfaces.filter((i) => i.enabled && (VPN_KIND.test(i.kind) || VPN_KIND.test(i.name))) ?? [];
  return [
    {
      id: 'firewall',
      title: 'A firewall blocks Parley',
      text:
        `Allow Parley through the firewall on both computers: UDP port 5353 (mDNS) lets servers be found, and the ` +
        `server's TCP port (${DEFAULT_PORT} unless the host changed it) lets you connect. On Windows, set the ` +
        `network to Private.`,
      likely: result !== null && !result.selfTest.ok,
    },
    {
      id: 'isolation',
      title: 'The Wi-Fi keeps devices apart',
      text:
        'Guest networks and some routers stop devices from seeing each other (“client” or “AP isolation”). ' +
        'Join the same regular network, use a network cable, or connect by address.',
      likely: false,
    },
    {
      id: 'vpn',
      title: 'A VPN captures the traffic',
      text:
        vpns.length > 0
          ? `Pause the VPN, or switch its adapter (${vpns.map((i) => i.name).join(', ')}) off under Network adapters.`
          : 'Pause the VPN, or switch its adapter off under Network adapters.',
      likely: vpns.length > 0,
    },
    {
      id: 'subnets',
      title: 'You are on different networks',
      text:
        'Discovery does not cross routers: both computers must be on the same network (subnet). Otherwise ' +
        'connect by address.',
      likely: false,
    },
  ];
}

export function LikelyCauses({ result }: { result: DiscoveryDiagnostics | null }) {
  return (
    <section className="diagnostics__section" aria-labelledby="diagnostics-causes">
      <h3 id="diagnostics-causes" className="diagnostics__heading">
        If a server still doesn't show up
      </h3>
      <ul className="causes">
        {causes(result).map((cause) => (
          <li key={cause.id} className={cause.likely ? 'cause cause--likely' : 'cause'}>
            <p className="cause__title">
              {cause.title}
              {cause.likely && <span className="cause__likely">Likely here</span>}
            </p>
            <p className="cause__text">{cause.text}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
