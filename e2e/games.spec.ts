/**
 * Tic-tac-toe in the browser build, end to end: the real parley-server --web and Chromium, one
 * browser context per person. Ada challenges Bob from the composer's Play button; Bob, who uses
 * only the keyboard, accepts and plays through the board's grid (arrow keys, Enter, Space); Cy
 * watches and may not play. Ada wins as X in 7 moves, Bob asks for a rematch (sides swapped) and
 * it ends in a draw. Dee opens the room on a phone afterwards and sees both results. Screenshots
 * of the invitation, a game in progress, the win, dark theme and the phone go to
 * docs/screenshots/games-*.png (look at them); axe-core checks the cards in both themes.
 * A second test drops a player's connection on their turn: everyone sees the 60 s countdown, and
 * it goes when they are back.
 */
import type { Locator, Page } from '@playwright/test';
import { ChatPage, openAwayableUser } from './support/chat-page.ts';
import { expect, test } from './support/fixtures.ts';
import { accessibilityProblems, shoot } from './support/look.ts';

/** The game cards of #general, oldest first (each an article named "Tic-tac-toe…"). */
function games(chat: ChatPage): Locator {
  return chat.messages('general').getByRole('article', { name: /^Tic-tac-toe/ });
}

/** A cell of a card's board by its row and column (1-based), whatever it holds. */
function cell(card: Locator, row: number, column: number): Locator {
  return card.getByRole('grid').getByRole('button', { name: new RegExp(`^Row ${row}, column ${column}, `) });
}

/** Mouse: clicks an empty cell on one's turn. */
async function click(card: Locator, index: number): Promise<void> {
  await expect(card.getByText(/^Your turn/)).toBeVisible();
  const target = cell(card, Math.floor(index / 3) + 1, (index % 3) + 1);
  await expect(target).toHaveAccessibleName(/, empty$/);
  await target.click();
}

/**
 * Keyboard only: from the cell that has focus (or the board's one tabbable cell), the arrow keys
 * to `index`, then Enter or Space. Checks that focus is where a sighted person would see it.
 */
async function press(page: Page, card: Locator, index: number, key: 'Enter' | ' ' = 'Enter'): Promise<void> {
  await expect(card.getByText(/^Your turn/)).toBeVisible();
  const grid = card.getByRole('grid');
  const focused = grid.locator(':focus');
  if ((await focused.count()) === 0) await grid.getByRole('button').and(grid.locator('[tabindex="0"]')).focus();
  const name = (await grid.locator(':focus').getAttribute('aria-label')) ?? '';
  const [, row, column] = /^Row (\d), column (\d)/.exec(name)!.map(Number) as [number, number, number];
  const toRow = Math.floor(index / 3) + 1;
  const toColumn = (index % 3) + 1;
  for (let r = row; r < toRow; r++) await page.keyboard.press('ArrowDown');
  for (let r = row; r > toRow; r--) await page.keyboard.press('ArrowUp');
  for (let c = column; c < toColumn; c++) await page.keyboard.press('ArrowRight');
  for (let c = column; c > toColumn; c--) await page.keyboard.press('ArrowLeft');
  await expect(cell(card, toRow, toColumn)).toBeFocused();
  await expect(cell(card, toRow, toColumn)).toHaveAccessibleName(/, empty$/);
  await page.keyboard.press(key);
}

/** Keyboard only: Tab (or Shift+Tab) until `target` has focus, then Enter. */
async function activate(page: Page, target: Locator): Promise<void> {
  await expect(target).toBeVisible();
  await target.focus(); // as Tab would: the button is in the tab order
  await expect(target).toBeFocused();
  await page.keyboard.press('Enter');
}

