/**
 * Attachments in the timeline: images inline with their box sized before they load, videos with
 * a poster and controls, other files as cards with Download (desktop: progress, then Open and
 * Show in folder; browser: the browser's download), names shown as text and never reordered,
 * the full view's keys and focus, and Settings › Downloads.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DownloadView } from '../../src/shared/api/contract.ts';
import type { FileInfo } from '../../src/shared/protocol/server-frames.ts';
import { chatMessage, FakeApi, fileInfo, SERVER } from './fake-api.ts';
import { renderApp, renderInRoom } from './render-app.tsx';

const PHOTO = fileInfo({
  id: 'f_photo',
  name: 'beach.jpg',
  size: 2_400_000,
  type: 'image/jpeg',
  kind: 'image',
  width: 4000,
  height: 3000,
  thumb: { type: 'image/webp', width: 800, height: 600, size: 40_000 },
});
const TALL = fileInfo({
  id: 'f_tall',
  name: 'tower.png',
  size: 90_000,
  type: 'image/png',
  kind: 'image',
  width: 300,
  height: 900,
});
const THIRD = fileInfo({
  id: 'f_third',
  name: 'sunset.webp',
  size: 50_000,
  type: 'image/webp',
  kind: 'image',
  width: 640,
  height: 480,
});
const PDF = fileInfo({
  id: 'f_pdf',
  name: 'quarterly-report-final-version.pdf',
  size: 1_250_000,
  type: 'application/pdf',
  kind: 'file',
});
const VIDEO = fileInfo({
  id: 'f_video',
  name: 'clip.mp4',
  size: 8_000_000,
  type: 'video/mp4',
  kind: 'video',
  width: 1920,
  height: 1080,
  thumb: { type: 'image/jpeg', width: 800, height: 450, size: 30_000 },
});

function withHistory(...attachments: FileInfo[][]): FakeApi {
  const api = new FakeApi();
  api.roomMessages.set(
    'r_general',
    attachments.map((files, i) => chatMessage({ seq: i + 1, text: i === 0 ? 'Look' : '', attachments: files })),
  );
  return api;
}

describe('attachments in messages', () => {
  it('show an image inline at a size fitted to its dimensions before it loads, from the preview', async () => {
    const api = withHistory([PHOTO], [TALL]);
    await renderInRoom(api);
    const open = await screen.findByRole('button', { name: 'Open image beach.jpg, 2.4 MB' });
    const image = await waitFor(() => {
      const img = open.querySelector('img');
      if (!img) throw new Error('no image yet');
      return img;
    });
    // 4000 × 3000 fitted into 360 × 320: the box keeps the shape (4:3) whatever loads.
    expect(image.getAttribute('width')).toBe('360');
    expect(image.getAttribute('height')).toBe('270');
    expect(image.getAttribute('src')).toBe('https://media.test/f_photo/thumb');
    // Without a preview, the original; a tall one is limited by height.
    const tall = (await screen.findByRole('button', { name: /^Open image tower\.png/ })).querySelector('img')!;
    await waitFor(() => expect(tall.getAttribute('src')).toBe('https://media.test/f_tall/original'));
    expect([tall.getAttribute('width'), tall.getAttribute('height')]).toEqual(['107', '320']);
  });

  it('asks for a new URL once when an image fails to load (a browser tab after a reconnect)', async () => {
    const api = withHistory([PHOTO]);
    let session = 1;
    const asked: string[] = [];
    api.mediaUrl = async (_server, fileId, variant) => {
      asked.push(`${fileId}/${variant}`);
      return `https://media.test/tab-${session}/${fileId}/${variant}`;
    };
    await renderInRoom(api);
    const open = await screen.findByRole('button', { name: /^Open image beach\.jpg/ });
    const image = await waitFor(() => {
      const img = open.querySelector('img');
      if (!img) throw new Error('no image yet');
      return img;
    });
    expect(image.getAttribute('src')).toBe('https://media.test/tab-1/f_photo/thumb');
    // The tab's session ended; its URLs now fail to load.
    session = 2;
    fireEvent.error(image);
    await waitFor(() =>
      expect(open.querySelector('img')!.getAttribute('src')).toBe('https://media.test/tab-2/f_photo/thumb'),
    );
    // Once per URL: a URL that fails again is not asked for in a loop.
    fireEvent.error(open.querySelector('img')!);
    fireEvent.error(open.querySelector('img')!);
    await act(async () => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(asked.filter((a) => a === 'f_photo/thumb').length).toBeLessThanOrEqual(3);
  });

  it('shows several pictures of one message smaller, side by side', async () => {
    await renderInRoom(withHistory([PHOTO, TALL]));
    const photo = (await screen.findByRole('button', { name: /^Open image beach\.jpg/ })).querySelector('img')!;
    await waitFor(() => expect(photo.getAttribute('src')).not.toBeNull());
    expect([photo.getAttribute('width'), photo.getAttribute('height')]).toEqual(['240', '180']);
  });

  it('reserves the box while the URL is not known yet (no layout jump)', async () => {
    const api = withHistory([PHOTO]);
    api.mediaUrl = () => new Promise(() => {}); // never answers
    await renderInRoom(api);
    const open = await screen.findByRole('button', { name: /^Open image beach\.jpg/ });
    const placeholder = open.querySelector('svg')!;
    expect([placeholder.getAttribute('width'), placeholder.getAttribute('height')]).toEqual(['360', '270']);
  });

  it('show a video with its poster, controls and nothing preloaded', async () => {
    const api = withHistory([VIDEO]);
    await renderInRoom(api);
    const video = await waitFor(() => {
      const element = document.querySelector('video');
      if (!element?.getAttribute('poster')) throw new Error('no video yet');
      return element;
    });
    expect(video.getAttribute('poster')).toBe('https://media.test/f_video/thumb');
    expect(video.getAttribute('src')).toBe('https://media.test/f_video/original');
    expect(video.hasAttribute('controls')).toBe(true);
    expect(video.getAttribute('preload')).toBe('none');
    expect([video.getAttribute('width'), video.getAttribute('height')]).toEqual(['360', '203']);
  });

  it('show other files as a card: type icon, name cut in the middle with the full name on hover, size', async () => {
    await renderInRoom(withHistory([PDF]));
    const card = await screen.findByRole('group', { name: 'File quarterly-report-final-version.pdf, 1.3 MB' });
    const name = card.querySelector('bdi')!;
    expect(name.getAttribute('title')).toBe('quarterly-report-final-version.pdf');
    expect(name.getAttribute('dir')).toBe('auto');
    // The tail with the extension always shows.
    expect(name.lastElementChild!.textContent).toBe('sion.pdf');
    expect(within(card).getByText('1.3 MB · PDF')).toBeTruthy();
    expect(card.querySelector('.file-icon--pdf')).not.toBeNull();
  });

  it('show a hostile name as plain text, without reordering characters and without markup', async () => {
    const hostile = fileInfo({
      id: 'f_evil',
      name: '<img src=x onerror=alert(1)>invoice\u202Efdp.exe',
      size: 10,
      kind: 'file',
    });
    await renderInRoom(withHistory([hostile]));
    const card = await screen.findByRole('group', { name: /^File / });
    expect(card.querySelector('img')).toBeNull();
    const name = card.querySelector('bdi')!;
    expect(name.textContent).toBe('<img src=x onerror=alert(1)>invoicefdp.exe');
    expect(name.textContent).not.toContain('\u202E');
    expect(card.getAttribute('aria-label')).not.toContain('\u202E');
    expect(name.getAttribute('title')).toBe('<img src=x onerror=alert(1)>invoicefdp.exe');
  });
});

describe('downloads', () => {
  it('desktop: Download shows bytes, speed and time left with Cancel, then Open and Show in folder', async () => {
    const api = withHistory([PDF]);
    const user = userEvent.setup();
    await renderInRoom(api);
    const card = await screen.findByRole('group', { name: /^File quarterly/ });
    await user.click(within(card).getByRole('button', { name: 'Download quarterly-report-final-version.pdf' }));
    expect(api.callsTo('downloadFile')).toEqual([[SERVER, 'f_pdf']]);

    const view: DownloadView = {
      id: 'd_1',
      server: SERVER,
      fileId: 'f_pdf',
      name: 'quarterly-report-final-version.pdf',
      size: 1_250_000,
      received: 500_000,
      bytesPerSecond: 250_000,
      state: 'active',
    };
    act(() => api.emit('downloadChanged', view));
    expect(within(card).getByText('500 KB of 1.3 MB · 250 KB/s · 3 s left')).toBeTruthy();
    expect(
      within(card).getByRole('progressbar', { name: 'Downloading quarterly-report-final-version.pdf' }),
    ).toBeTruthy();
    await user.click(
      within(card).getByRole('button', { name: 'Cancel download of quarterly-report-final-version.pdf' }),
    );
    expect(api.callsTo('cancelDownload')).toEqual([['d_1']]);

    act(() => api.emit('downloadChanged', { ...view, received: view.size, state: 'done', bytesPerSecond: 0 }));
    await user.click(within(card).getByRole('button', { name: 'Open' }));
    await user.click(within(card).getByRole('button', { name: 'Show in folder' }));
    expect(api.callsTo('openDownload')).toEqual([['d_1']]);
    expect(api.callsTo('showDownload')).toEqual([['d_1']]);

    act(() =>
      api.emit('downloadChanged', { ...view, state: 'failed', error: { code: 'hash_mismatch', message: 'x' } }),
    );
    expect(within(card).getByRole('alert').textContent).toContain('checksum did not match');
  });

  it('browser: Download hands the file to the browser (no progress of ours)', async () => {
    const api = withHistory([PDF]);
    api.appInfo = { ...api.appInfo, platform: 'web', canHost: false };
    const user = userEvent.setup();
    await renderInRoom(api);
    const card = await screen.findByRole('group', { name: /^File quarterly/ });
    await user.click(within(card).getByRole('button', { name: /^Download / }));
    expect(api.callsTo('downloadFile')).toEqual([[SERVER, 'f_pdf']]);
    expect(within(card).queryByRole('progressbar')).toBeNull();
  });
});

describe('the full view', () => {
  it('opens the original large; ← → move between the conversation’s images; Escape closes and focus returns', async () => {
    const api = withHistory([PHOTO, PDF], [TALL], [THIRD]);
    const user = userEvent.setup();
    await renderInRoom(api);
    const opener = await screen.findByRole('button', { name: /^Open image tower\.png/ });
    opener.focus();
    await user.click(opener);

    const dialog = await screen.findByRole('dialog', { name: 'Image tower.png' });
    await waitFor(() =>
      expect(within(dialog).getByRole('img', { name: 'tower.png' }).getAttribute('src')).toBe(
        'https://media.test/f_tall/original',
      ),
    );
    expect(within(dialog).getByText('2 of 3')).toBeTruthy();
    expect(within(dialog).getByText(/^90\.0 KB · 300 × 900 · Bob/)).toBeTruthy();
    expect(dialog.contains(document.activeElement)).toBe(true);

    fireEvent.keyDown(dialog, { key: 'ArrowRight' });
    expect(await screen.findByRole('dialog', { name: 'Image sunset.webp' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Next image' })).toBeNull(); // the last one
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'ArrowLeft' });
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'ArrowLeft' });
    expect(await screen.findByRole('dialog', { name: 'Image beach.jpg' })).toBeTruthy();
    expect(screen.getByText('1 of 3')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Previous image' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Download beach.jpg' }));
    expect(api.callsTo('downloadFile')).toEqual([[SERVER, 'f_photo']]);

    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(opener);
  });

  it('has buttons for every key (phone): next, previous and close', async () => {
    const api = withHistory([PHOTO], [TALL]);
    const user = userEvent.setup();
    await renderInRoom(api);
    await user.click(await screen.findByRole('button', { name: /^Open image beach\.jpg/ }));
    await user.click(await screen.findByRole('button', { name: 'Next image' }));
    expect(await screen.findByRole('dialog', { name: 'Image tower.png' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Previous image' }));
    expect(await screen.findByRole('dialog', { name: 'Image beach.jpg' })).toBeTruthy();
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});

describe('Settings › Downloads', () => {
  it('desktop: "Ask where to save each file" switches the setting', async () => {
    const api = new FakeApi();
    const user = userEvent.setup();
    renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    const toggle = await screen.findByRole('switch', { name: 'Ask where to save each file' });
    expect(toggle.getAttribute('aria-checked')).toBe('false');
    await user.click(toggle);
    await waitFor(() => expect(toggle.getAttribute('aria-checked')).toBe('true'));
    expect(api.callsTo('setFileSettings')).toEqual([[{ askWhereToSave: true }]]);
  });

  it('browser: no such setting (the browser has its own)', async () => {
    const api = new FakeApi();
    api.appInfo = { ...api.appInfo, platform: 'web', canHost: false };
    const user = userEvent.setup();
    renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    await screen.findByRole('dialog', { name: 'Settings' });
    expect(screen.queryByRole('switch', { name: 'Ask where to save each file' })).toBeNull();
  });
});
