/**
 * Registers the service worker that keeps the app shell (public/sw.js) — in the browser build
 * only: the desktop app loads its files from disk and has nothing to cache. Browsers offer
 * service workers only in a secure context (https, or http on localhost/127.0.0.1); elsewhere
 * (http on a LAN address) this does nothing and a reload while the server is down shows the
 * browser's error page as before.
 */
export function registerShellCache(isDesktop: boolean): void {
  if (isDesktop) return;
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return;
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register(new URL('sw.js', location.href), { scope: './' }).catch((error: unknown) => {
    // Not fatal: the app works without it, only a reload while the server is down does not.
    console.warn('parley: the app shell will not be kept for offline reloads', error);
  });
}
