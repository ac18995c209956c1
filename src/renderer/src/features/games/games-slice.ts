/**
 * Games slice: the games of each open room (from `gameChanged` and `roomGames`), each room's
 * scoreboard once asked for, and the games dialog (challenge, scoreboard).
 *
 * Every event carries a game's whole state with a `version`: of two copies the higher one is
 * kept, so a reply, an event and a room's listing may arrive in any order. With each copy the
 * slice keeps the offset of the server's clock to ours when it arrived: a countdown is
 * `deadline − (Date.now() + clockOffset)`, whatever the two clocks say.
 */
import type { GameInfo, GamePage, ScoreRow } from '../../../../shared/api/features/games.ts';
import { isOpenGame } from '../../../../shared/games/game-machine.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import type { AppStore } from '../../state/store.ts';

export interface GameEntry {
  game: GameInfo;
  /** serverTime − Date.now() when this copy arrived. */
  clockOffset: number;
}

export type GameDialog =
  | { kind: 'challenge'; conversation: ConversationKey; opponent: string | null }
  | { kind: 'scores'; conversation: ConversationKey };

export interface GamesState {
  /** Per room conversation key: its games by id. */
  games: Record<ConversationKey, Record<string, GameEntry>>;
  /** Per room: the scoreboard as last fetched. */
  gameScores: Record<ConversationKey, ScoreRow[]>;
  gameDialog: GameDialog | null;
}

export function initialGamesState(): GamesState {
  return { games: {}, gameScores: {}, gameDialog: null };
}

export const EMPTY_GAMES: Readonly<Record<string, GameEntry>> = Object.freeze({});

/** Whether `incoming` should replace `current` (a newer copy of the game). */
const isNewer = (current: GameEntry | undefined, incoming: GameInfo): boolean =>
  current === undefined || incoming.version > current.game.version;

/**
 * A game created or changed: the `gameChanged` event, or a call's answer (`serverTime` null: the
 * answer carries none, so the offset last known for the game — else of the room — is kept).
 */
export function gameReceived(store: AppStore, key: ConversationKey, game: GameInfo, serverTime: number | null): void {
  store.setState((s) => {
    const room = s.games[key] ?? EMPTY_GAMES;
    const current = room[game.id];
    if (!isNewer(current, game)) return s;
    const clockOffset =
      serverTime !== null ? serverTime - Date.now() : ((current ?? Object.values(room)[0])?.clockOffset ?? 0);
    const entry: GameEntry = { game, clockOffset };
    return { games: { ...s.games, [key]: { ...room, [game.id]: entry } } };
  });
}

/**
 * The room's games as the server listed them (after a join or rejoin). Open games we hold that
 * the listing does not have ended while we were away (and are older than its page): they go;
 * ended ones stay (older history). Of games in both, the higher version wins.
 */
export function roomGamesListed(store: AppStore, key: ConversationKey, page: GamePage): void {
  store.setState((s) => {
    const clockOffset = page.serverTime - Date.now();
    const listed = new Set([...page.open, ...page.ended].map((g) => g.id));
    const next: Record<string, GameEntry> = {};
    for (const [id, entry] of Object.entries(s.games[key] ?? EMPTY_GAMES)) {
      if (listed.has(id) || !isOpenGame(entry.game)) next[id] = entry;
    }
    for (const game of [...page.open, ...page.ended]) {
      if (isNewer(next[game.id], game)) next[game.id] = { game, clockOffset };
    }
    return { games: { ...s.games, [key]: next } };
  });
}

export function scoresLoaded(store: AppStore, key: ConversationKey, scores: ScoreRow[]): void {
  store.setState((s) => ({ gameScores: { ...s.gameScores, [key]: scores } }));
}

export function gameDialogOpened(store: AppStore, dialog: GameDialog): void {
  store.setState({ gameDialog: dialog, drawer: 'none' });
}

export function gameDialogClosed(store: AppStore): void {
  store.setState((s) => (s.gameDialog === null ? s : { gameDialog: null }));
}
