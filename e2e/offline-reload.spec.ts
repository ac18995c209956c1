/**
 * The browser build keeps its app shell in a service worker (src/renderer/public/sw.js): a reload
 * while the server is down shows Parley saying it is reconnecting — not the browser's error
 * page — and the app carries on by itself once the server is back on the same port.
 */
import { ChatPage } from './support/chat-page.ts';
import { expect, test } from './support/fixtures.ts';

test('a reload while the server is down shows "reconnecting" and recovers when it is back', async ({
  openUser,
  server,
}) => {
  const { page } = await openUser({ name: 'Ada' });
  const ada = new ChatPage(page);
  await ada.createRoom('general', 'Anything goes');
  await ada.send('before the outage');
  await ada.expectSent('general', 'before the outage');
  // The worker installed and keeps the shell (it controls the page once activated).
  await expect
    .poll(() => page.evaluate<string>("navigator.serviceWorker.ready.then((r) => r.active?.state ?? 'none')"))
    .toBe('activated');

  await server.stop();
  await page.reload();
  await expect(page.getByText('Reconnecting to the server…')).toBeVisible();
  await expect(page.getByText(/cannot be reached right now/)).toBeVisible();

  await server.start();
  // Back where Ada was, history and all, without touching anything.
  await ada.expectConversation('Room general');
  await expect(ada.messages('general').getByText('before the outage', { exact: true })).toBeVisible();
  await ada.send('after the outage');
  await ada.expectSent('general', 'after the outage');
});
