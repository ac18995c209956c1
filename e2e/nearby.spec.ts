/**
 * Nearby servers in the desktop app's UI: the built renderer in Chromium on a real session with
 * real LAN discovery (e2e/support/desktop-bridge.ts stands in for Electron's preload and IPC only).
 * A real parley-server on every interface announces itself; the app lists it by itself, joins it
 * in one click, and explains the network when asked. Screenshots go to docs/screenshots.
 */
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { desktopSession } from './support/desktop-bridge.ts';
import { expect, test } from './support/fixtures.ts';

const DIR = resolve(import.meta.dirname, '..', 'docs', 'screenshots');

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

test.use({ serverOptions: { name: 'Kitchen', announce: true } });

test('a nearby server appears by itself, joins in one click, and the network can be checked', async ({
  browser,
  server,
}) => {
  const context = await browser.newContext();
  const desktop = await desktopSession(context, 'Ada');
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);

    // Listed within the promised 2 s of discovery (the server started before the page: allow a
    // page load on top), with its room count and host, not yet connected.
    const nearby = page.getByRole('region', { name: 'Nearby' });
    const entry = nearby.getByRole('button', { name: /Kitchen/ });
    await expect(entry).toBeVisible({ timeout: 5000 });
    await expect(entry).toContainText('0 rooms');
    await expect(entry).toContainText('.local');
    await shot(page, 'nearby');

    // One click: connected, and its room browser is shown.
    await entry.click();
    await expect(page.getByRole('main').getByRole('heading', { level: 1, name: 'Kitchen' })).toBeVisible();
    await expect(entry).toContainText('Connected');

    // A room created there updates the announced room count, live.
    await page
      .getByRole('main')
      .getByRole('button', { name: /^(New room|Create the first room)$/ })
      .first()
      .click();
    const dialog = page.getByRole('dialog', { name: 'Create a room' });
    await dialog.getByLabel('Name', { exact: true }).fill('general');
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await expect(entry).toContainText('1 room', { timeout: 5000 });

    // "Can't see a server?": the checks run and pass on this machine, and the fallback is there.
    await nearby.getByRole('button', { name: "Can't see a server?" }).click();
    const diagnostics = page.getByRole('dialog', { name: "Can't see a server?" });
    await expect(diagnostics.getByText(/Your computer hears its own announcements/)).toBeVisible({ timeout: 10_000 });
    await expect(diagnostics.getByText(/\.local/).first()).toBeVisible();
    await expect(diagnostics.getByText(/UDP port 5353/).first()).toBeVisible();
    await shot(page, 'diagnostics');
    await diagnostics.getByRole('button', { name: /Connect by address/ }).click();
    await expect(page.getByRole('dialog', { name: /Connect to a server/ })).toBeVisible();

    await page.keyboard.press('Escape');

    // Settings › Network: the adapters, each with a switch.
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await expect(settings.getByRole('heading', { name: 'Network' })).toBeVisible();
    await expect(settings.getByRole('switch').first()).toBeVisible();
    await shot(page, 'settings-network');
    await page.keyboard.press('Escape');

    // The server stops (goodbye): it leaves the Nearby list within 5 s.
    await server.stop();
    await expect(entry).toHaveCount(0, { timeout: 5000 });
    expect(errors).toEqual([]);
  } finally {
    await desktop.close();
    await context.close();
  }
});
