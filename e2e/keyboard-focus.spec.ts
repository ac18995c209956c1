/**
 * Keyboard use: the message list shows where focus is (react-virtuoso's inline `outline: none`
 * must not win), and focus lands somewhere useful after creating or leaving a room — never on
 * the page itself.
 */
import { ChatPage } from './support/chat-page.ts';
import { expect, test } from './support/fixtures.ts';

test('the message list shows a focus ring when reached with the keyboard', async ({ openUser }) => {
  const { page } = await openUser({ name: 'Ada' });
  const ada = new ChatPage(page);
  await ada.createRoom('general');
  await ada.send('hello');
  const list = ada.messages('general');
  // Shift+Tab from the composer goes back past the paperclip ("Attach files") to the list.
  await ada.composer.focus();
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('button', { name: 'Attach files' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(list).toBeFocused();
  await expect(list).toHaveCSS('outline-style', 'solid');
  await expect(list).toHaveCSS('outline-width', '2px');
});

test('after creating a room the cursor is in its composer; after leaving one, focus is on the room list', async ({
  openUser,
}) => {
  const { page } = await openUser({ name: 'Ada' });
  const ada = new ChatPage(page);
  await ada.createRoom('plans', 'What next');
  await expect(page.getByRole('textbox', { name: 'Message #plans' })).toBeFocused();

  await page.getByRole('button', { name: 'Leave plans' }).click();
  const heading = ada.main.getByRole('heading', { level: 1, name: 'Kitchen' });
  await expect(heading).toBeVisible();
  await expect(heading).toBeFocused();
});
