/**
 * The app and its settings: app info, the display name (applied to every server), links, and the
 * update setting (only a packaged desktop app updates itself; its main process answers those calls,
 * src/main/updates, so the session — shared with the headless server and the browser build —
 * reports updates as unavailable).
 */
import type { ApiResults, ParleyApiCalls } from '../../../../shared/api/contract.ts';
import { ApiError } from '../../../../shared/api/proxy.ts';
import { checkDisplayName } from '../../../../shared/text-rules.ts';
import { toApiError } from '../api-errors.ts';
import type { SessionContext } from './context.ts';

type ServerOutcome = ApiResults['setDisplayName']['servers'][number];

export function settingsCalls(
  ctx: SessionContext,
): Pick<
  ParleyApiCalls,
  'getAppInfo' | 'getSettings' | 'setDisplayName' | 'openLink' | 'getUpdateStatus' | 'setUpdateChecks'
> {
  return {
    getAppInfo: async () => ({ ...ctx.app }),

    getSettings: async () => ({ displayName: ctx.servers.profile.displayName }),

    async setDisplayName(raw) {
      ctx.assertOpen();
      const check = checkDisplayName(raw);
      if (!check.ok) throw new ApiError('name_invalid', check.reason);
      const name = check.value;
      ctx.servers.profile.displayName = name;
      ctx.servers.persist();
      ctx.emit('settingsChanged', { displayName: name });
      // Servers not connected right now get the name with their next hello.
      const entries = [...ctx.live.values()];
      const connected = entries.filter((entry) => entry.client.connected);
      for (const entry of entries) if (!entry.client.connected) void entry.setName(name);
      const servers = await Promise.all(
        connected.map(async (entry): Promise<ServerOutcome> => {
          try {
            await entry.setName(name);
            return { key: entry.key, ok: true };
          } catch (error) {
            const { code, message } = toApiError(error);
            return { key: entry.key, ok: false, code, message };
          }
        }),
      );
      return { displayName: name, servers };
    },

    async openLink() {
      // The desktop app opens links in the system browser (ipc/register-api.ts); a browser opens
      // links itself.
      throw new ApiError('not_supported', 'Opening links is not available here');
    },

    getUpdateStatus: async () => ({ available: false, checksEnabled: false, readyVersion: null }),

    async setUpdateChecks() {
      throw new ApiError('not_supported', 'Updates are not available here');
    },
  };
}
