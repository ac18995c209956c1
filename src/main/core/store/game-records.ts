/**
 * The games' rows in the history database (migration 005): one row per game, its whole state
 * as JSON plus the columns the queries need. Written whole after every change (a game is a few
 * hundred bytes), read whole: the open games at start, one game by id, a page of a room's ended
 * games, and a room's scored games for its scoreboard.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { TableBytes } from './tree-bytes.ts';
import { SCORED_GAME_STATUSES } from '../../../shared/games/game-machine.ts';
import type { GameInfo } from '../../../shared/protocol/features/games.ts';

type Row = Record<string, string | number | null | Uint8Array>;

const parse = (row: Row): GameInfo => JSON.parse(row['state'] as string) as GameInfo;

/** Where a page of ended games starts: strictly older than this game (by ended time, then id). */
export interface EndedCursor {
  endedAt: number;
  id: string;
}

export class GameRecords {
  private readonly db: DatabaseSync;
  private readonly wrote: () => void;
  /** What the tables take (for metadataBytes). */
  private readonly size: TableBytes;
  private readonly stmt: Record<'save' | 'open' | 'byId' | 'newestEnded' | 'endedBefore' | 'scored', StatementSync>;

  /** `wrote` is told after every write (the history store's idle WAL checkpoint). */
  constructor(db: DatabaseSync, wrote: () => void) {
    this.db = db;
    this.size = new TableBytes(db, ['games']);
    this.wrote = () => {
      this.size.measure();
      wrote();
    };
    // The statuses come from the one definition (game-machine.ts), not a second list here.
    const scored = SCORED_GAME_STATUSES.map((status) => `'${status}'`).join(', ');
    this.stmt = {
      save: db.prepare(
        `INSERT INTO games (id, room, kind, status, version, created_at, ended_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, version = excluded.version,
           ended_at = excluded.ended_at, state = excluded.state`,
      ),
      open: db.prepare('SELECT state FROM games WHERE ended_at IS NULL ORDER BY room, created_at, id'),
      byId: db.prepare('SELECT state FROM games WHERE id = ?'),
      newestEnded: db.prepare(
        'SELECT state FROM games WHERE room = ? AND ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC LIMIT ?',
      ),
      endedBefore: db.prepare(
        `SELECT state FROM games WHERE room = ?1 AND ended_at IS NOT NULL AND (ended_at < ?2 OR (ended_at = ?2 AND id < ?3))
         ORDER BY ended_at DESC, id DESC LIMIT ?4`,
      ),
      scored: db.prepare(`SELECT state FROM games WHERE room = ? AND ended_at IS NOT NULL AND status IN (${scored})`),
    };
  }

  /**
   * Bytes of the database the games' rows take: the history size cap is about messages (as for
   * the files' rows, file-records.ts), so it leaves these out. Measured after each write with dbstat.
   */
  get metadataBytes(): number {
    return this.size.bytes;
  }

  /** Stores a new game or its new state (throws on a storage failure: then nothing changed). */
  save(game: GameInfo): void {
    this.stmt.save.run(
      game.id,
      game.room,
      game.kind,
      game.status,
      game.version,
      game.createdAt,
      game.endedAt,
      JSON.stringify(game),
    );
    this.wrote();
  }

  /** Every open game (invited or active) of every room: what a restarted server picks up. */
  openGames(): GameInfo[] {
    return (this.stmt.open.all() as Row[]).map(parse);
  }

  gameById(id: string): GameInfo | undefined {
    const row = this.stmt.byId.get(id) as Row | undefined;
    return row ? parse(row) : undefined;
  }

  /** Up to `limit` ended games of `room`, most recently ended first (ties by id), and whether older ones exist. */
  endedGames(room: string, limit: number, before?: EndedCursor): { games: GameInfo[]; hasMore: boolean } {
    const rows = (
      before
        ? this.stmt.endedBefore.all(room, before.endedAt, before.id, limit + 1)
        : this.stmt.newestEnded.all(room, limit + 1)
    ) as Row[];
    return { games: rows.slice(0, limit).map(parse), hasMore: rows.length > limit };
  }

  /** Every game of `room` with a result (won, draw, resigned, forfeited): the scoreboard's input. */
  scoredGames(room: string): GameInfo[] {
    return (this.stmt.scored.all(room) as Row[]).map(parse);
  }
}
