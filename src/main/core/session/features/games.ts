/**
 * Games in rooms (src/shared/api/features/games.ts). A placeholder until the session's games
 * feature lands: every call rejects `not_supported`.
 */
import type { ParleyApiCalls } from '../../../../shared/api/contract.ts';
import { ApiError } from '../../../../shared/api/proxy.ts';
import type { SessionContext } from './context.ts';

type GameCallName =
  'inviteGame' | 'acceptGame' | 'declineGame' | 'playMove' | 'resignGame' | 'rematchGame' | 'listGames' | 'gameScores';

export function gameCalls(_ctx: SessionContext): Pick<ParleyApiCalls, GameCallName> {
  const notYet = () => Promise.reject(new ApiError('not_supported', 'Games are not available yet'));
  return {
    inviteGame: notYet,
    acceptGame: notYet,
    declineGame: notYet,
    playMove: notYet,
    resignGame: notYet,
    rematchGame: notYet,
    listGames: notYet,
    gameScores: notYet,
  };
}
