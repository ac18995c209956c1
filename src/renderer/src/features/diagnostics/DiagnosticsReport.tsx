/** What the diagnostics run found: this machine, its adapters, the self-test, searching and hosting. */
import type { DiscoveryDiagnostics } from '../../../../shared/api/contract.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { InterfaceList } from '../settings/InterfaceList.tsx';

function list(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** An error text inside a sentence: without its own final full stop. */
function clause(text: string): string {
  return text.replace(/[.\s]+$/u, '');
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function DiagnosticsReport({ result }: { result: DiscoveryDiagnostics }) {
  const { selfTest, browsing, advertising } = result;
  return (
    <div className="diagnostics__report">
      <section className="diagnostics__section" aria-labelledby="diagnostics-machine">
        <h3 id="diagnostics-machine" className="diagnostics__heading">
          This computer
        </h3>
        <p>
          Its name on the network is <strong className="diagnostics__host">{result.hostName}</strong>.
        </p>
      </section>

      <section className="diagnostics__section" aria-labelledby="diagnostics-interfaces">
        <h3 id="diagnostics-interfaces" className="diagnostics__heading">
          Network adapters
        </h3>
        <p className="diagnostics__hint">Parley searches and announces on the adapters switched on here.</p>
        <InterfaceList />
      </section>

      <section className="diagnostics__section" aria-labelledby="diagnostics-self-test">
        <h3 id="diagnostics-self-test" className="diagnostics__heading">
          Self-test
        </h3>
        {selfTest.ok ? (
          <p className="diagnostics__result diagnostics__result--ok">
            <Icon name="check" />
            <span>
              Your computer hears its own announcements — discovery works on this machine.
              {selfTest.heardOn.length > 0 && ` (Heard on ${list(selfTest.heardOn)}.)`}
            </span>
          </p>
        ) : selfTest.error !== null ? (
          <p className="diagnostics__result diagnostics__result--bad">
            <Icon name="alert" />
            <span>
              The self-test could not run: {clause(selfTest.error)}. Without it Parley cannot find servers or announce
              yours on this computer.
            </span>
          </p>
        ) : (
          <p className="diagnostics__result diagnostics__result--bad">
            <Icon name="alert" />
            <span>
              Your computer did not hear its own announcement. Something on this machine — usually a firewall or
              security program — blocks discovery traffic (UDP port 5353), or none of the adapters switched on is
              connected. Until that is fixed, other computers won't see your server and you won't see theirs.
            </span>
          </p>
        )}
      </section>

      <section className="diagnostics__section" aria-labelledby="diagnostics-activity">
        <h3 id="diagnostics-activity" className="diagnostics__heading">
          Searching and hosting
        </h3>
        <ul className="diagnostics__facts">
          <li>
            {browsing.active
              ? `Parley is searching your network and sees ${plural(result.nearbyCount, 'server', 'servers')} right now.`
              : `Parley is not searching your network${browsing.error === null ? '.' : `: ${clause(browsing.error)}.`}`}
          </li>
          <li>
            {advertising === null
              ? 'You are not hosting a server, so this computer announces nothing. That is fine if you only want to join one.'
              : `You are hosting “${advertising.name}” on port ${advertising.port} and announcing it on your network.`}
          </li>
        </ul>
      </section>
    </div>
  );
}
