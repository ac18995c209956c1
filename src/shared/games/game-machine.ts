/**
 * The game state machine, one pure module for every game kind (the kind's rules come in through
 * `GameRules`, game-rules.ts). It never reads a clock or a random source: time is the `now` of
 * each event and randomness an injected function, so the server, the tests and a replay after a
 * restart all compute the same states. A game is plain JSON: the server stores it, sends it as
 * the wire's `GameInfo` and reads it back after a restart.
 *
 *   invited ──accept──▶ active ──move (winning)──▶ won
 *      │                  ├────move (board full)─▶ draw
 *      ├─decline─▶ declined  (by the invitee; by the inviter it withdraws the invitation)
 *      └─expire──▶ expired   (invitationMs after the invitation)
 *                         ├────resign────────────▶ resigned   (the other side wins)
 *                         ├────abandon───────────▶ abandoned  (no first move within firstMoveMs)
 *                         └────forfeit───────────▶ forfeited  (an away player's clock ran out on their turn)
 *
 * Timers are data, not callbacks: `expiresAt`, `firstMoveBy` and each away player's clock
 * (`away[].deadline`) are in the state; `nextDeadline(game)` says when the server must look
 * again and `dueTimer(game, now)` which timer event is due then. A player event that arrives at
 * or after a due deadline is judged as if the timer had fired first (so a move that raced a
 * forfeit is refused `game_over`, never applied).
 *
 * The reconnect clock ("a player who disconnects during their turn has 60 s to come back; the
 * clock does not run during the other player's turn"): a player who goes `away` (disconnected,
 * or left the room) gets a clock of `reconnectMs`. It runs only while it is that player's turn
 * and at least one move was made (before the first move the abandon timer decides); otherwise it
 * is paused and keeps its `remainingMs`. `deadline` = `runningSince + remainingMs` while it runs.
 * Coming `back` removes the clock: a later disconnection starts from a full allowance again (a
 * connected player has no move clock at all, so there is nothing to gain by reconnecting).
 */
import type { GameKind, GameRules } from './game-rules.ts';

export type GameStatus =
  'invited' | 'active' | 'won' | 'draw' | 'resigned' | 'forfeited' | 'abandoned' | 'declined' | 'expired';

/** Statuses in which a game is still open (shown live, counted by `game_busy`). */
export const OPEN_GAME_STATUSES: readonly GameStatus[] = ['invited', 'active'];
/** Statuses with a winner or a draw: the ones the scoreboard counts. */
export const SCORED_GAME_STATUSES: readonly GameStatus[] = ['won', 'draw', 'resigned', 'forfeited'];

export const isOpenGame = (game: { status: GameStatus }): boolean => OPEN_GAME_STATUSES.includes(game.status);
export const isScoredGame = (game: { status: GameStatus }): boolean => SCORED_GAME_STATUSES.includes(game.status);

/** How long things may take, in ms. A server may configure them (tests use short ones). */
export interface GameTimings {
  /** An invitation not answered in this time expires. */
  invitationMs: number;
  /** A game whose first move is not made this long after it was accepted is abandoned. */
  firstMoveMs: number;
  /** An away player's allowance on their own turn before they forfeit. */
  reconnectMs: number;
}
export const DEFAULT_GAME_TIMINGS: GameTimings = {
  invitationMs: 5 * 60_000,
  firstMoveMs: 2 * 60_000,
  reconnectMs: 60_000,
};

/** A player as the game shows them: id and display name (updated by the server on rename). */
export interface PlayerRef {
  id: string;
  name: string;
}

/** The reconnect clock of a player who is away (see the module comment). */
export interface AwayClock<Side extends string> {
  user: string;
  side: Side;
  /** Allowance left, in ms (while running: as of `runningSince`). */
  remainingMs: number;
  /** Server time since which the clock runs, or null while paused (not this side's turn, or no move yet). */
  runningSince: number | null;
  /** When this player forfeits: `runningSince + remainingMs` while running, null while paused. */
  deadline: number | null;
}

