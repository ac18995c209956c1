/**
 * Looking at what we ship: screenshots into docs/screenshots/ (with the mouse out of the way and
 * transitions finished, so they show what a user sees), and the serious or critical axe-core
 * problems of the page as it is now.
 */
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

const DIR = resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');

export async function shoot(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  // Transitions (dialogs, drawers) finish before the picture.
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

/** Serious or critical axe-core violations on the page as it is now, one line per element. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.mouse.move(0, 0);
  await page.waitForTimeout(350);
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${v.help} — ${node.target.join(' ')}`));
}
