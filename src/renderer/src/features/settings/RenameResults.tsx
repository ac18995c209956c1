/** After a rename: which connected servers took the new name and which refused it (and why). */
import type { DisplayNameResult } from '../../../../shared/api/contract.ts';
import { useAppState } from '../../hooks/use-parley.ts';
import { Icon } from '../../components/common/Icon.tsx';

function refusal(code: string | undefined, message: string | undefined, name: string): string {
  if (code === 'name_taken') return `Someone there already uses “${name}”.`;
  if (code === 'not_connected') return 'Not connected; the name is used when it reconnects.';
  return message ?? 'The server refused the name.';
}

export function RenameResults({ result }: { result: DisplayNameResult }) {
  const servers = useAppState((s) => s.servers);
  if (result.servers.length === 0) {
    return <p className="notice notice--success">Saved. Servers you join will see you as “{result.displayName}”.</p>;
  }
  const refused = result.servers.filter((s) => !s.ok).length;
  return (
    <div className={refused > 0 ? 'notice notice--warning' : 'notice notice--success'} role="status">
      <p className="notice__title">
        {refused === 0
          ? `Saved. You are “${result.displayName}” everywhere.`
          : `Saved, but ${refused} ${refused === 1 ? 'server' : 'servers'} refused it.`}
      </p>
      <ul className="rename-results">
        {result.servers.map((s) => (
          <li key={s.key} className={s.ok ? 'rename-results__ok' : 'rename-results__refused'}>
            <Icon name={s.ok ? 'check' : 'alert'} />
            <span>
              <strong>{servers[s.key]?.name ?? s.key}</strong>:{' '}
              {s.ok ? 'updated.' : refusal(s.code, s.message, result.displayName)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