export interface Game<Board, Move, Side extends string> {
  /** Server-issued id ("g_…"). */
  id: string;
  kind: GameKind;
  /** The room the game is played in; every member of it sees the game. */
  room: string;
  /** 1 at the invitation, +1 with every change: of two copies of a game, keep the higher version. */
  version: number;
  status: GameStatus;
  /** User id of who invited (`game_invite` / `game_rematch`). */
  inviter: string;
  /** User id of who was invited: the only one who may accept. */
  invitee: string;
  /** What the inviter asked for; `random` was resolved at the invitation (`players` says who got which). */
  sideChoice: Side | 'random';
  /** Who plays which side; `rules.sides[0]` (X) moves first. */
  players: Record<Side, PlayerRef>;
  /** The board after `moves` (tic-tac-toe: 9 cells, each 'x', 'o' or null). */
  board: Board;
  /** Every move in order (tic-tac-toe: the cells); move number n is `moves[n - 1]`. */
  moves: Move[];
  /** The side to move while `active`, else null. */
  turn: Side | null;
  /** The move number the next move must carry (`moves.length + 1`); a different one is `game_stale_move`. */
  nextMove: number;
  /** Server times, ms since the Unix epoch. */
  createdAt: number;
  /** The invitation expires at this time (kept after it was answered, for the record). */
  expiresAt: number;
  /** When the invitation was accepted; null before. */
  startedAt: number | null;
  /** While active with no move yet: abandoned at this time; else null. */
  firstMoveBy: number | null;
  /** When it reached its final status; null while open. */
  endedAt: number | null;
  /** Players of an open game who are away (disconnected or out of the room), with their clocks. */
  away: AwayClock<Side>[];
  /** won, resigned, forfeited: the side that won; else null. */
  winner: Side | null;
  /** won: the cells of the winning line (ascending); else null. */
  line: number[] | null;
  /** resigned: who resigned; forfeited: who ran out of time; declined: who declined or withdrew; else null. */
  endedBy: string | null;
  /** The game this one is a rematch of (sides swapped), or null. */
  rematchOf: string | null;
}

/** Why the machine refuses an event. All but `game_not_due` are wire error codes (error-codes.ts). */
export type GameRefusalCode =
  | 'game_not_player'
  | 'game_not_invited'
  | 'game_not_pending'
  | 'game_not_started'
  | 'game_over'
  | 'game_not_over'
  | 'game_not_your_turn'
  | 'game_cell_taken'
  | 'game_stale_move'
  | 'game_busy'
  | 'game_opponent_invalid'
  /** A timer event before its deadline (internal: the server only sends timer events when due). */
  | 'game_not_due';

export type GameResultOf<G> = { ok: true; game: G } | { ok: false; code: GameRefusalCode };

/** Events a player causes (from requests), presence events (from the server's hooks) and timer events. */
export type GameEvent<Move> =
  | { type: 'accept'; by: string; now: number }
  /** By the invitee: declined; by the inviter: the invitation is withdrawn. Both end in `declined`. */
  | { type: 'decline'; by: string; now: number }
  | { type: 'move'; by: string; move: Move; moveNumber: number; now: number }
  | { type: 'resign'; by: string; now: number }
  /** A player disconnected or left the room. */
  | { type: 'away'; user: string; now: number }
  /** An away player is connected and in the room again. */
  | { type: 'back'; user: string; now: number }
  /** A player renamed: an open game shows the new name (an ended one keeps the name it ended with). */
  | { type: 'rename'; user: PlayerRef; now: number }
  | GameTimerEvent;

export type GameTimerEvent =
  { type: 'expire'; now: number } | { type: 'abandon'; now: number } | { type: 'forfeit'; now: number };

export interface InviteInput<Side extends string> {
  id: string;
  room: string;
  inviter: PlayerRef;
  invitee: PlayerRef;
  side: Side | 'random';
  now: number;
  /** A number in [0, 1): below 0.5 gives the inviter `sides[0]`. Only called for `random`. */
  random: () => number;
}

export interface RematchInput {
  /** The new game's id. */
  id: string;
  /** Who asks for the rematch: a player of the ended game; they invite the other player. */
  by: string;
  now: number;
}

