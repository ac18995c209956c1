/**
 * Games in rooms (src/shared/protocol/features/games.ts). A placeholder until the server's games
 * feature lands: every game request is answered `unknown_type`, exactly what a server without
 * games says, so clients already handle it.
 */
import type { ServerContext } from '../context.ts';
import type { FeatureRequests, MemberCall } from '../dispatcher.ts';

type GameRequest =
  | 'game_invite'
  | 'game_accept'
  | 'game_decline'
  | 'game_move'
  | 'game_resign'
  | 'game_rematch'
  | 'game_list'
  | 'game_scores';

const notYet = <T extends GameRequest>() => ({
  access: 'member' as const,
  handler({ fail }: MemberCall<T>) {
    fail('unknown_type', 'This server does not support games yet');
  },
});

export function gamesFeature(_context: ServerContext) {
  const requests = {
    game_invite: notYet<'game_invite'>(),
    game_accept: notYet<'game_accept'>(),
    game_decline: notYet<'game_decline'>(),
    game_move: notYet<'game_move'>(),
    game_resign: notYet<'game_resign'>(),
    game_rematch: notYet<'game_rematch'>(),
    game_list: notYet<'game_list'>(),
    game_scores: notYet<'game_scores'>(),
  } satisfies FeatureRequests;
  return { requests };
}
