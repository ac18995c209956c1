/**
 * Game events: every change to a game of a room we are in (`gameChanged`), and a room's games
 * listed after the session (re)joined it (`roomGames`). An invitation to us is also a toast, so
 * it is seen when the room is not on screen.
 */
import type { EventWiring } from '../../state/api-events.ts';
import { toastShown } from '../../state/ui-slice.ts';
import { roomKey } from '../conversations/conversation-key.ts';
import { gameReceived, roomGamesListed } from './games-slice.ts';
import { invitationNotice } from './game-text.ts';

export const gameEvents: EventWiring = ({ api, store }) => [
  api.on('gameChanged', ({ server, room, game, serverTime }) => {
    const key = roomKey(server, room);
    const state = store.getState();
    const known = state.games[key]?.[game.id] !== undefined;
    gameReceived(store, key, game, serverTime);
    const selfId = state.servers[server]?.self?.id;
    if (!known && game.status === 'invited' && game.invitee === selfId) {
      toastShown(store, invitationNotice(game, state.conversations[key]?.title ?? null), 'info');
    }
  }),
  api.on('roomGames', ({ server, room, page }) => roomGamesListed(store, roomKey(server, room), page)),
];
