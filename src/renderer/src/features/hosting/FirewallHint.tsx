/**
 * The firewall prompt, explained (firewall-hint.ts): one line where you start hosting, and a
 * paragraph in the diagnostics view. Desktop app only: a browser never hosts, and its user agent
 * says nothing about the computer that does.
 */
import { useAppState } from '../../hooks/use-parley.ts';
import { currentDesktopOs, firewallDiagnosticsText, firewallHint } from './firewall-hint.ts';

function useIsDesktopHost(): boolean {
  return useAppState((s) => s.appInfo?.platform === 'electron' && s.appInfo.canHost);
}

export function FirewallHint() {
  if (!useIsDesktopHost()) return null;
  return <p className="notice firewall-hint">{firewallHint(currentDesktopOs())}</p>;
}

export function FirewallDiagnosticsNote() {
  if (!useIsDesktopHost()) return null;
  return (
    <section className="diagnostics__section" aria-labelledby="diagnostics-firewall">
      <h3 id="diagnostics-firewall" className="diagnostics__heading">
        When you host a room
      </h3>
      <p className="cause__text">{firewallDiagnosticsText(currentDesktopOs())}</p>
    </section>
  );
}
