/** Pure helpers: links, addresses, initials. */
import { describe, expect, it } from 'vitest';
import { initials } from '../../src/renderer/src/lib/avatar.ts';
import { linkify } from '../../src/renderer/src/lib/linkify.ts';
import { parseAddress } from '../../src/renderer/src/lib/parse-address.ts';

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
    expect(initials('👩‍💻 Dev')).toBe('👩‍💻D');
    expect(initials('   ')).toBe('?');
  });
});
