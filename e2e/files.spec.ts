/**
 * Files in the browser build, end to end: the real parley-server --web and Chromium. One person
 * attaches an image and a PDF; another sees the preview, opens the full view and downloads the
 * PDF with identical bytes (SHA-256 of Playwright's download). A big upload, slowed at the
 * network, shows its progress. Screenshots of the previews, the progress and the full view in
 * light, dark and phone layouts go to docs/screenshots/ with the others (look at them).
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { ChatPage } from './support/chat-page.ts';
import { expect, test } from './support/fixtures.ts';
import { accessibilityProblems, shoot } from './support/look.ts';
import { harbourPng, minutesPdf, randomFile, sha256 } from './support/sample-files.ts';

/** A short WebM recorded in the page (canvas + MediaRecorder): a real video without a fixture file. */
async function recordWebm(page: Page, name: string): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  // Page code as a string: this project's Node types have no DOM (canvas, MediaRecorder).
  const base64 = (await page.evaluate(`(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 360;
    const context = canvas.getContext('2d');
    const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
    const parts = [];
    recorder.ondataavailable = (event) => parts.push(event.data);
    const stopped = new Promise((done) => (recorder.onstop = done));
    recorder.start();
    for (let frame = 0; frame < 30; frame++) {
      const sky = context.createLinearGradient(0, 0, 0, 360);
      sky.addColorStop(0, '#1d2b64');
      sky.addColorStop(1, '#f8cdda');
      context.fillStyle = sky;
      context.fillRect(0, 0, 640, 360);
      context.fillStyle = '#ffd36e';
      context.beginPath();
      context.arc(120 + frame * 12, 140, 40, 0, Math.PI * 2);
      context.fill();
      context.fillStyle = '#203040';
      context.fillRect(0, 250, 640, 110);
      await new Promise((done) => setTimeout(done, 40));
    }
    recorder.stop();
    await stopped;
    const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  })()`)) as string;
  return { name, mimeType: 'video/webm', buffer: Buffer.from(base64, 'base64') };
}

const PHOTO = harbourPng('harbour-walk.png');
const PDF = minutesPdf('team-minutes-2026-12-02.pdf', [
  'Team minutes, 2 December',
  'Present: Ada, Bob, Cy',
  '1. Projector: booked until 10:30',
  '2. Lunch: the new place, 12:30',
]);

test.describe.configure({ mode: 'parallel' });

