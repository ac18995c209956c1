/*
 * The browser build's service worker: keeps the app shell (index.html and the built files it
 * links) so that a reload while the server is down still shows Parley — "Reconnecting…" — and
 * carries on once the server is back, instead of the browser's error page. Registered by
 * src/renderer/src/lib/shell-cache.ts in the browser build only (never in Electron); served by
 * src/main/core/web/static-files.ts with `Cache-Control: no-cache`, so a new version is seen on
 * the next load.
 *
 * Strategy: the page itself network first (a new build shows at once when the server is up),
 * the cached copy when the network fails; hashed build files (assets/…-<hash>.…, immutable)
 * cache first; anything else network first. Only same-origin GETs are touched; the API is a
 * WebSocket, which service workers never see, and everything under /api/ (file bytes and upload
 * chunks: per tab, private, possibly huge) goes straight to the network, never into a cache.
 *
 * Plain JavaScript (Vite copies public/ as it is): no imports, no build step.
 */
/* global self, caches, fetch, URL */
'use strict';

const CACHE = 'parley-shell-v1';
const SHELL = new URL('./', self.registration.scope).href;
/** The gateway's own routes (/api/files/…, /api/upload/…): never answered from or put in a cache. */
const API_PREFIX = new URL('api/', SHELL).pathname;
const HASHED_ASSET = /\/assets\/(?:[^/]+\/)*[^/]+-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$/;

/** Same-origin files the page links (scripts, styles, icons), from its HTML. */
function linkedFiles(html, base) {
  const files = new Set();
  for (const match of html.matchAll(/\b(?:src|href)="([^"]+)"/g)) {
    let url;
    try {
      url = new URL(match[1], base);
    } catch {
      continue;
    }
    if (url.origin === self.location.origin && url.href !== base) files.add(url.href);
  }
  return [...files];
}

/**
 * Stores the page and everything it links, from a fresh network answer for the page, and drops
 * what an older build linked (hashed names: a new build links new files, the old ones go).
 */
async function keepShell(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  const linked = linkedFiles(html, SHELL);
  const missing = [];
  for (const file of linked) if (!(await cache.match(file, { ignoreVary: true }))) missing.push(file);
  await cache.addAll(missing);
  await cache.put(SHELL, response);
  const keep = new Set([SHELL, ...linked]);
  for (const request of await cache.keys()) {
    if (!keep.has(request.url) && HASHED_ASSET.test(new URL(request.url).pathname)) await cache.delete(request);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const response = await fetch(SHELL, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`the app shell answered ${response.status}`);
      await keepShell(response);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

async function pageFirstFromNetwork(event) {
  try {
    const response = await fetch(event.request);
    if (response.ok) event.waitUntil(keepShell(response.clone()).catch(() => {}));
    return response;
  } catch (error) {
    const cached = await caches.match(SHELL, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(API_PREFIX)) return;
  if (request.mode === 'navigate' || url.href === SHELL || url.pathname.endsWith('/index.html')) {
    event.respondWith(pageFirstFromNetwork(event));
  } else if (HASHED_ASSET.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(networkFirst(request));
  }
});