export interface GameMachine<Board, Move, Side extends string> {
  readonly rules: GameRules<Board, Move, Side>;
  readonly timings: GameTimings;
  /**
   * A new invitation. `roomGames`: the other open games of the room (for `game_busy`). Refused
   * `game_opponent_invalid` for oneself; checking that the invitee is a room member is the server's.
   */
  invite(
    input: InviteInput<Side>,
    roomGames?: readonly Game<Board, Move, Side>[],
  ): GameResultOf<Game<Board, Move, Side>>;
  /**
   * A new invitation from `by` to the other player of an ended game, with the sides swapped. If
   * `roomGames` holds an open rematch of `previous` already, that game instead: accepted when `by`
   * is its invitee, unchanged when `by` sent it (so a result's `id` may differ from `input.id`).
   */
  rematch(
    previous: Game<Board, Move, Side>,
    input: RematchInput,
    roomGames?: readonly Game<Board, Move, Side>[],
  ): GameResultOf<Game<Board, Move, Side>>;
  /**
   * Applies one event. `roomGames`: the other open games of the room (only `accept` reads them,
   * for `game_busy`). A refusal leaves the game unchanged.
   */
  apply(
    game: Game<Board, Move, Side>,
    event: GameEvent<Move>,
    roomGames?: readonly Game<Board, Move, Side>[],
  ): GameResultOf<Game<Board, Move, Side>>;
  /** The timer event due at `now`, if any. */
  dueTimer(game: Game<Board, Move, Side>, now: number): GameTimerEvent | null;
  /** The earliest deadline of an open game (when to call `settle` next), or null. */
  nextDeadline(game: Game<Board, Move, Side>): number | null;
  /** The game with every timer due at `now` applied (the same object when none is due). */
  settle(game: Game<Board, Move, Side>, now: number): Game<Board, Move, Side>;
}

const refuse = (code: GameRefusalCode) => ({ ok: false as const, code });