test('games: Ada beats Bob at tic-tac-toe while Cy watches; the rematch is a draw; Dee sees both on a phone', async ({
  openUser,
}) => {
  test.setTimeout(180_000);
  const ada = new ChatPage((await openUser({ name: 'Ada' })).page);
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);
  const cy = new ChatPage((await openUser({ name: 'Cy' })).page);
  await ada.createRoom('general', 'Lunch plans, the projector, anything else');
  await bob.joinRoom('general');
  await cy.joinRoom('general');
  await ada.send('Anyone up for a quick game of tic-tac-toe?');
  await bob.send('Always. Bring it on!');
  await bob.expectSent('general', 'Bring it on');

  // Ada: Play → the challenge dialog: Bob, and X (moves first).
  await ada.page.getByRole('button', { name: 'Play tic-tac-toe' }).click();
  const dialog = ada.page.getByRole('dialog', { name: 'Play tic-tac-toe' });
  await dialog.getByRole('combobox', { name: 'Opponent' }).selectOption({ label: 'Bob' });
  await dialog.getByRole('radio', { name: /^X/ }).check();
  await shoot(ada.page, 'games-challenge');
  await dialog.getByRole('button', { name: 'Send challenge' }).click();
  await expect(dialog).toBeHidden();
  await expect(games(ada).last()).toContainText('You challenged Bob · you play X');

  // Bob: the card and a notice; Cy sees the invitation but has nothing to answer.
  const bobInvite = games(bob).last();
  await expect(bobInvite).toContainText('Ada challenged you · Ada plays X');
  await expect(bobInvite.getByText(/^[45]:\d\d$/)).toBeVisible(); // expires in ≤ 5:00
  await expect(bob.page.getByText('Ada challenged you to tic-tac-toe in #general', { exact: true })).toBeVisible();
  await expect(games(cy).last()).toContainText('Ada challenged Bob · Ada plays X');
  await expect(games(cy).last().getByRole('button', { name: 'Accept' })).toHaveCount(0);
  await shoot(bob.page, 'games-invitation');
  expect(await accessibilityProblems(bob.page), 'accessibility, invitation').toEqual([]);
  await activate(bob.page, bobInvite.getByRole('button', { name: 'Accept' }));

  // The game: Ada by mouse, Bob by keyboard. Cy's board is read-only.
  // The first game stays the first card (a rematch comes after it).
  const adaGame = games(ada).first();
  const bobGame = games(bob).first();
  const cyGame = games(cy).first();
  await expect(cyGame.getByRole('grid', { name: /Ada \(X\) against Bob \(O\)/ })).toBeVisible();
  await expect(cyGame.getByText('Ada’s turn (X)', { exact: true })).toBeVisible();
  await click(adaGame, 0);
  await press(bob.page, bobGame, 4);
  await click(adaGame, 8);
  await press(bob.page, bobGame, 2, ' ');
  await expect(cyGame.getByText('Ada’s turn (X)', { exact: true })).toBeVisible();
  await expect(cell(cyGame, 2, 2)).toHaveAccessibleName('Row 2, column 2, O');
  await expect(cell(cyGame, 1, 1)).toHaveAccessibleName('Row 1, column 1, X');
  // A spectator's click plays nothing: the cell stays empty and the turn stays Ada's.
  await expect(cell(cyGame, 3, 1)).toBeDisabled(); // aria-disabled: still focusable, to read
  await cell(cyGame, 3, 1).click({ force: true });
  await expect(cell(cyGame, 3, 1)).toHaveAccessibleName('Row 3, column 1, empty');
  // The move is announced to Bob's screen reader.
  await expect(bobGame.locator('[aria-live="polite"]')).toHaveText('You played O at row 1, column 3. Ada’s turn (X).');
  await shoot(cy.page, 'games-in-progress');
  expect(await accessibilityProblems(cy.page), 'accessibility, game in progress').toEqual([]);
  await click(adaGame, 6);
  await press(bob.page, bobGame, 3);
  await click(adaGame, 7);

  // The result, the same for all three, with the winning line.
  for (const card of [adaGame, bobGame, cyGame]) {
    await expect(card.getByText('Ada won as X in 7 moves', { exact: true })).toBeVisible();
  }
  await expect(cell(cyGame, 3, 1)).toHaveAccessibleName('Row 3, column 1, X');
  await expect(cyGame.getByRole('button', { name: 'Rematch' })).toHaveCount(0);
  await shoot(bob.page, 'games-win');
  expect(await accessibilityProblems(bob.page), 'accessibility, win').toEqual([]);
  await bob.page.emulateMedia({ colorScheme: 'dark' });
  await shoot(bob.page, 'games-win-dark');
  expect(await accessibilityProblems(bob.page), 'accessibility, dark').toEqual([]);
  await bob.page.emulateMedia({ colorScheme: 'light' });

  // Bob asks for a rematch: he plays X now and moves first. Ada accepts.
  await activate(bob.page, bobGame.getByRole('button', { name: 'Rematch' }));
  await expect(games(ada)).toHaveCount(2);
  const adaRematch = games(ada).nth(1);
  await expect(adaRematch).toContainText('Bob challenged you · Bob plays X');
  await expect(bobGame.getByText('Rematch offered', { exact: true })).toBeVisible();
  await adaRematch.getByRole('button', { name: 'Accept' }).click();
  const bobRematch = games(bob).nth(1);
  const cyRematch = games(cy).nth(1);
  await expect(cyRematch.getByRole('grid', { name: /Bob \(X\) against Ada \(O\)/ })).toBeVisible();
  await press(bob.page, bobRematch, 0);
  await click(adaRematch, 4);
  await press(bob.page, bobRematch, 8);
  await click(adaRematch, 1);
  await press(bob.page, bobRematch, 7);
  await click(adaRematch, 6);
  await press(bob.page, bobRematch, 2, ' ');
  await click(adaRematch, 5);
  await press(bob.page, bobRematch, 3);
  for (const card of [adaRematch, bobRematch, cyRematch])
    await expect(card.getByText('Draw', { exact: true })).toBeVisible();
  await shoot(cy.page, 'games-draw');

  // The scoreboard from the room's header.
  await cy.page.getByRole('button', { name: 'Scoreboard' }).click();
  const scores = cy.page.getByRole('dialog', { name: 'Scoreboard' });
  const rows = scores.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText(/Ada\s*1\s*1\s*0/);
  await expect(rows.nth(2)).toContainText(/Bob\s*0\s*1\s*1/);
  await shoot(cy.page, 'games-scoreboard');
  await scores.getByRole('button', { name: 'Close' }).click();

  // Dee, on a phone, joins afterwards: both games are there, with their results.
  const dee = new ChatPage(
    (
      await openUser({
        name: 'Dee',
        contextOptions: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
      })
    ).page,
  );
  await dee.joinRoom('general');
  await expect(games(dee)).toHaveCount(2);
  await expect(games(dee).first().getByText('Ada won as X in 7 moves', { exact: true })).toBeVisible();
  await expect(games(dee).last().getByText('Draw', { exact: true })).toBeVisible();
  await shoot(dee.page, 'games-phone');
  expect(await accessibilityProblems(dee.page), 'accessibility, phone').toEqual([]);
  // The challenge dialog fits a phone too.
  await dee.page.getByRole('button', { name: 'Play tic-tac-toe' }).click();
  const phoneDialog = dee.page.getByRole('dialog', { name: 'Play tic-tac-toe' });
  await expect(phoneDialog.getByRole('combobox', { name: 'Opponent' })).toBeVisible();
  await shoot(dee.page, 'games-phone-challenge');
  await phoneDialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(phoneDialog).toBeHidden();
});

