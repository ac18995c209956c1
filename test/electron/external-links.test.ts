/** Which links may leave the app for the system browser, decided by URL parsing. */
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./electron-mock.ts'));

import { isSafeExternalUrl, openExternalUrl, toSafeExternalUrl } from '../../src/main/external-links.ts';
import { ApiError } from '../../src/shared/api/proxy.ts';
import { toSafeHttpUrl } from '../../src/shared/links.ts';
import { linkify } from '../../src/renderer/src/features/messages/linkify.ts';
import { resetElectronMock, shell } from './electron-mock.ts';

beforeEach(() => resetElectronMock());

describe('isSafeExternalUrl', () => {
  it.each([
    'http://example.com',
    'https://example.com/path?q=1#frag',
    'HTTPS://EXAMPLE.COM/',
    'https://192.168.1.20:8080/',
    'https://[::1]/',
    'https://xn--bcher-kva.example/',
  ])('accepts %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
  });

  it.each([
    ['file:///etc/passwd'],
    ['file://server/share/x.exe'],
    ['javascript:alert(1)'],
    ['JaVaScRiPt:alert(1)'],
    [' javascript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['vbscript:msgbox'],
    ['smb://server/share'],
    ['ms-msdt:/id PCWDiagnostic'],
    ['search-ms:query=x'],
    ['parley://join'],
    ['mailto:someone@example.com'],
    ['ftp://example.com/'],
    ['about:blank'],
    ['chrome://settings'],
    ['//example.com/no-scheme'],
    ['example.com'],
    ['/relative/path'],
    ['https://'],
    ['https://:443/'],
    ['https://user:pass@bank.example@evil.example/'],
    ['https://bank.example@evil.example/'],
    ['https://bank@evil.example'],
    ['https://:secret@host.example/'],
    [''],
    [`https://example.com/${'a'.repeat(9000)}`],
  ])('refuses %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
  });

  it.each([[undefined], [null], [42], [{ href: 'https://example.com' }], [['https://example.com']]])(
    'refuses the non-string %j',
    (value) => {
      expect(isSafeExternalUrl(value)).toBe(false);
    },
  );

  it('returns the normalized URL, not the input string', () => {
    expect(toSafeExternalUrl('  https://EXAMPLE.com/a b\n')).toBe('https://example.com/a%20b');
    expect(toSafeExternalUrl('https://exa\tmple.com/')).toBe('https://example.com/');
  });
});

describe('one URL rule for the desktop and the renderer', () => {
  it.each([
    'https://example.com/x',
    'http://192.168.1.20:8080/',
    'https://bank@evil.example',
    'https://user:pass@host.example/',
    'javascript:alert(1)',
    'file:///etc/passwd',
  ])('%s: opened here exactly when the renderer makes it a link', (url) => {
    const linked = linkify(url).some((segment) => segment.kind === 'link');
    expect(isSafeExternalUrl(url)).toBe(linked);
    expect(toSafeExternalUrl(url)).toBe(toSafeHttpUrl(url));
  });
});

describe('openExternalUrl', () => {
  it('opens http(s) URLs with shell.openExternal', async () => {
    await openExternalUrl('https://example.com/x');
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    expect(shell.openExternal.mock.calls[0]?.[0]).toBe('https://example.com/x');
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'parley://x', 'not a url'])(
    'rejects %s with bad_url and opens nothing',
    async (url) => {
      const error = await openExternalUrl(url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('bad_url');
      expect(shell.openExternal).not.toHaveBeenCalled();
    },
  );
});
