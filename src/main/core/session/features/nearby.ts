/** Nearby servers and discovery settings (see ../nearby.ts). */
import type { ParleyApiCalls } from '../../../../shared/api/contract.ts';
import type { SessionContext } from './context.ts';

export function nearbyCalls(
  ctx: SessionContext,
): Pick<ParleyApiCalls, 'listNearby' | 'connectNearby' | 'listInterfaces' | 'setInterfaceEnabled' | 'runDiagnostics'> {
  return {
    listNearby: async () => ctx.nearby.views(),
    connectNearby: async (id) => {
      ctx.assertOpen();
      return ctx.nearby.connect(id);
    },
    listInterfaces: async () => ctx.nearby.interfaces(),
    setInterfaceEnabled: async (name, enabled) => ctx.nearby.setInterfaceEnabled(name, enabled),
    runDiagnostics: () => ctx.nearby.diagnostics(),
  };
}
