/** A server's status in a few words, for the sidebar and headers. */
import type { ServerView } from '../../../../shared/api/contract.ts';
import { secondsUntil } from '../../lib/format-time.ts';

export function serverStatusText(view: ServerView, now: number): string {
  switch (view.status) {
    case 'connected':
      return view.hosted ? 'Hosting · connected' : 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'reconnecting': {
      const seconds = view.retryAt === null ? 0 : secondsUntil(view.retryAt, now);
      return seconds > 0 ? `Reconnecting in ${seconds} s` : 'Reconnecting…';
    }
    case 'failed':
      return 'Disconnected';
    case 'idle':
      return 'Not connected';
  }
}
