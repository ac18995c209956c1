/**
 * Accessibility of the main screens with axe-core, in the light and the dark color scheme:
 * first run, the room browser, a chat with messages, a direct message, the connection banner and
 * Settings must have no serious or critical violation (WCAG 2.x A/AA and best practices).
 * A failure lists every violation with the elements concerned.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { ChatPage } from './support/chat-page.ts';
import { expect, test } from './support/fixtures.ts';
import { busyRoom } from './support/scenes.ts';

const SCHEMES = ['light', 'dark'] as const;

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;

/** Serious and critical violations, one line per element: rule, impact, element, what is wrong. */
function describe(violations: AxeResults['violations']): string[] {
  const lines: string[] = [];
  for (const violation of violations) {
    if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
    lines.push(`${violation.id} (${violation.impact}): ${violation.help} — ${violation.helpUrl}`);
    for (const node of violation.nodes) {
      lines.push(`    ${node.target.join(' ')}  ${node.html.slice(0, 160)}`);
      const summary = node.failureSummary?.replace(/\s*\n\s*/g, ' ').trim();
      if (summary) lines.push(`      ${summary.slice(0, 400)}`);
    }
  }
  return lines;
}

/** Runs axe on the page as it is now and records (softly) any serious or critical violation. */
async function checkScreen(page: Page, screen: string, { keepPointer = false } = {}): Promise<void> {
  // The pointer rests where the last click was; move it off so every run checks the same
  // (resting) colors. Hover states are checked on purpose, with keepPointer.
  if (!keepPointer) await page.mouse.move(0, 0);
  // Let transitions (dialogs, banners, hover) settle so colors are final.
  await page.waitForTimeout(350);
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const problems = describe(results.violations);
  expect.soft(problems, `axe: serious/critical violations on ${screen}:\n${problems.join('\n')}`).toEqual([]);
}

for (const colorScheme of SCHEMES) {
  test.describe(`${colorScheme} color scheme`, () => {
    test.use({ colorScheme });
    // Several people, many screens, an axe run each (a few seconds apiece on a 2-core machine).
    test.describe.configure({ timeout: 150_000 });

    test('first run and the room browser', async ({ openUser }) => {
      const { page } = await openUser();
      await page.emulateMedia({ colorScheme });
      await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
      await checkScreen(page, `first run (${colorScheme})`);
      // The primary button under the pointer (its hover color) must be as readable.
      await page.getByLabel('Display name').fill('Ada');
      await page.getByRole('button', { name: 'Continue' }).hover();
      await checkScreen(page, `first run, pointer on the primary button (${colorScheme})`, { keepPointer: true });
      await page.getByLabel('Display name').fill('');

      // The name check's error state.
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page.getByLabel('Display name')).toHaveAttribute('aria-invalid', 'true');
      await checkScreen(page, `first run with an error (${colorScheme})`);

      await page.getByLabel('Display name').fill('Ada');
      await page.getByRole('button', { name: 'Continue' }).click();
      const ada = new ChatPage(page);
      await expect(ada.sidebar).toBeVisible();
      await checkScreen(page, `home (${colorScheme})`);

      await ada.browseRooms();
      await expect(page.getByRole('heading', { name: 'No rooms yet' })).toBeVisible();
      await checkScreen(page, `empty room browser (${colorScheme})`);

      await ada.createRoom('general', 'Anything goes');
      await ada.createRoom('random');
      await ada.browseRooms();
      await expect(page.getByRole('button', { name: 'Open general' })).toBeVisible();
      await checkScreen(page, `room browser (${colorScheme})`);

      await page.getByRole('button', { name: 'New room' }).click();
      await expect(page.getByRole('dialog', { name: 'Create a room' })).toBeVisible();
      await checkScreen(page, `create-room dialog (${colorScheme})`);
    });

    test('chat, direct message, connection banner and settings', async ({ openUser, server }) => {
      const { ada } = await busyRoom(openUser);
      const { page } = ada;
      await page.emulateMedia({ colorScheme });
      await checkScreen(page, `chat with messages (${colorScheme})`);

      await ada.showMembers();
      await checkScreen(page, `chat with the member list (${colorScheme})`);

      await page
        .getByRole('complementary', { name: /^Members/ })
        .getByRole('button', { name: /^Bob\b/ })
        .click();
      await ada.expectConversation('Conversation with Bob');
      await ada.send('Are you coming to lunch?');
      await ada.expectSent('Bob', 'Are you coming to lunch?');
      await checkScreen(page, `direct message (${colorScheme})`);

      await page.getByRole('button', { name: 'Settings' }).click();
      await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
      await checkScreen(page, `settings (${colorScheme})`);
      await page.getByRole('textbox', { name: 'Display name' }).fill('Ada Lovelace');
      await page.getByRole('button', { name: 'Save name' }).click();
      await expect(page.getByText(/^Saved\./)).toBeVisible();
      await checkScreen(page, `settings after saving (${colorScheme})`);
      await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close', exact: true }).click();

      await ada.openConversation('general');
      await server.stop();
      await expect(page.getByText(/^Reconnecting to Kitchen( in \d+ s)?…$/)).toBeVisible();
      await ada.send('Sent while offline');
      await expect(
        ada.messageRow('general', 'Sent while offline').getByText('Waiting for the connection…'),
      ).toBeVisible();
      await checkScreen(page, `reconnecting banner and a waiting message (${colorScheme})`);
    });
  });
}
