/** "Host a room" calls (see ../hosting.ts). */
import type { ParleyApiCalls } from '../../../../shared/api/contract.ts';
import type { SessionContext } from './context.ts';

export function hostingCalls(
  ctx: SessionContext,
): Pick<ParleyApiCalls, 'getHostStatus' | 'startHosting' | 'stopHosting'> {
  return {
    getHostStatus: async () => ctx.hosting.view,
    startHosting: async (request) => {
      ctx.assertOpen();
      return ctx.hosting.start(request);
    },
    stopHosting: () => ctx.hosting.stop(),
  };
}