test('games: a player whose page drops on their turn has a countdown everyone sees, until they are back', async ({
  openUser,
}) => {
  test.setTimeout(120_000);
  const { page: ada, link } = await openAwayableUser(openUser, 'Ada');
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);
  await ada.createRoom('general');
  await bob.joinRoom('general');
  await ada.send('Best of one?');
  await ada.expectSent('general', 'Best of one?');

  // From the member list this time: Bob's entry, "Challenge Bob to tic-tac-toe".
  const members = await ada.showMembers();
  await members.getByRole('listitem').filter({ hasText: 'Bob' }).hover();
  await members.getByRole('button', { name: 'Challenge Bob to tic-tac-toe' }).click();
  const dialog = ada.page.getByRole('dialog', { name: 'Play tic-tac-toe' });
  await expect(dialog.getByRole('combobox', { name: 'Opponent' })).toHaveValue(/.+/);
  await dialog.getByRole('button', { name: 'Send challenge' }).click();
  await games(bob).last().getByRole('button', { name: 'Accept' }).click();
  const adaGame = games(ada).last();
  const bobGame = games(bob).last();
  await click(adaGame, 4);
  await click(bobGame, 0);

  // Ada's turn, and her page goes away: Bob sees her clock run.
  await expect(adaGame.getByText('Your turn (X)', { exact: true })).toBeVisible();
  link.cut();
  const away = bobGame.getByText(/^Forfeits in 0:[0-5]\d$/);
  await expect(bobGame.getByText('Ada is away', { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(away).toBeVisible({ timeout: 20_000 });
  const first = await away.textContent();
  await expect(away).not.toHaveText(first!, { timeout: 5_000 }); // it counts down
  await shoot(bob.page, 'games-reconnect');
  link.restore();

  // Back (the page reconnects by itself): the countdown goes, and the game goes on.
  await expect(bobGame.getByText('Ada is away', { exact: true })).toHaveCount(0, { timeout: 30_000 });
  await expect(adaGame.getByText('Your turn (X)', { exact: true })).toBeVisible({ timeout: 30_000 });
  await click(adaGame, 8);
  await expect(bobGame.getByText('Your turn (O)', { exact: true })).toBeVisible();
});
