/**
 * A game in the room's timeline, live: the invitation (Accept / Decline, or Withdraw, and the
 * time left to answer), then the board with whose turn it is, the players' reconnect clocks,
 * Resign; at the end the result with the winning line, and Rematch (sides swapped). Every
 * member sees the same card; only the two players get the buttons. Changes are announced
 * (aria-live): the last move and whose turn it is, or the result.
 */
import { useId, useState } from 'react';
import type { GameInfo } from '../../../../shared/api/features/games.ts';
import { isOpenGame } from '../../../../shared/games/game-machine.ts';
import { COUNTDOWN_INTERVAL_MS, useClock } from '../../hooks/use-now.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { formatTime } from '../../lib/format-time.ts';
import { Avatar } from '../../components/common/Avatar.tsx';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { GameBoard } from './GameBoard.tsx';
import { Icon } from '../../components/common/Icon.tsx';
import { Mark } from './Mark.tsx';
import { gameAction, playCell } from './games-commands.ts';
import { EMPTY_GAMES, type GameEntry } from './games-slice.ts';
import {
  announcement,
  awayText,
  formatCountdown,
  invitationText,
  resultText,
  sideLabel,
  sideOf,
  turnText,
} from './game-text.ts';

/** Time left until `deadline` (server time), as "m:ss", re-read by the shared clock. */
function Countdown({ deadline, clockOffset }: { deadline: number; clockOffset: number }) {
  const text = useClock((now) => formatCountdown(deadline - (now + clockOffset)), COUNTDOWN_INTERVAL_MS);
  return <span className="game-card__clock">{text}</span>;
}

/** Under the status: the move count, and whether one is watching or when it ended. */
function progressText(game: GameInfo, playing: boolean, clockOffset: number): string {
  const moves = `${game.moves.length} ${game.moves.length === 1 ? 'move' : 'moves'}`;
  if (game.status === 'active') return playing ? `${moves} so far` : `${moves} so far · you are watching`;
  if (game.endedAt === null) return moves;
  const at = formatTime(game.endedAt - clockOffset);
  // "Ada won as X in 7 moves" says the count already.
  return game.status === 'won' ? `Ended at ${at}` : `${moves} · ended at ${at}`;
}

function statusPill(game: GameInfo): { text: string; tone: string } {
  switch (game.status) {
    case 'invited':
      return { text: 'Invitation', tone: 'invite' };
    case 'active':
      return { text: 'Live', tone: 'live' };
    case 'won':
    case 'resigned':
    case 'forfeited':
    case 'draw':
      return { text: 'Finished', tone: 'done' };
    default:
      return {
        text: game.status === 'expired' ? 'Expired' : game.status === 'declined' ? 'Declined' : 'Abandoned',
        tone: 'off',
      };
  }
}

function Player({ game, side, selfId }: { game: GameInfo; side: 'x' | 'o'; selfId: string | null }) {
  const player = game.players[side];
  const toMove = game.status === 'active' && game.turn === side;
  const won = game.winner === side;
  const away = game.away.some((a) => a.side === side);
  const classes = ['game-player'];
  if (toMove) classes.push('game-player--to-move');
  if (won) classes.push('game-player--winner');
  if (away) classes.push('game-player--away');
  return (
    <li className={classes.join(' ')}>
      <Mark side={side} className="game-player__mark" />
      <Avatar id={player.id} name={player.name} size="sm" />
      <span className="game-player__name">
        <bdi>{player.name}</bdi>
        {player.id === selfId && <span className="game-player__you"> (you)</span>}
      </span>
      <span className="visually-hidden">{` plays ${sideLabel(side)}`}</span>
      {toMove && !away && <span className="game-player__tag">to move</span>}
      {won && <span className="game-player__tag game-player__tag--won">winner</span>}
      {away && <span className="game-player__tag game-player__tag--away">away</span>}
    </li>
  );
}

