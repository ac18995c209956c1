/**
 * Where focus goes when what had it went away (the Leave button of a room just left, the button
 * that opened a dialog whose view is gone): into the main column, never to the page itself —
 * keyboard and screen-reader users would otherwise start over from the top of the document.
 * The composer when there is one and the device has a keyboard (a touch screen would pop up its
 * keyboard), else the main view's heading (focusable with tabIndex -1).
 */
export function focusMainView(): void {
  const main = document.getElementById('main');
  if (!main) return;
  const coarse = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
  const target = (coarse ? null : main.querySelector<HTMLElement>('textarea')) ?? main.querySelector<HTMLElement>('h1');
  (target ?? main).focus();
}

/** True when nothing in particular has focus (it fell back to the page). */
export function focusIsLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || active === document.documentElement;
}
