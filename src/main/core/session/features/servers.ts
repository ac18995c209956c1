/** The server list: list, connect (by address), disconnect (kept as idle), forget. */
import { serverKeyOf, type ParleyApiCalls } from '../../../../shared/api/contract.ts';
import { ApiError } from '../../../../shared/api/proxy.ts';
import { normalizeHost } from '../server-list.ts';
import type { SessionContext } from './context.ts';

export function serverCalls(
  ctx: SessionContext,
): Pick<ParleyApiCalls, 'listServers' | 'connectServer' | 'disconnectServer' | 'forgetServer'> {
  return {
    async listServers() {
      const keys = new Set<string>(ctx.servers.keys());
      for (const key of ctx.live.keys()) keys.add(key);
      return ctx.servers.sort([...keys].map((key) => ctx.view(key)));
    },

    async connectServer(address) {
      ctx.assertOpen();
      const host = normalizeHost(address.host);
      const allowed = ctx.allowedServer;
      if (allowed && (host !== normalizeHost(allowed.host) || address.port !== allowed.port)) {
        throw new ApiError(
          'not_allowed',
          `Only ${serverKeyOf(normalizeHost(allowed.host), allowed.port)} can be joined from here`,
        );
      }
      return ctx.connect(host, address.port);
    },

    async disconnectServer(key) {
      const entry = ctx.live.get(key);
      if (!entry) return;
      ctx.drop(entry);
      if (ctx.servers.saved(key)) ctx.emit('serverChanged', ctx.view(key));
    },

    async forgetServer(key) {
      const entry = ctx.live.get(key);
      if (entry) ctx.drop(entry);
      const forgotten = ctx.servers.forget(key);
      if (entry || forgotten) ctx.emit('serverRemoved', { key });
    },
  };
}