export function GameCard({ server, conversation, id }: { server: string; conversation: ConversationKey; id: string }) {
  const { api, store } = useParley();
  const roomGames = useAppState((s) => s.games[conversation] ?? EMPTY_GAMES);
  const entry: GameEntry | undefined = roomGames[id];
  const selfId = useAppState((s) => s.servers[server]?.self?.id ?? null);
  const online = useAppState((s) => s.servers[server]?.status === 'connected');
  const [busy, setBusy] = useState(false);
  const [confirmResign, setConfirmResign] = useState(false);
  const titleId = useId();
  if (!entry) return null;
  const { game, clockOffset } = entry;
  const mySide = sideOf(game, selfId);
  const open = isOpenGame(game);
  const pill = statusPill(game);

  const run = (work: Promise<void>) => {
    setBusy(true);
    void work.finally(() => setBusy(false));
  };
  const act = (action: 'acceptGame' | 'declineGame' | 'resignGame' | 'rematchGame') =>
    run(gameAction(api, store, action, server, game));

  const rematch = Object.values(roomGames).find((e) => e.game.rematchOf === game.id && e.game.status === 'invited');
  const disabled = busy || !online;

  let body;
  if (game.status === 'invited') {
    body = (
      <div className="game-card__invite">
        <p className="game-card__line">{invitationText(game, selfId)}</p>
        <p className="game-card__meta">
          Expires in <Countdown deadline={game.expiresAt} clockOffset={clockOffset} />
        </p>
        {game.invitee === selfId ? (
          <div className="game-card__actions">
            <button
              type="button"
              className="button button--primary button--small"
              disabled={disabled}
              onClick={() => act('acceptGame')}
            >
              Accept
            </button>
            <button
              type="button"
              className="button button--small"
              disabled={disabled}
              onClick={() => act('declineGame')}
            >
              Decline
            </button>
          </div>
        ) : game.inviter === selfId ? (
          <div className="game-card__actions">
            <span className="game-card__waiting">Waiting for an answer…</span>
            <button
              type="button"
              className="button button--small"
              disabled={disabled}
              onClick={() => act('declineGame')}
            >
              Withdraw
            </button>
          </div>
        ) : null}
      </div>
    );
  } else if (game.status === 'declined' || game.status === 'expired') {
    body = <p className="game-card__line game-card__line--muted">{resultText(game)}</p>;
  } else {
    const myTurn = game.status === 'active' && mySide !== null && game.turn === mySide;
    body = (
      <div className="game-card__play">
        <GameBoard
          game={game}
          label={`Tic-tac-toe board, ${game.players.x.name} (X) against ${game.players.o.name} (O)`}
          playable={myTurn && !disabled}
          onPlay={(cell) => run(playCell(api, store, server, game, cell))}
        />
        <div className="game-card__side">
          {game.status === 'active' ? (
            <p className={`game-card__status${myTurn ? ' game-card__status--mine' : ''}`}>{turnText(game, selfId)}</p>
          ) : (
            <p className="game-card__status game-card__status--result">{resultText(game)}</p>
          )}
          <p className="game-card__meta">{progressText(game, mySide !== null, clockOffset)}</p>
          {game.status === 'active' && game.firstMoveBy !== null && (
            <p className="game-card__meta">
              First move within <Countdown deadline={game.firstMoveBy} clockOffset={clockOffset} />
            </p>
          )}
          {game.away.map((clock) => (
            <p key={clock.user} className="game-card__away">
              <span className="game-card__away-who">{awayText(game, clock.user, selfId)}</span>
              {clock.deadline === null ? (
                <span>Their clock is paused</span>
              ) : (
                <span>
                  Forfeits in <Countdown deadline={clock.deadline} clockOffset={clockOffset} />
                </span>
              )}
            </p>
          ))}
          {mySide !== null && game.status === 'active' && (
            <div className="game-card__actions">
              {confirmResign ? (
                <>
                  <span className="game-card__waiting">Give up this game?</span>
                  <button
                    type="button"
                    className="button button--small button--danger"
                    disabled={disabled}
                    onClick={() => {
                      setConfirmResign(false);
                      act('resignGame');
                    }}
                  >
                    Resign
                  </button>
                  <button type="button" className="button button--small" onClick={() => setConfirmResign(false)}>
                    Keep playing
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  className="button button--small"
                  disabled={disabled}
                  onClick={() => setConfirmResign(true)}
                >
                  <Icon name="flag" />
                  Resign
                </button>
              )}
            </div>
          )}
          {mySide !== null && !open && (
            <div className="game-card__actions">
              {rematch?.game.inviter === selfId ? (
                <span className="game-card__waiting">Rematch offered</span>
              ) : (
                <button
                  type="button"
                  className="button button--primary button--small"
                  disabled={disabled}
                  onClick={() => act('rematchGame')}
                >
                  <Icon name="swap" />
                  {rematch ? 'Accept rematch' : 'Rematch'}
                </button>
              )}
            </div>
          )}
        </div>
      </div>
    );
  }

  return (
    <article className={`game-card game-card--${pill.tone}`} aria-labelledby={titleId}>
      <header className="game-card__header">
        <span className="game-card__icon">
          <Icon name="gamepad" />
        </span>
        <div className="game-card__titles">
          <h3 id={titleId} className="game-card__title">
            Tic-tac-toe{game.rematchOf !== null ? ' · rematch' : ''}
          </h3>
          <p className="game-card__time">{formatTime(game.createdAt - clockOffset)}</p>
        </div>
        <span className={`game-pill game-pill--${pill.tone}`}>{pill.text}</span>
      </header>
      <ul className="game-card__players" aria-label="Players">
        <Player game={game} side="x" selfId={selfId} />
        <Player game={game} side="o" selfId={selfId} />
      </ul>
      {body}
      <p className="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement(game, selfId)}
      </p>
    </article>
  );
}
