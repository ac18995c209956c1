/** Pure helpers: links, addresses, initials, avatar colours. */
import { describe, expect, it, vi } from 'vitest';
import { AVATAR_COLORS, avatarColorIndex, initials } from '../../src/renderer/src/lib/avatar.ts';
import { linkify } from '../../src/renderer/src/features/messages/linkify.ts';
import { parseAddress } from '../../src/renderer/src/features/servers/parse-address.ts';

describe('linkify', () => {
  it('finds http(s) URLs and trims trailing punctuation', () => {
    expect(linkify('Go to https://a.example/x). Now!')).toEqual([
      { kind: 'text', text: 'Go to ' },
      { kind: 'link', text: 'https://a.example/x', href: 'https://a.example/x' },
      { kind: 'text', text: '). Now!' },
    ]);
  });

  it('keeps balanced brackets inside a URL', () => {
    const [, link] = linkify('(see https://en.wikipedia.org/wiki/Foo_(bar))');
    expect(link).toMatchObject({ kind: 'link', text: 'https://en.wikipedia.org/wiki/Foo_(bar)' });
  });

  it('leaves a URL with credentials as text: it is not a link (one rule with the desktop, src/shared/links.ts)', () => {
    for (const text of [
      'https://bank@evil.example',
      'https://bank.example@evil.example/login',
      'http://user:pass@host.example/',
      'https://:secret@host.example/',
    ]) {
      expect(linkify(`see ${text} now`)).toEqual([{ kind: 'text', text: `see ${text} now` }]);
    }
  });

  it('leaves other schemes as text', () => {
    expect(linkify('javascript:alert(1) data:text/html,x ftp://x.example')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) data:text/html,x ftp://x.example' },
    ]);
  });
});

describe('parseAddress', () => {
  it.each([
    ['192.168.1.20', { host: '192.168.1.20', port: 7275 }],
    ['192.168.1.20:8000', { host: '192.168.1.20', port: 8000 }],
    ['kitchen.local', { host: 'kitchen.local', port: 7275 }],
    ['[fe80::1]:7000', { host: 'fe80::1', port: 7000 }],
    ['::1', { host: '::1', port: 7275 }],
  ])('accepts %s', (input, expected) => {
    expect(parseAddress(input)).toEqual({ ok: true, ...expected });
  });

  it.each(['', 'my server', '300.1.1.1', 'host:0', 'host:70000', 'host:abc', '-bad-.local'])('refuses %j', (input) => {
    expect(parseAddress(input).ok).toBe(false);
  });
});

describe('initials', () => {
  it('takes the first letters of the first and last words', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('bob')).toBe('B');
    expect(initials('émile zola')).toBe('ÉZ');
    expect(initials('   ')).toBe('?');
  });

  it('never takes emoji or symbols: the first letters (or digits) of the words that have one', () => {
    expect(initials('A✨')).toBe('A');
    expect(initials('✨Ada')).toBe('A');
    expect(initials('👩‍💻 Dev')).toBe('D');
    expect(initials('Ada 🚀')).toBe('A');
    expect(initials('Ada ✨ Lovelace')).toBe('AL');
    expect(initials('🇫🇷 Émile')).toBe('É');
    expect(initials('(Bob)')).toBe('B');
    expect(initials('★★★')).toBe('?');
    expect(initials('R2-D2')).toBe('R');
    expect(initials('42')).toBe('4');
  });

  it('keeps a letter whole with its combining marks, in any script', () => {
    expect(initials('e\u0301mile zola')).toBe('ÉZ'.normalize('NFD'));
    expect(initials('สมชาย ใจดี')).toBe('สใ');
    expect(initials('กิตติ')).toBe('กิ');
    expect(initials('Łukasz Ørsted')).toBe('ŁØ');
    expect(initials('山田 太郎')).toBe('山太');
  });
});

/**
 * A file next to this one, as text. The renderer's tests have no Node types (tsconfig.web.json),
 * and Vitest turns CSS imports, ?raw ones included, into empty strings: so Node's fs and URL
 * (happy-dom's URL is another class, which fs does not take), reached through the process.
 */
function readText(relative: string): string {
  type NodeUrl = { URL: new (input: string, base: string) => object };
  type NodeFs = { readFileSync(path: object, encoding: 'utf8'): string };
  const { process } = globalThis as unknown as {
    process: { getBuiltinModule(id: 'node:url'): NodeUrl; getBuiltinModule(id: 'node:fs'): NodeFs };
  };
  const url = new (process.getBuiltinModule('node:url').URL)(relative, import.meta.url);
  return process.getBuiltinModule('node:fs').readFileSync(url, 'utf8');
}

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('avatar colours', () => {
  const names = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi'];

  it('spreads typical names over the palette', () => {
    expect(new Set(names.map(avatarColorIndex)).size).toBeGreaterThanOrEqual(6);
  });

  it('gives the same key the same colour, always within the palette', () => {
    for (const name of [...names, '', 'u_Zx9-_q', '👩‍💻', 'Ünïcödé']) {
      const index = avatarColorIndex(name);
      expect(avatarColorIndex(name)).toBe(index);
      expect(Number.isInteger(index) && index >= 0 && index < AVATAR_COLORS.length).toBe(true);
    }
  });

  it('uses every colour about as often over many user ids', () => {
    const counts = new Array<number>(AVATAR_COLORS.length).fill(0);
    for (let i = 0; i < 1200; i++) counts[avatarColorIndex(`u_${i}`)]! += 1;
    // 100 each on average; a hash that favours some colours lands far outside this.
    for (const count of counts) expect(count).toBeGreaterThan(70);
    for (const count of counts) expect(count).toBeLessThan(130);
  });

  it('has about twelve colours, each readable under white initials (WCAG AA)', () => {
    expect(AVATAR_COLORS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(AVATAR_COLORS).size).toBe(AVATAR_COLORS.length);
    for (const color of AVATAR_COLORS) expect(contrast(color, '#ffffff'), color).toBeGreaterThanOrEqual(4.5);
  });

  it('matches the colour classes of avatar.css', () => {
    const css = readText('../../src/renderer/src/styles/avatar.css');
    const classes = [...css.matchAll(/\.avatar--c(\d+)\s*\{\s*background:\s*(#[0-9a-f]{6})/giu)].map((m) => [
      Number(m[1]),
      m[2]!.toLowerCase(),
    ]);
    expect(classes).toEqual(AVATAR_COLORS.map((color, i) => [i, color]));
  });
});

describe('registerShellCache', () => {
  it('registers the app-shell service worker in the browser build only, never in the desktop app', async () => {
    const { registerShellCache } = await import('../../src/renderer/src/lib/shell-cache.ts');
    const register = vi.fn(async () => ({}));
    Object.defineProperty(navigator, 'serviceWorker', { value: { register }, configurable: true });
    try {
      registerShellCache(true);
      expect(register).not.toHaveBeenCalled();
      registerShellCache(false);
      expect(register).toHaveBeenCalledTimes(1);
      const [url, options] = register.mock.calls[0] as unknown as [URL, RegistrationOptions];
      expect(new URL(String(url)).pathname).toBe('/sw.js');
      expect(options).toEqual({ scope: './' });
    } finally {
      Reflect.deleteProperty(navigator, 'serviceWorker');
    }
  });
});
