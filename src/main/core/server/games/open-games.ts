/**
 * The open games (invited or active) the server holds in memory, by id and by room. Ended games
 * live only in the store: they never change again, and are read back for `game_list`, a
 * rematch, or a late request about them.
 */
import { isOpenGame } from '../../../../shared/games/game-machine.ts';
import type { GameInfo } from '../../../../shared/protocol/features/games.ts';

export class OpenGames {
  private readonly byId = new Map<string, GameInfo>();
  private readonly byRoom = new Map<string, Map<string, GameInfo>>();

  get(id: string): GameInfo | undefined {
    return this.byId.get(id);
  }

  /** Records a game's new state: kept while it is open, dropped once it ended. */
  put(game: GameInfo): void {
    let room = this.byRoom.get(game.room);
    if (!isOpenGame(game)) {
      this.byId.delete(game.id);
      room?.delete(game.id);
      if (room?.size === 0) this.byRoom.delete(game.room);
      return;
    }
    if (!room) {
      room = new Map();
      this.byRoom.set(game.room, room);
    }
    this.byId.set(game.id, game);
    room.set(game.id, game);
  }

  /** The open games of a room, oldest first (the order `game_list` answers). */
  inRoom(room: string): GameInfo[] {
    const games = [...(this.byRoom.get(room)?.values() ?? [])];
    return games.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  countInRoom(room: string): number {
    return this.byRoom.get(room)?.size ?? 0;
  }

  all(): IterableIterator<GameInfo> {
    return this.byId.values();
  }
}
