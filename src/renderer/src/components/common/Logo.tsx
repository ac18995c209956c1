/** The Parley mark: two overlapping speech bubbles. */
export function Logo({ large = false }: { large?: boolean }) {
  return (
    <svg className={large ? 'logo logo--large' : 'logo'} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect className="logo__back" x="9" y="4" width="20" height="16" rx="6" />
      <path
        className="logo__front"
        d="M3 14a6 6 0 0 1 6-6h8a6 6 0 0 1 6 6v4a6 6 0 0 1-6 6h-6l-5 4v-4.5A6 6 0 0 1 3 18z"
      />
    </svg>
  );
}
