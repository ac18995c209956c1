/** The pure parts of the file feature: wording of sizes and progress, safe names, limits, box sizes. */
import { describe, expect, it } from 'vitest';
import {
  displayFileName,
  fileCategory,
  formatBytes,
  formatTimeLeft,
  previewBox,
  progressText,
  splitForMiddleTruncation,
} from '../../src/renderer/src/features/files/file-format.ts';
import { checkNewFiles, fileLimitsOf } from '../../src/renderer/src/features/files/file-limits.ts';
import { makePreview, PREVIEW_TIMEOUTS, thumbSize } from '../../src/renderer/src/features/files/thumbnail.ts';
import { DEFAULT_FILE_LIMITS, serverView } from './fake-api.ts';

describe('file wording', () => {
  it('formats sizes, speeds and time left', () => {
    expect([formatBytes(0), formatBytes(1), formatBytes(999), formatBytes(1500), formatBytes(2_147_483_648)]).toEqual([
      '0 bytes',
      '1 byte',
      '999 bytes',
      '1.5 KB',
      '2.1 GB',
    ]);
    expect(formatTimeLeft(10_000_000, 1_000_000)).toBe('10 s left');
    expect(formatTimeLeft(600_000_000, 1_000_000)).toBe('10 min left');
    expect(formatTimeLeft(8_000_000_000, 1_000_000)).toBe('2 h 13 min left');
    expect(formatTimeLeft(1000, 0)).toBe('');
    expect(progressText(1_200_000, 4_000_000, 3_400_000)).toBe('1.2 MB of 4.0 MB · 3.4 MB/s · 1 s left');
    expect(progressText(0, 4_000_000, 0)).toBe('0 bytes of 4.0 MB');
  });

  it('drops characters that reorder or hide text from names, and never shows an empty one', () => {
    expect(displayFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(displayFileName('a\u2066b\u2069c\u200Fd\u0000e')).toBe('abcde');
    expect(displayFileName('\u202E')).toBe('file');
    expect(displayFileName('<b>bold</b>.txt')).toBe('<b>bold</b>.txt');
  });

  it('keeps the extension visible when a long name is cut', () => {
    expect(splitForMiddleTruncation('short.pdf')).toEqual({ head: 'short.pdf', tail: '' });
    expect(splitForMiddleTruncation('a-very-long-file-name.tar.gz')).toEqual({
      head: 'a-very-long-file-nam',
      tail: 'e.tar.gz',
    });
  });

  it('picks the icon from the type, then the extension', () => {
    expect(fileCategory('application/pdf', 'x')).toBe('pdf');
    expect(fileCategory('application/zip', 'x')).toBe('archive');
    expect(fileCategory('application/octet-stream', 'notes.md')).toBe('text');
    expect(fileCategory('application/octet-stream', 'song.flac')).toBe('audio');
    expect(fileCategory('application/octet-stream', 'data')).toBe('generic');
  });

  it('fits previews into their box, keeping the shape', () => {
    expect(previewBox(4000, 3000)).toEqual({ width: 360, height: 270 });
    expect(previewBox(100, 50)).toEqual({ width: 100, height: 50 });
    expect(previewBox(10, 10_000)).toEqual({ width: 48, height: 320 });
    expect(previewBox(undefined, undefined)).toEqual({ width: 320, height: 240 });
    expect(thumbSize(4000, 3000)).toEqual({ width: 800, height: 600 });
    expect(thumbSize(300, 200)).toEqual({ width: 300, height: 200 });
  });
});

describe('file limits', () => {
  const limits = { ...DEFAULT_FILE_LIMITS, maxFileBytes: 1000, maxFilesPerMessage: 3 };

  it('come from the server view, and are absent on a server without files', () => {
    expect(fileLimitsOf(serverView())).toEqual(DEFAULT_FILE_LIMITS);
    const { files: _none, ...without } = serverView().limits!;
    expect(fileLimitsOf(serverView({ limits: without }))).toBeNull();
    expect(fileLimitsOf(serverView({ limits: null }))).toBeNull();
  });

  it('refuse files over the size and past the count, and say why', () => {
    const files = [
      { name: 'a', size: 10 },
      { name: 'big', size: 5000 },
      { name: 'b', size: 1000 },
      { name: 'c', size: 1 },
    ];
    const check = checkNewFiles(limits, 1, files);
    expect(check.accepted.map((f) => f.name)).toEqual(['a', 'b']);
    expect(check.problem).toBe(
      '“big” is 5.0 KB; this server accepts files up to 1.0 KB. You can send up to 3 files in one message.',
    );
    expect(checkNewFiles(limits, 0, [{ name: 'a', size: 1 }])).toEqual({
      accepted: [{ name: 'a', size: 1 }],
      problem: null,
    });
  });
});

describe('previews', () => {
  it('give none, without throwing, for a file that is no picture or where the page cannot decode', async () => {
    // happy-dom never loads an image: the preview gives up after its time.
    PREVIEW_TIMEOUTS.imageMs = 50;
    expect(await makePreview(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }))).toBeNull();
    expect(await makePreview(new Blob(['plain'], { type: 'text/plain' }))).toBeNull();
    PREVIEW_TIMEOUTS.imageMs = 5000;
  });
});