export function createGameMachine<Board, Move, Side extends string>(
  rules: GameRules<Board, Move, Side>,
  timings: GameTimings = DEFAULT_GAME_TIMINGS,
): GameMachine<Board, Move, Side> {
  type G = Game<Board, Move, Side>;
  const [first, second] = rules.sides;
  const other = (side: Side): Side => (side === first ? second : first);
  const sideOf = (game: G, user: string): Side | null =>
    game.players[first].id === user ? first : game.players[second].id === user ? second : null;
  const ok = (game: G) => ({ ok: true as const, game });

  /**
   * Is `user` playing an active game, or (as inviter) holding an open invitation, among `games`
   * as they are at `now` (a game whose timer is due no longer counts)?
   */
  const activeIn = (games: readonly G[], user: string, except: string, now: number) =>
    games.some((g) => g.id !== except && machine.settle(g, now).status === 'active' && sideOf(g, user) !== null);
  const invitingIn = (games: readonly G[], user: string, now: number) =>
    games.some((g) => machine.settle(g, now).status === 'invited' && g.inviter === user);

  /** The away clocks re-timed for the game's current turn (run on its turn after a first move, else paused). */
  function retime(game: G, now: number): AwayClock<Side>[] {
    return game.away.map((clock) => {
      const runs = game.status === 'active' && game.moves.length > 0 && game.turn === clock.side;
      if (runs && clock.runningSince === null) {
        return { ...clock, runningSince: now, deadline: now + clock.remainingMs };
      }
      if (!runs && clock.runningSince !== null) {
        const remainingMs = Math.max(0, (clock.deadline ?? now) - now);
        return { ...clock, remainingMs, runningSince: null, deadline: null };
      }
      return clock;
    });
  }

  /** A game that reached a final status at `now`. */
  function end(game: G, now: number, patch: Partial<G>): G {
    return {
      ...game,
      ...patch,
      version: game.version + 1,
      turn: null,
      firstMoveBy: null,
      endedAt: now,
      away: [],
    };
  }

  function newInvitation(
    id: string,
    room: string,
    inviter: PlayerRef,
    invitee: PlayerRef,
    inviterSide: Side,
    sideChoice: Side | 'random',
    now: number,
    rematchOf: string | null,
  ): G {
    // Copied field by field: a caller's richer user object (a server's connected user) must not
    // carry anything more onto the wire.
    const ref = (p: PlayerRef): PlayerRef => ({ id: p.id, name: p.name });
    const players = { [inviterSide]: ref(inviter), [other(inviterSide)]: ref(invitee) } as Record<Side, PlayerRef>;
    return {
      id,
      kind: rules.kind,
      room,
      version: 1,
      status: 'invited',
      inviter: inviter.id,
      invitee: invitee.id,
      sideChoice,
      players,
      board: rules.newBoard(),
      moves: [],
      turn: null,
      nextMove: 1,
      createdAt: now,
      expiresAt: now + timings.invitationMs,
      startedAt: null,
      firstMoveBy: null,
      endedAt: null,
      away: [],
      winner: null,
      line: null,
      endedBy: null,
      rematchOf,
    };
  }

  /** `game_busy` for a new invitation from `inviter` to `invitee`, or null. */
  function busy(roomGames: readonly G[], inviter: string, invitee: string, now: number): GameRefusalCode | null {
    if (
      activeIn(roomGames, inviter, '', now) ||
      invitingIn(roomGames, inviter, now) ||
      activeIn(roomGames, invitee, '', now)
    ) {
      return 'game_busy';
    }
    return null;
  }

  const machine: GameMachine<Board, Move, Side> = {
    rules,
    timings,

    invite(input, roomGames = []) {
      if (input.inviter.id === input.invitee.id) return refuse('game_opponent_invalid');
      const busyCode = busy(roomGames, input.inviter.id, input.invitee.id, input.now);
      if (busyCode) return refuse(busyCode);
      const inviterSide = input.side === 'random' ? (input.random() < 0.5 ? first : second) : input.side;
      return ok(
        newInvitation(input.id, input.room, input.inviter, input.invitee, inviterSide, input.side, input.now, null),
      );
    },

    rematch(previous, input, roomGames = []) {
      const bySide = sideOf(previous, input.by);
      if (bySide === null) return refuse('game_not_player');
      const current = machine.settle(previous, input.now);
      if (isOpenGame(current)) return refuse('game_not_over');
      // Both players clicking "Rematch" make one game: the second click accepts the first's
      // invitation, and the same player's second click answers their invitation again.
      const existing = roomGames
        .map((g) => machine.settle(g, input.now))
        .find((g) => g.rematchOf === previous.id && g.status === 'invited');
      if (existing && existing.inviter === input.by) return ok(existing);
      if (existing) {
        const others = roomGames.filter((g) => g.id !== existing.id);
        return machine.apply(existing, { type: 'accept', by: input.by, now: input.now }, others);
      }
      const busyCode = busy(roomGames, input.by, previous.players[other(bySide)].id, input.now);
      if (busyCode) return refuse(busyCode);
      // Sides swapped: whoever played sides[0] now plays sides[1], and the other way round.
      const newSide = other(bySide);
      return ok(
        newInvitation(
          input.id,
          previous.room,
          previous.players[bySide],
          previous.players[other(bySide)],
          newSide,
          newSide,
          input.now,
          previous.id,
        ),
      );
    },

    apply(game, event, roomGames = []) {
      if (event.type === 'expire' || event.type === 'abandon' || event.type === 'forfeit') {
        const due = machine.dueTimer(game, event.now);
        if (!due || due.type !== event.type) return refuse(isOpenGame(game) ? 'game_not_due' : 'game_over');
        return ok(fire(game, due));
      }
      // A player event after a due deadline is judged as if the timer had fired first.
      const current = machine.settle(game, event.now);
      const side = sideOf(
        current,
        'by' in event ? event.by : typeof event.user === 'string' ? event.user : event.user.id,
      );
      switch (event.type) {
        case 'accept': {
          if (event.by !== current.invitee) return refuse('game_not_invited');
          if (current.status !== 'invited') return refuse('game_not_pending');
          const { inviter, invitee } = current;
          if (
            activeIn(roomGames, inviter, current.id, event.now) ||
            activeIn(roomGames, invitee, current.id, event.now)
          ) {
            return refuse('game_busy');
          }
          const started: G = {
            ...current,
            version: current.version + 1,
            status: 'active',
            turn: first,
            startedAt: event.now,
            firstMoveBy: event.now + timings.firstMoveMs,
            away: current.away.filter((clock) => clock.user !== event.by),
          };
          return ok({ ...started, away: retime(started, event.now) });
        }
        case 'decline': {
          if (event.by !== current.invitee && event.by !== current.inviter) return refuse('game_not_invited');
          if (current.status !== 'invited') return refuse('game_not_pending');
          return ok(end(current, event.now, { status: 'declined', endedBy: event.by }));
        }
        case 'move': {
          if (side === null) return refuse('game_not_player');
          if (current.status === 'invited') return refuse('game_not_started');
          if (current.status !== 'active') return refuse('game_over');
          if (event.moveNumber !== current.nextMove) return refuse('game_stale_move');
          if (current.turn !== side) return refuse('game_not_your_turn');
          const played = rules.play(current.board, side, event.move);
          if (!played.ok) return refuse(played.code);
          const moved: G = {
            ...current,
            version: current.version + 1,
            board: played.board,
            moves: [...current.moves, event.move],
            nextMove: current.nextMove + 1,
            turn: other(side),
            firstMoveBy: null,
            // Whoever moves is evidently here.
            away: current.away.filter((clock) => clock.user !== event.by),
          };
          const outcome = rules.outcome(played.board);
          // The move and the end are one change: one version (end() counts it).
          const last: G = { ...moved, version: current.version };
          if (outcome && 'line' in outcome) {
            return ok(end(last, event.now, { status: 'won', winner: outcome.winner, line: [...outcome.line] }));
          }
          if (outcome) return ok(end(last, event.now, { status: 'draw' }));
          return ok({ ...moved, away: retime(moved, event.now) });
        }
        case 'resign': {
          if (side === null) return refuse('game_not_player');
          if (current.status === 'invited') return refuse('game_not_started');
          if (current.status !== 'active') return refuse('game_over');
          return ok(end(current, event.now, { status: 'resigned', winner: other(side), endedBy: event.by }));
        }
        case 'away': {
          if (side === null) return refuse('game_not_player');
          if (!isOpenGame(current)) return refuse('game_over');
          if (current.away.some((clock) => clock.user === event.user)) return ok(current);
          const clock: AwayClock<Side> = {
            user: event.user,
            side,
            remainingMs: timings.reconnectMs,
            runningSince: null,
            deadline: null,
          };
          const next: G = { ...current, version: current.version + 1, away: [...current.away, clock] };
          return ok({ ...next, away: retime(next, event.now) });
        }
        case 'rename': {
          if (side === null) return refuse('game_not_player');
          if (!isOpenGame(current)) return refuse('game_over');
          if (current.players[side].name === event.user.name) return ok(current);
          return ok({
            ...current,
            version: current.version + 1,
            players: { ...current.players, [side]: { id: event.user.id, name: event.user.name } },
          });
        }
        case 'back': {
          if (side === null) return refuse('game_not_player');
          if (!isOpenGame(current)) return refuse('game_over');
          if (!current.away.some((clock) => clock.user === event.user)) return ok(current);
          return ok({
            ...current,
            version: current.version + 1,
            away: current.away.filter((clock) => clock.user !== event.user),
          });
        }
      }
    },

    dueTimer(game, now) {
      if (game.status === 'invited') return now >= game.expiresAt ? { type: 'expire', now } : null;
      if (game.status !== 'active') return null;
      if (game.firstMoveBy !== null && now >= game.firstMoveBy) return { type: 'abandon', now };
      if (game.away.some((clock) => clock.deadline !== null && now >= clock.deadline)) return { type: 'forfeit', now };
      return null;
    },

    nextDeadline(game) {
      if (game.status === 'invited') return game.expiresAt;
      if (game.status !== 'active') return null;
      const deadlines = game.away.flatMap((clock) => (clock.deadline === null ? [] : [clock.deadline]));
      if (game.firstMoveBy !== null) deadlines.push(game.firstMoveBy);
      return deadlines.length > 0 ? Math.min(...deadlines) : null;
    },

    settle(game, now) {
      const due = machine.dueTimer(game, now);
      return due ? fire(game, due) : game;
    },
  };

  /**
   * Applies a due timer. The final time is the deadline itself, not when the server got to it
   * (a sweep that runs late, or a restart, records what the rules say happened).
   */
  function fire(game: G, due: GameTimerEvent): G {
    switch (due.type) {
      case 'expire':
        return end(game, game.expiresAt, { status: 'expired' });
      case 'abandon':
        return end(game, game.firstMoveBy ?? due.now, { status: 'abandoned' });
      case 'forfeit': {
        const clock = game.away.find((c) => c.deadline !== null && due.now >= c.deadline);
        if (!clock) return game;
        return end(game, clock.deadline ?? due.now, {
          status: 'forfeited',
          winner: other(clock.side),
          endedBy: clock.user,
        });
      }
    }
  }

  return machine;
}
