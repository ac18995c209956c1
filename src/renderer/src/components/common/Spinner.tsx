/** A small activity indicator; pair it with text. */
export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}
