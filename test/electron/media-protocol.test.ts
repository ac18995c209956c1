/**
 * The desktop's `parley-media:` protocol (src/main/media-protocol.ts) and DesktopFiles with
 * Electron (src/main/desktop-files.ts), with `electron` mocked: the scheme's privileges, URL
 * building and parsing (hostile URLs → 404), the answers' headers (inline only for raster images
 * and video, attachment + octet-stream otherwise), Range (206/416), the SHA-256 gate of a whole
 * file, and the OS calls of downloads.
 *
 * The files come from a small in-memory MediaSource that keeps openMedia's contract (a range of
 * bytes, a refusal past the end); the same answers against a real session and room server are
 * test/web/file-routes.test.ts's, through the gateway that shares media-response.ts.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-mock.ts'));

import { app, asElectron, dialog, FakeBrowserWindow, protocol, resetElectronMock, shell } from './electron-mock.ts';
import { ApiError } from '../../src/shared/api/proxy.ts';
import type { MediaStream, MediaVariant } from '../../src/main/core/session/media.ts';
import type { MediaSource } from '../../src/main/core/web/media-response.ts';
import {
  answerMediaRequest,
  MEDIA_SCHEME,
  mediaUrlOf,
  parseMediaUrl,
  registerMediaProtocol,
  registerMediaScheme,
} from '../../src/main/media-protocol.ts';
import { electronDesktopFiles } from '../../src/main/desktop-files.ts';

const SERVER = '192.168.1.20:7420';
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(1000, 3)]);
const PDF = Buffer.from('%PDF-1.7\n' + 'x'.repeat(500));
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

interface StoredFile {
  bytes: Buffer;
  type: string;
  name: string;
  /** The hash the server announces (differs from the bytes' for a corrupted blob). */
  sha256?: string;
}

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** openMedia over files in memory, refusing a range past the end as a server does. */
class MemoryMedia implements MediaSource {
  readonly files = new Map<string, StoredFile>();
  readonly opened: { fileId: string; range: { offset: number; length?: number } | undefined }[] = [];

  openMedia(
    serverKey: string,
    fileId: string,
    variant: MediaVariant,
    range?: { offset: number; length?: number },
  ): Promise<MediaStream> {
    this.opened.push({ fileId, range });
    const stored = this.files.get(fileId);
    if (serverKey !== SERVER || !stored || variant !== 'original')
      return Promise.reject(new ApiError('file_not_found', 'no such file'));
    const offset = range?.offset ?? 0;
    const length = range?.length ?? stored.bytes.length - offset;
    if (offset + length > stored.bytes.length) return Promise.reject(new ApiError('bad_range', 'past the end'));
    const digest = stored.sha256 ?? sha(stored.bytes);
    const slice = stored.bytes.subarray(offset, offset + length);
    // Several chunks, as a transfer connection delivers them.
    const chunks = [];
    for (let i = 0; i < slice.length; i += 100) chunks.push(slice.subarray(i, i + 100));
    return Promise.resolve({
      file: {
        id: fileId,
        name: stored.name,
        size: stored.bytes.length,
        sha256: digest,
        type: stored.type,
        kind: 'file',
      },
      variant,
      size: stored.bytes.length,
      sha256: digest,
      mediaType: stored.type,
      offset,
      length,
      body: Readable.from(chunks),
    });
  }
}

let media: MemoryMedia;

beforeEach(() => {
  resetElectronMock();
  media = new MemoryMedia();
  media.files.set('f_png', { bytes: PNG, type: 'image/png', name: 'holiday photo.png' });
  media.files.set('f_pdf', { bytes: PDF, type: 'application/pdf', name: 'Rapport d’été "final".pdf' });
  media.files.set('f_svg', { bytes: SVG, type: 'image/svg+xml', name: 'logo.svg' });
  media.files.set('f_bad', { bytes: PNG, type: 'image/png', name: 'bad.png', sha256: sha(Buffer.from('other')) });
});

const get = (url: string, headers: Record<string, string> = {}) =>
  answerMediaRequest(media, new Request(url, { headers }));

function expectFileHeaders(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  expect(res.headers.get('cache-control')).toBe('private');
}

