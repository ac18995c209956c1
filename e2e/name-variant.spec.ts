/**
 * A returning user whose name was taken while away still gets in (issue 8, bug 4): Ada's page is
 * away, someone else joins as "Ada", Ada's page comes back — she is in as "Ada (2)", is told why,
 * and can pick another name from the notice. Saves docs/screenshots/name-taken.png.
 */
import { join } from 'node:path';
import { ChatPage, openAwayableUser } from './support/chat-page.ts';
import { ROOT, expect, test } from './support/fixtures.ts';

test('back after someone took her name, Ada gets in as "Ada (2)" and is told why', async ({ openUser }) => {
  const { page: ada, link } = await openAwayableUser(openUser, 'Ada');
  await ada.createRoom('general', 'Lunch plans');

  link.cut();
  await expect(ada.page.getByText(/^Reconnecting to Kitchen( in \d+ s)?…$/)).toBeVisible();
  // Another person picks "Ada" while the first one is away: the server lets them have it.
  const squatter = new ChatPage((await openUser({ name: 'Ada' })).page);
  await squatter.joinRoom('general');
  link.restore();

  const notice = ada.page.getByRole('status').filter({ hasText: /Ada/ });
  await expect(notice).toContainText('Ada (2)', { timeout: 30_000 });
  // Her name everywhere (profile bar, member list) is the one the server gave her.
  await expect(ada.page.getByText('Ada (2)', { exact: true }).first()).toBeVisible();
  await expect(ada.page.getByText(/^Reconnecting/)).toHaveCount(0);
  await ada.page.screenshot({
    path: join(ROOT, 'docs', 'screenshots', 'name-taken.png'),
    animations: 'disabled',
    caret: 'hide',
  });

  await notice.getByRole('button', { name: 'Change name' }).click();
  await expect(ada.page.getByRole('dialog', { name: /Settings/ })).toBeVisible();
});