test('files: an image and a PDF from Ada; Bob sees the preview, opens the full view and downloads the same bytes', async ({
  openUser,
}) => {
  test.setTimeout(120_000);
  const ada = new ChatPage((await openUser({ name: 'Ada' })).page);
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);
  await ada.createRoom('general', 'Lunch plans, the projector, anything else');
  await bob.joinRoom('general');
  await ada.send('Morning! The photos from the harbour walk:');
  await ada.expectSent('general', 'Morning! The photos');

  // Ada: the paperclip, two files in the tray (the image with its thumbnail), then Enter.
  await ada.attachFiles([PHOTO, PDF]);
  await expect(ada.tray.getByRole('listitem')).toHaveCount(2);
  await expect(ada.tray.locator('img')).toHaveCount(1); // the photo's thumbnail, made in the page
  await ada.composer.fill('Saturday at the harbour, and the minutes');
  await shoot(ada.page, 'files-tray');
  await ada.composer.press('Enter');
  await expect(ada.tray).toHaveCount(0);
  await ada.expectSent('general', 'Saturday at the harbour');
  await expect(ada.messages('general').getByRole('list', { name: 'Files being sent' })).toHaveCount(0);
  await expect(ada.imagePreview('general', 'harbour-walk.png')).toBeVisible();

  // Bob: the preview, its box sized from the image's dimensions (3:2), from the thumbnail.
  const preview = bob.imagePreview('general', 'harbour-walk.png');
  await expect(preview).toBeVisible();
  const image = preview.locator('img');
  await expect(image).toHaveAttribute('src', /\/thumb$/);
  await expect(image).toHaveAttribute('width', '360');
  await expect(image).toHaveAttribute('height', '240');
  await expect
    .poll(() => image.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth))
    .toBe(800);
  const card = bob.fileCard('general', 'team-minutes-2026-12-02.pdf');
  await expect(card).toBeVisible();
  await expect(card.getByText(/ · PDF$/)).toBeVisible();
  await shoot(bob.page, 'files-light');
  expect(await accessibilityProblems(bob.page), 'accessibility, light').toEqual([]);
  await bob.page.emulateMedia({ colorScheme: 'dark' });
  await shoot(bob.page, 'files-dark');
  expect(await accessibilityProblems(bob.page), 'accessibility, dark').toEqual([]);

  // The full view: the original, large; Escape closes and focus returns to the preview.
  await preview.click();
  const viewer = bob.page.getByRole('dialog', { name: 'Image harbour-walk.png' });
  await expect(viewer).toBeVisible();
  const full = viewer.getByRole('img', { name: 'harbour-walk.png' });
  await expect(full).toHaveAttribute('src', /\/original$/);
  await expect
    .poll(() => full.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth))
    .toBe(1200);
  await expect(viewer.getByText('1 of 1')).toBeVisible();
  await shoot(bob.page, 'files-full-view-dark');
  expect(await accessibilityProblems(bob.page), 'accessibility, full view').toEqual([]);
  await bob.page.emulateMedia({ colorScheme: 'light' });
  await shoot(bob.page, 'files-full-view');
  await bob.page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await expect(preview).toBeFocused();

  // The PDF: the browser's download, the very same bytes.
  const downloading = bob.page.waitForEvent('download');
  await card.getByRole('button', { name: 'Download team-minutes-2026-12-02.pdf' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('team-minutes-2026-12-02.pdf');
  const saved = readFileSync((await download.path())!);
  expect(sha256(saved)).toBe(sha256(PDF.buffer));

  // A phone: the same conversation and the full view.
  const phone = new ChatPage(
    (
      await openUser({
        name: 'Dee',
        contextOptions: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
      })
    ).page,
  );
  await phone.joinRoom('general');
  const phonePreview = phone.imagePreview('general', 'harbour-walk.png');
  await expect(phonePreview).toBeVisible();
  await expect
    .poll(() =>
      phonePreview
        .locator('img')
        .evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth),
    )
    .toBe(800);
  await expect(phone.fileCard('general', 'team-minutes-2026-12-02.pdf')).toBeVisible();
  await shoot(phone.page, 'files-phone');
  await phonePreview.click();
  const phoneViewer = phone.page.getByRole('dialog', { name: 'Image harbour-walk.png' });
  await expect(phoneViewer).toBeVisible();
  await expect
    .poll(() =>
      phoneViewer
        .getByRole('img', { name: 'harbour-walk.png' })
        .evaluate((img: { naturalWidth: number }) => img.naturalWidth),
    )
    .toBe(1200);
  await shoot(phone.page, 'files-phone-full-view');
  await phoneViewer.getByRole('button', { name: 'Close' }).click();
  await expect(phoneViewer).toBeHidden();
});

test('files: a big upload shows its progress (bytes, speed, time left) until it is sent', async ({ openUser }) => {
  test.setTimeout(120_000);
  const ada = new ChatPage((await openUser({ name: 'Ada' })).page);
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);
  await ada.createRoom('general');
  await bob.joinRoom('general');
  await ada.send('Here is the backup of the site.');

  // Each chunk (4 MiB) is held back a moment at the network, so the bar can be seen moving.
  let slow = true;
  await ada.page.route('**/api/upload/**', async (route) => {
    if (slow) await new Promise((done) => setTimeout(done, 1500));
    await route.continue();
  });
  const backup = randomFile('site-backup-2026-12-02.tar.gz', 24 * 1024 * 1024, 'application/gzip');
  await ada.attachFiles([backup]);
  await ada.composer.press('Enter');

  const sending = ada.messages('general').getByRole('list', { name: 'Files being sent' });
  const bar = sending.getByRole('progressbar', { name: 'Uploading site-backup-2026-12-02.tar.gz' });
  await expect(bar).toBeVisible();
  await expect.poll(() => bar.evaluate((p: { value: number }) => p.value), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect(sending.getByText(/^[\d.]+ MB of 25\.2 MB · [\d.]+ (KB|MB)\/s · \d+ (s|min) left$/)).toBeVisible();
  await shoot(ada.page, 'files-progress');
  await ada.page.emulateMedia({ colorScheme: 'dark' });
  await shoot(ada.page, 'files-progress-dark');
  await ada.page.emulateMedia({ colorScheme: 'light' });

  slow = false;
  await expect(sending).toHaveCount(0, { timeout: 60_000 });
  const card = bob.fileCard('general', 'site-backup-2026-12-02.tar.gz');
  await expect(card).toBeVisible();
  await expect(card.getByText('25.2 MB · Archive')).toBeVisible();
});

