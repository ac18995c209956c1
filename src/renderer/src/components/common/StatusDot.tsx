/** A coloured dot for a server's connection status (the status is also said in words nearby). */
import type { ServerStatus } from '../../../../shared/api/contract.ts';

export function StatusDot({ status }: { status: ServerStatus }) {
  return <span className={`status-dot status-dot--${status}`} aria-hidden="true" />;
}
