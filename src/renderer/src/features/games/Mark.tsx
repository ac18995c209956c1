/** The X and O marks of the games, as drawn on the board and next to the players' names. Decorative. */
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
