/**
 * Game calls: each asks the server and puts its answer in the slice (the `gameChanged` event
 * brings the same game too; the higher version wins). A refusal becomes a toast in words
 * (game-text.ts), or — for the challenge dialog — is handed back to show next to the form.
 */
import type { ParleyApi } from '../../../../shared/api/contract.ts';
import type { GameInfo } from '../../../../shared/api/features/games.ts';
import { toastShown } from '../../state/ui-slice.ts';
import type { AppStore } from '../../state/store.ts';
import { roomKey } from '../conversations/conversation-key.ts';
import { gameReceived, scoresLoaded } from './games-slice.ts';
import { describeGameError } from './game-text.ts';

export type GameSide = 'x' | 'o' | 'random';

/** A call's answer: the game as the server has it now (the event with the same version adds nothing). */
function received(store: AppStore, server: string, game: GameInfo): GameInfo {
  gameReceived(store, roomKey(server, game.room), game, null);
  return game;
}

/** Sends a challenge; resolves with null on success, else the reason in words. */
export async function challenge(
  api: ParleyApi,
  store: AppStore,
  server: string,
  room: string,
  opponent: string,
  side: GameSide,
): Promise<string | null> {
  try {
    received(store, server, await api.inviteGame(server, room, opponent, side));
    return null;
  } catch (error) {
    return describeGameError(error);
  }
}

type GameAction = 'acceptGame' | 'declineGame' | 'resignGame' | 'rematchGame';

/** Accept, decline / withdraw, resign or rematch; a refusal shows as a toast. */
export async function gameAction(
  api: ParleyApi,
  store: AppStore,
  action: GameAction,
  server: string,
  game: GameInfo,
): Promise<void> {
  try {
    received(store, server, await api[action](server, game.room, game.id));
  } catch (error) {
    toastShown(store, describeGameError(error));
  }
}

/** Plays a cell as the game's next move number (a stale board is refused, never applied). */
export async function playCell(api: ParleyApi, store: AppStore, server: string, game: GameInfo, cell: number) {
  try {
    received(store, server, await api.playMove(server, game.room, game.id, cell, game.nextMove));
  } catch (error) {
    toastShown(store, describeGameError(error));
  }
}

export async function loadScores(
  api: ParleyApi,
  store: AppStore,
  server: string,
  room: string,
): Promise<string | null> {
  try {
    scoresLoaded(store, roomKey(server, room), await api.gameScores(server, room));
    return null;
  } catch (error) {
    return describeGameError(error);
  }
}
