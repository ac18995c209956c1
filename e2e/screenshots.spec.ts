/**
 * Screenshots of every main screen, written to docs/screenshots/*.png on every run (they are
 * the pictures the docs show; look at them after a UI change). Each is taken once what it shows
 * is really there, so they double as a smoke test of those screens.
 */
import { ChatPage } from './support/chat-page.ts';
import { expect, test } from './support/fixtures.ts';
import { shoot } from './support/look.ts';
import { busyRoom } from './support/scenes.ts';

test.describe.configure({ mode: 'parallel' });

// Home is shot in e2e/nearby.spec.ts, by the desktop renderer: the browser build selects its server
// as soon as it connects, so it never shows Home.
test('screenshots: first run and an empty server', async ({ openUser }) => {
  const { page } = await openUser();
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  await shoot(page, 'onboarding');

  await page.getByLabel('Display name').fill('Ada');
  await page.getByRole('button', { name: 'Continue' }).click();
  const ada = new ChatPage(page);
  await expect(ada.sidebar.getByRole('button', { name: /^Kitchen\b.*Connected/ })).toBeVisible();

  await ada.browseRooms();
  await expect(page.getByRole('heading', { name: 'No rooms yet' })).toBeVisible();
  await shoot(page, 'room-browser-empty');
});

test('screenshots: room browser, chat (light and dark), settings, DM, phone, reconnecting', async ({
  openUser,
  server,
}) => {
  test.setTimeout(120_000);
  const { ada, bob } = await busyRoom(openUser);

  await bob.browseRooms();
  await expect(bob.page.getByRole('button', { name: 'Join random' })).toBeVisible();
  await shoot(bob.page, 'room-browser');

  await ada.showMembers();
  await shoot(ada.page, 'chat-light');
  await ada.page.emulateMedia({ colorScheme: 'dark' });
  await shoot(ada.page, 'chat-dark');
  await ada.page.emulateMedia({ colorScheme: 'light' });

  await ada.page.getByRole('button', { name: 'Settings' }).click();
  await expect(ada.page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await shoot(ada.page, 'settings');
  await ada.page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close', exact: true }).click();

  const members = await ada.showMembers();
  await members.getByRole('button', { name: /^Bob\b/ }).click();
  await ada.expectConversation('Conversation with Bob');
  await ada.send('Can you grab the adapter from my desk?');
  await expect(bob.sidebar.getByRole('button', { name: /^Ada\b/ })).toBeVisible();
  await bob.openConversation('Ada');
  await bob.send('Sure, on my way.');
  await ada.expectSent('Bob', 'Can you grab the adapter from my desk?');
  await expect(ada.messageRow('Bob', 'Sure, on my way.')).toBeVisible();
  await shoot(ada.page, 'dm');

  // A phone (390×844, touch): the chat, then the sidebar drawer.
  const phone = new ChatPage(
    (
      await openUser({
        name: 'Dee',
        contextOptions: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
      })
    ).page,
  );
  await phone.joinRoom('general');
  await expect(phone.messageRow('general', 'Count me in')).toBeVisible();
  await shoot(phone.page, 'phone-chat');
  await phone.revealSidebar();
  await expect(phone.sidebar.getByRole('button', { name: /^general\b/ })).toBeVisible();
  await shoot(phone.page, 'phone-sidebar');
  await phone.page.keyboard.press('Escape');
  await expect(phone.sidebar).toBeHidden();

  // The server goes away: the banner, and a message waiting for the connection.
  await ada.openConversation('general');
  await ada.expectConversation('Room general');
  await server.stop();
  await expect(ada.page.getByText(/^Reconnecting to Kitchen( in \d+ s)?…$/)).toBeVisible();
  await ada.send('Back in five');
  await expect(ada.messageRow('general', 'Back in five').getByText('Waiting for the connection…')).toBeVisible();
  await shoot(ada.page, 'reconnecting');
});
