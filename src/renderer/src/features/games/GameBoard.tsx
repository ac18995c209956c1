/**
 * The board as an ARIA grid: three rows of three cells, each a button named by its place and
 * content ("Row 1, column 2, empty"). One cell is in the tab order; the arrow keys (and Home /
 * End) move between cells, Enter or Space plays the focused one. Cells stay focusable when they
 * cannot be played (aria-disabled), so a spectator or a player waiting can read the board too.
 */
import { useRef, useState, type KeyboardEvent } from 'react';
import type { GameInfo } from '../../../../shared/api/features/games.ts';
import { Mark } from './Mark.tsx';
import { cellLabel } from './game-text.ts';

const ROWS = [0, 1, 2] as const;

/** The cell an arrow key leads to from `cell` (it stops at the edges). */
export function cellAfterKey(cell: number, key: string): number | null {
  const row = Math.floor(cell / 3);
  const column = cell % 3;
  switch (key) {
    case 'ArrowLeft':
      return column > 0 ? cell - 1 : cell;
    case 'ArrowRight':
      return column < 2 ? cell + 1 : cell;
    case 'ArrowUp':
      return row > 0 ? cell - 3 : cell;
    case 'ArrowDown':
      return row < 2 ? cell + 3 : cell;
    case 'Home':
      return row * 3;
    case 'End':
      return row * 3 + 2;
    default:
      return null;
  }
}

export function GameBoard({
  game,
  label,
  playable,
  onPlay,
}: {
  game: GameInfo;
  label: string;
  /** The viewer may play now (their turn, nothing on its way). */
  playable: boolean;
  onPlay: (cell: number) => void;
}) {
  const [focused, setFocused] = useState(() => Math.max(0, game.board.indexOf(null)));
  const cells = useRef<(HTMLButtonElement | null)[]>([]);
  const line = new Set(game.line ?? []);
  const lastMove = game.moves.at(-1);

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>, cell: number) {
    const next = cellAfterKey(cell, event.key);
    if (next === null) return;
    event.preventDefault();
    setFocused(next);
    cells.current[next]?.focus();
  }

  return (
    <div
      role="grid"
      aria-label={label}
      className={`game-board${playable ? ' game-board--playable' : ''}${game.line ? ' game-board--won' : ''}`}
    >
      {ROWS.map((row) => (
        <div role="row" key={row} className="game-board__row">
          {ROWS.map((column) => {
            const cell = row * 3 + column;
            const content = game.board[cell] ?? null;
            const canPlay = playable && content === null;
            const classes = ['game-cell'];
            if (line.has(cell)) classes.push('game-cell--line');
            if (cell === lastMove && game.line === null) classes.push('game-cell--last');
            if (canPlay) classes.push('game-cell--open');
            return (
              <div role="gridcell" key={cell} className="game-board__gridcell">
                <button
                  type="button"
                  ref={(element) => {
                    cells.current[cell] = element;
                  }}
                  className={classes.join(' ')}
                  tabIndex={cell === focused ? 0 : -1}
                  aria-label={cellLabel(cell, content)}
                  aria-disabled={canPlay ? undefined : true}
                  onFocus={() => setFocused(cell)}
                  onKeyDown={(event) => onKeyDown(event, cell)}
                  onClick={() => {
                    if (canPlay) onPlay(cell);
                  }}
                >
                  {content !== null && <Mark side={content} />}
                </button>
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}
