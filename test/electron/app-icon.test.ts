/** src/main/app-icon.ts: the window icon is <appRoot>/resources/icon.png, except on macOS. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appIconPath, windowIconPath } from '../../src/main/app-icon.ts';

const ROOT = join('/opt', 'Parley', 'resources', 'app.asar');

describe('the app icon', () => {
  it('resolves to resources/icon.png under the app root', () => {
    expect(appIconPath(ROOT)).toBe(join(ROOT, 'resources', 'icon.png'));
  });

  it('is the window icon on Windows and Linux when the file exists', () => {
    const exists = (path: string) => path === join(ROOT, 'resources', 'icon.png');
    expect(windowIconPath(ROOT, 'win32', exists)).toBe(join(ROOT, 'resources', 'icon.png'));
    expect(windowIconPath(ROOT, 'linux', exists)).toBe(join(ROOT, 'resources', 'icon.png'));
  });

  it('is left to the bundle on macOS', () => {
    expect(windowIconPath(ROOT, 'darwin', () => true)).toBeUndefined();
  });

  it('is left out when the file is missing (a checkout without generated icons)', () => {
    expect(windowIconPath(ROOT, 'linux', () => false)).toBeUndefined();
  });
});