test('files: after the server restarts, a video not played yet still plays (the tab asks for a new URL)', async ({
  openUser,
  server,
}) => {
  test.setTimeout(90_000);
  const ada = new ChatPage((await openUser({ name: 'Ada' })).page);
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);
  await ada.createRoom('general');
  await bob.joinRoom('general');
  await ada.attachFiles([await recordWebm(ada.page, 'harbour-timelapse.webm')]);
  await ada.composer.fill('Played later');
  await ada.composer.press('Enter');
  await ada.expectSent('general', 'Played later');
  const video = bob.messages('general').getByRole('article').filter({ hasText: 'Played later' }).locator('video');
  await expect(video).toHaveAttribute('src', /\/original$/);
  const before = await video.getAttribute('src');

  // A restart ends the tab's session on the gateway, and with it the URLs it was given; the video
  // (preload none) has not fetched a byte yet.
  await server.stop();
  await server.start();
  await expect(bob.composer).toBeEnabled({ timeout: 30_000 });
  await video.evaluate((element: { muted: boolean; play(): Promise<void> }) => {
    element.muted = true;
    void element.play().catch(() => {});
  });
  await expect
    .poll(() => video.evaluate((element: { readyState: number }) => element.readyState), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(2);
  expect(await video.getAttribute('src')).not.toBe(before);
});

test('files: an upload cut by a server restart resumes by itself from where it stopped, and arrives intact', async ({
  openUser,
  server,
}) => {
  test.setTimeout(120_000);
  const ada = new ChatPage((await openUser({ name: 'Ada' })).page);
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);
  await ada.createRoom('general');
  await bob.joinRoom('general');

  // Every chunk's offset as it leaves the page; chunks are slowed so the restart lands mid-way.
  const offsets: number[] = [];
  await ada.page.route('**/api/upload/**', async (route) => {
    offsets.push(Number(new URL(route.request().url()).searchParams.get('offset')));
    await new Promise((done) => setTimeout(done, 700));
    await route.continue().catch(() => {}); // the server may be gone by now
  });
  const video = randomFile('holiday-video.mp4.part', 20 * 1024 * 1024);
  await ada.attachFiles([video]);
  await ada.composer.fill('The whole video, unedited');
  await ada.composer.press('Enter');
  const sending = ada.messages('general').getByRole('list', { name: 'Files being sent' });
  const bar = sending.getByRole('progressbar');
  await expect
    .poll(() => bar.evaluate((p: { value: number }) => p.value), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(8 * 1024 * 1024);

  await server.stop();
  await expect(sending.getByText(/^Waiting for the connection… [\d.]+ MB of 21\.0 MB$/)).toBeVisible();
  await server.start();
  await expect(sending).toHaveCount(0, { timeout: 60_000 });
  await ada.expectSent('general', 'The whole video, unedited');

  // Resumed, not restarted: the first chunk left once, and no chunk more than twice (the cut one).
  expect(offsets.filter((o) => o === 0)).toHaveLength(1);
  const counts = new Map<number, number>();
  for (const offset of offsets) counts.set(offset, (counts.get(offset) ?? 0) + 1);
  expect([...counts.values()].every((n) => n <= 2)).toBe(true);

  const card = bob.fileCard('general', 'holiday-video.mp4.part');
  await expect(card).toBeVisible({ timeout: 30_000 });
  const downloading = bob.page.waitForEvent('download');
  await card.getByRole('button', { name: /^Download / }).click();
  const saved = readFileSync((await (await downloading).path())!);
  expect(sha256(saved)).toBe(sha256(video.buffer));
});

test('files: a video plays inline, with the poster frame the sender’s page made', async ({ openUser }) => {
  test.setTimeout(90_000);
  const ada = new ChatPage((await openUser({ name: 'Ada' })).page);
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);
  await ada.createRoom('general');
  await bob.joinRoom('general');
  const clip = await recordWebm(ada.page, 'sunrise-timelapse.webm');

  await ada.attachFiles([clip]);
  await expect(ada.tray.locator('img')).toHaveCount(1); // the poster frame, from a hidden <video>
  await ada.composer.fill('Sunrise from the roof');
  await ada.composer.press('Enter');
  await ada.expectSent('general', 'Sunrise from the roof');

  const video = bob.messages('general').getByRole('article').filter({ hasText: 'Sunrise' }).locator('video');
  await expect(video).toBeVisible();
  await expect(video).toHaveAttribute('poster', /\/thumb$/);
  await expect(video).toHaveAttribute('src', /\/original$/);
  await expect(video).toHaveAttribute('preload', 'none');
  // 640 × 360 as the sender's player measured it, fitted into the message column.
  await expect(video).toHaveAttribute('width', '360');
  await expect(video).toHaveAttribute('height', '203');
  const poster = await video.evaluate(async (element: { poster: string }) => {
    const response = await fetch(element.poster);
    return { status: response.status, type: response.headers.get('content-type') };
  });
  expect(poster).toEqual({ status: 200, type: expect.stringMatching(/^image\/(webp|jpeg)/) });
  await expect(bob.fileCard('general', 'sunrise-timelapse.webm')).toBeVisible();
  await shoot(bob.page, 'files-video');
});
