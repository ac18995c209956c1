/** The games feature's line icons (24×24, stroke = currentColor), and the X and O marks. Decorative. */
const PATHS = {
  /** A game controller: games (the cards, the composer, the member list). */
  gamepad: [
    'M7.5 7h9a5 5 0 0 1 0 10h-.5l-2-2h-4l-2 2h-.5a5 5 0 0 1 0-10z',
    'M8.5 10v4',
    'M6.5 12h4',
    'M15.5 11h.01',
    'M17.5 13h.01',
  ],
  trophy: ['M8 21h8', 'M12 17v4', 'M7 4h10v5a5 5 0 0 1-10 0V4z', 'M17 6h3v1a3 3 0 0 1-3 3', 'M7 6H4v1a3 3 0 0 0 3 3'],
  flag: ['M4 22V4', 'M4 4h13l-2 4 2 4H4'],
  swap: ['M7 4 3 8l4 4', 'M3 8h14', 'M17 20l4-4-4-4', 'M21 16H7'],
} as const;

export type GameIconName = keyof typeof PATHS;

export function GameIcon({ name, className }: { name: GameIconName; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}

/** An X or an O as drawn on the board and next to the players' names. */
export function Mark({ side, className }: { side: 'x' | 'o'; className?: string }) {
  return (
    <svg
      className={`game-mark game-mark--${side}${className ? ` ${className}` : ''}`}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="3"
      strokeLinecap="round"
      aria-hidden="true"
      focusable="false"
    >
      {side === 'x' ? <path d="M6 6l12 12M18 6 6 18" /> : <circle cx="12" cy="12" r="7" />}
    </svg>
  );
}