describe('the parley-media: scheme', () => {
  it('is declared privileged for <img>/<video> streaming, without bypassing CSP or CORS', () => {
    registerMediaScheme();
    expect(protocol.privileged).toEqual([
      { scheme: 'parley-media', privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
    ]);
  });

  it('builds URLs that parse back to the same server, file and variant', () => {
    for (const [server, id] of [
      [SERVER, 'f_abc'],
      ['[fe80::1%25eth0]:7420', 'f/../x?y#z'],
      ['host.local:1', 'ünï'],
    ] as const) {
      for (const variant of ['original', 'thumb'] as const) {
        const url = mediaUrlOf(server, id, variant);
        expect(url.startsWith('parley-media://files/')).toBe(true);
        expect(parseMediaUrl(url)).toEqual({ serverKey: server, fileId: id, variant, download: false });
        expect(parseMediaUrl(`${url}?download=1`)?.download).toBe(true);
      }
    }
  });

  it('names nothing for URLs that are not exactly ours', () => {
    for (const url of [
      'parley-media://other/192.168.1.20%3A7420/f_png/original',
      'parley-media://files/192.168.1.20%3A7420/f_png',
      'parley-media://files/192.168.1.20%3A7420/f_png/original/extra',
      'parley-media://files/192.168.1.20%3A7420/f_png/script',
      'parley-media://files//f_png/original',
      'parley-media://files/%E0%A4%A/f_png/original',
      'parley-media://user:pw@files/192.168.1.20%3A7420/f_png/original',
      'https://files/192.168.1.20%3A7420/f_png/original',
      'not a url',
    ]) {
      expect(parseMediaUrl(url), url).toBeUndefined();
    }
  });
});

describe('answers of the parley-media: protocol', () => {
  it('serves an image inline with its sniffed type and the security headers', async () => {
    const res = await get(mediaUrlOf(SERVER, 'f_png', 'original'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-length')).toBe(String(PNG.length));
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="holiday photo.png"; filename*=UTF-8''holiday%20photo.png`,
    );
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expectFileHeaders(res);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('serves a PDF, an SVG and a ?download=1 image as attachments typed octet-stream', async () => {
    const pdf = await get(mediaUrlOf(SERVER, 'f_pdf', 'original'));
    expect(pdf.headers.get('content-type')).toBe('application/octet-stream');
    // An ASCII fallback without quotes or non-ASCII, and the exact name in UTF-8 (RFC 6266/5987).
    expect(pdf.headers.get('content-disposition')).toBe(
      `attachment; filename="Rapport d__t_ _final_.pdf"; filename*=UTF-8''${encodeURIComponent('Rapport d’été "final".pdf')}`,
    );
    expectFileHeaders(pdf);
    expect(Buffer.from(await pdf.arrayBuffer()).equals(PDF)).toBe(true);

    const svg = await get(mediaUrlOf(SERVER, 'f_svg', 'original'));
    expect(svg.headers.get('content-type')).toBe('application/octet-stream');
    expect(svg.headers.get('content-disposition')).toMatch(/^attachment; /u);
    await svg.arrayBuffer();

    const png = await get(`${mediaUrlOf(SERVER, 'f_png', 'original')}?download=1`);
    expect(png.headers.get('content-type')).toBe('application/octet-stream');
    expect(png.headers.get('content-disposition')).toMatch(/^attachment; /u);
    await png.arrayBuffer();
  });

  it('answers single ranges with 206, past the end with 416, and ignores what it does not serve', async () => {
    const url = mediaUrlOf(SERVER, 'f_png', 'original');
    const part = await get(url, { Range: 'bytes=2-9' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 2-9/${PNG.length}`);
    expect(part.headers.get('content-length')).toBe('8');
    expect(Buffer.from(await part.arrayBuffer()).equals(PNG.subarray(2, 10))).toBe(true);

    const tail = await get(url, { Range: 'bytes=1000-' });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes 1000-${PNG.length - 1}/${PNG.length}`);
    expect(Buffer.from(await tail.arrayBuffer()).equals(PNG.subarray(1000))).toBe(true);

    // An end past the file: the part that exists (the session refused the longer range).
    const over = await get(url, { Range: 'bytes=1000-99999' });
    expect(over.status).toBe(206);
    expect(over.headers.get('content-range')).toBe(`bytes 1000-${PNG.length - 1}/${PNG.length}`);
    await over.arrayBuffer();

    const past = await get(url, { Range: `bytes=${PNG.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${PNG.length}`);

    for (const ignored of ['bytes=0-1,4-5', 'bytes=-10', 'items=0-1', 'bytes=9-2']) {
      const whole = await get(url, { Range: ignored });
      expect(whole.status, ignored).toBe(200);
      expect(Buffer.from(await whole.arrayBuffer()).equals(PNG)).toBe(true);
    }
  });

  it('is a bare 404 for an unknown file, another server or a bad URL, and 405 for anything but GET', async () => {
    for (const url of [
      mediaUrlOf(SERVER, 'f_missing', 'original'),
      mediaUrlOf('10.0.0.1:1', 'f_png', 'original'),
      mediaUrlOf(SERVER, 'f_png', 'thumb'),
      'parley-media://files/x/y/z',
    ]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(await res.text()).toBe('Not found\n');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const post = await answerMediaRequest(
      media,
      new Request(mediaUrlOf(SERVER, 'f_png', 'original'), { method: 'POST', body: 'x' }),
    );
    expect(post.status).toBe(405);
  });

  it('fails the body of a whole file whose bytes do not match its SHA-256, before its last byte', async () => {
    const res = await get(mediaUrlOf(SERVER, 'f_bad', 'original'));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let received = 0;
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          received += value.length;
        }
      })(),
    ).rejects.toThrow(/SHA-256/u);
    expect(received).toBeLessThan(PNG.length);
  });

  it('is served through protocol.handle until stopped', async () => {
    const stop = registerMediaProtocol(media);
    expect(protocol.handle).toHaveBeenCalledWith(MEDIA_SCHEME, expect.any(Function));
    const res = await protocol.fetch(mediaUrlOf(SERVER, 'f_png', 'original'), { headers: { Range: 'bytes=0-7' } });
    expect(res.status).toBe(206);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG.subarray(0, 8))).toBe(true);
    stop();
    expect(protocol.unhandle).toHaveBeenCalledWith(MEDIA_SCHEME);
    await expect(protocol.fetch(mediaUrlOf(SERVER, 'f_png', 'original'))).rejects.toThrow(/No handler/u);
  });
});

describe('DesktopFiles with Electron', () => {
  it('uses the OS Downloads folder, the save dialog on our window, openPath and showItemInFolder', async () => {
    app.paths.set('downloads', '/home/ada/Downloads');
    const win = new FakeBrowserWindow({});
    let current: FakeBrowserWindow | null = win;
    const files = electronDesktopFiles(() => asElectron(current));
    expect(files.downloadsDir()).toBe('/home/ada/Downloads');

    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/tmp/chosen.pdf' });
    await expect(files.chooseSavePath('/home/ada/Downloads/report.pdf')).resolves.toBe('/tmp/chosen.pdf');
    expect(dialog.showSaveDialog).toHaveBeenLastCalledWith(win, { defaultPath: '/home/ada/Downloads/report.pdf' });
    await expect(files.chooseSavePath('/x/y.pdf')).resolves.toBeNull(); // cancelled
    current = null;
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '' });
    await expect(files.chooseSavePath('/x/y.pdf')).resolves.toBeNull();
    expect(dialog.showSaveDialog).toHaveBeenLastCalledWith({ defaultPath: '/x/y.pdf' });

    await files.openPath('/home/ada/Downloads/report.pdf');
    expect(shell.openPath).toHaveBeenCalledWith('/home/ada/Downloads/report.pdf');
    shell.openPath.mockResolvedValueOnce('No application is registered for this file');
    await expect(files.openPath('/x')).rejects.toMatchObject({
      code: 'open_failed',
      message: 'No application is registered for this file',
    });

    files.showInFolder('/home/ada/Downloads/report.pdf');
    expect(shell.showItemInFolder).toHaveBeenCalledWith('/home/ada/Downloads/report.pdf');
  });
});
