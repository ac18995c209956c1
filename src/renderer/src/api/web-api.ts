/** The ParleyApi over a WebSocket to parley-server --web. (Being written: see src/main/core/web.) */
import type { ParleyApi } from '../../../shared/api/contract.ts';

export function createWebApi(url: string): ParleyApi {
  throw new Error(`web API not implemented yet (${url})`);
}
