/**
 * The desktop app's UI on the LAN: the built renderer in Chromium on real sessions with real LAN
 * discovery (e2e/support/desktop-bridge.ts stands in for Electron's preload and IPC only).
 *  - A real parley-server on every interface announces itself; the app lists it by itself, joins
 *    it in one click, and explains the network when asked.
 *  - "Host a room": one person hosts (the built worker bundle, as the app ships it), another sees
 *    it appear under Nearby, joins in one click, and they chat; stopping withdraws it.
 * Screenshots go to docs/screenshots.
 *
 * The tests here run one after another: each announces on the LAN, and the other's Nearby list
 * (and screenshots) must not see it.
 */
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { ChatPage } from './support/chat-page.ts';
import { desktopSession } from './support/desktop-bridge.ts';
import { expect, test } from './support/fixtures.ts';

const DIR = resolve(import.meta.dirname, '..', 'docs', 'screenshots');

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

test.describe.configure({ mode: 'default' });

test.describe('a server on the LAN', () => {
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
});

test.describe('Host a room', () => {
  // The server fixture only serves the built UI here (on loopback, not announced).
  test.use({ serverOptions: { name: 'Static' } });

  test('one person hosts, a neighbour sees it under Nearby, joins in one click, and they chat', async ({
    browser,
    server,
  }) => {
    const adaContext = await browser.newContext();
    const bobContext = await browser.newContext();
    const adaDesktop = await desktopSession(adaContext, 'Ada', { canHost: true });
    const bobDesktop = await desktopSession(bobContext, 'Bob');
    try {
      const adaPage = await adaContext.newPage();
      const bobPage = await bobContext.newPage();
      const errors: string[] = [];
      for (const page of [adaPage, bobPage]) page.on('pageerror', (error) => errors.push(error.message));
      await adaPage.goto(server.url);
      await bobPage.goto(server.url);
      const ada = new ChatPage(adaPage);
      const bob = new ChatPage(bobPage);

      // The desktop app starts on Home (no server yet): the picture of Home for the docs. (The
      // browser build selects its server as soon as it connects, so Home is never on screen there.)
      await expect(ada.main.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
      await expect(ada.main.getByRole('heading', { name: 'Welcome, Ada' })).toBeVisible();
      await expect(ada.main.getByRole('button', { name: 'Host a room' })).toBeVisible();
      // Start-up put the keyboard focus on the heading; the picture shows Home, not a focus ring.
      await ada.main.getByRole('heading', { level: 1, name: 'Home' }).blur();
      await adaPage.mouse.move(0, 0);
      await shot(adaPage, 'home');

      // Ada hosts with the defaults: one click in Home, one in the dialog.
      await ada.main.getByRole('button', { name: 'Host a room' }).click();
      const dialog = adaPage.getByRole('dialog', { name: 'Host a room' });
      await expect(dialog.getByLabel('Server name (optional)')).toHaveAttribute('placeholder', "Ada's rooms");
      // The desktop app says what the firewall will ask (here Linux: nothing asks, ufw needs ports).
      await expect(dialog.getByText(/firewall/i)).toBeVisible();
      await shot(adaPage, 'host-dialog');
      await dialog.getByRole('button', { name: 'Start hosting' }).click();
      await expect(dialog).toBeHidden({ timeout: 15_000 });
      await expect(ada.sidebar.getByText("Hosting Ada's rooms")).toBeVisible();
      await expect(
        ada.sidebar.getByRole('region', { name: 'Servers' }).getByRole('button', { name: /^Ada's rooms\b/ }),
      ).toContainText('Hosting · connected');
      await ada.createRoom('general', 'Anything goes', "Ada's rooms");

      // Bob did nothing: the server is under Nearby, with its room, and one click joins it.
      const nearby = bobPage.getByRole('region', { name: 'Nearby' });
      const entry = nearby.getByRole('button', { name: /Ada's rooms/ });
      await expect(entry).toContainText('1 room', { timeout: 5000 });
      await entry.click();
      await expect(bob.main.getByRole('heading', { level: 1, name: "Ada's rooms" })).toBeVisible();
      await bob.joinRoom('general', "Ada's rooms");
      await bob.send('Found you without typing an address');
      await bob.expectSent('general', 'Found you without typing an address');

      // Ada sees Bob's message; her own server is marked as hers under Nearby.
      await ada.openConversation('general');
      await expect(ada.messageRow('general', 'Found you without typing an address')).toBeVisible();
      await ada.send('Welcome, Bob!');
      await expect(bob.messageRow('general', 'Welcome, Bob!')).toBeVisible();
      await expect(
        adaPage.getByRole('region', { name: 'Nearby' }).getByRole('button', { name: /Ada's rooms/ }),
      ).toContainText('Yours');
      await shot(adaPage, 'hosting');

      // Ada stops hosting: Bob is told the host closed the server, and it leaves his Nearby list.
      await ada.sidebar.getByRole('button', { name: 'Stop hosting' }).click();
      await expect(ada.sidebar.getByRole('button', { name: 'Host a room' })).toBeVisible({ timeout: 15_000 });
      await expect(bobPage.getByText('The host closed the server.')).toBeVisible();
      await expect(entry).toHaveCount(0, { timeout: 5000 });
      expect(errors).toEqual([]);
    } finally {
      await adaDesktop.close();
      await bobDesktop.close();
      await adaContext.close();
      await bobContext.close();
    }
  });
});
