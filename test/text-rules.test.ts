/**
 * The shared text rules (src/shared/text-rules.ts, PROTOCOL.md §10): visibly blank names, room names
 * and messages (issue 9, defect 6), examples and fast-check properties, then the same refusals as a
 * user sees them from a real server.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkDisplayName,
  checkMessageText,
  checkRoomName,
  checkTopic,
  isVisiblyBlank,
  nameKey,
} from '../src/shared/text-rules.ts';
import { cleanupAll, RawClient, startServer } from './support/harness.ts';

afterEach(cleanupAll);

const MAX_TEXT = 4000;

/** Characters that draw nothing on their own: each alone, or any mix, is a "blank" string. */
const BLANK_CHARS: [string, string][] = [
  ['ZWJ U+200D', '\u200d'],
  ['ZWNJ U+200C', '\u200c'],
  ['Hangul filler U+3164', '\u3164'],
  ['Braille blank U+2800', '\u2800'],
  ['combining grapheme joiner U+034F', '\u034f'],
  ['Hangul choseong filler U+115F', '\u115f'],
  ['Hangul jungseong filler U+1160', '\u1160'],
  ['halfwidth Hangul filler U+FFA0', '\uffa0'],
  ['a lone combining acute U+0301', '\u0301'],
  ['a lone Thai vowel mark U+0E31', '\u0e31'],
  ['a lone combining keycap U+20E3', '\u20e3'],
  ['variation selector-16 U+FE0F', '\ufe0f'],
  ['Arabic letter mark U+061C', '\u061c'],
  ['Khmer inherent vowel U+17B4', '\u17b4'],
  ['a tag character U+E0041', '\u{e0041}'],
  ['musical symbol begin beam U+1D173', '\u{1d173}'],
  ['interlinear annotation anchor U+FFF9', '\ufff9'],
  ['an ideographic space U+3000 with ZWJ', '\u3000\u200d'],
];
/** Bidi controls: already refused inside names; in a message they are allowed but not alone. */
const BIDI_CONTROLS = ['\u202e', '\u202d', '\u202a', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f'];

const VISIBLE_NAMES = [
  'Ada',
  'José',
  'Zoë',
  'e\u0301', // decomposed é: NFC makes it one character
  'สมชาย', // Thai, with its vowel marks
  'محمد', // Arabic
  'مُحَمَّد', // Arabic with harakat (marks on bases)
  'नमस्ते', // Devanagari, with a virama
  'می‌خواهم', // Persian with a ZWNJ inside
  '👨‍👩‍👧', // ZWJ family sequence
  '👩🏽‍💻',
  '1️⃣', // keycap: digit, VS16, combining keycap
  '🏴󠁧󠁢󠁥󠁮󠁧󠁿', // flag of England: tag characters after a base
  '⠁⠃', // Braille letters (not the blank pattern)
  '한글',
];

describe('visibly blank text (pure rules)', () => {
  it.each(BLANK_CHARS)('refuses a display name, a room name and a message made only of %s', (_label, chars) => {
    for (const raw of [chars, chars.repeat(3), ` ${chars} `]) {
      expect(checkDisplayName(raw).ok, JSON.stringify(raw)).toBe(false);
      expect(checkRoomName(raw).ok, JSON.stringify(raw)).toBe(false);
      expect(checkTopic(raw).ok, JSON.stringify(raw)).toBe(false);
      expect(checkMessageText(raw, MAX_TEXT)).toMatchObject({ ok: false, code: 'text_invalid' });
    }
  });

  it('explains a blank name as "must contain a visible character"', () => {
    expect(checkDisplayName('\u3164\u3164')).toEqual({ ok: false, reason: 'Name must contain a visible character' });
    expect(checkRoomName('\u2800')).toEqual({ ok: false, reason: 'Room name must contain a visible character' });
    expect(checkMessageText('\u200d\n\u0301', MAX_TEXT)).toEqual({
      ok: false,
      code: 'text_invalid',
      reason: 'Text must contain a visible character',
    });
  });

  it.each(BIDI_CONTROLS.map((c) => [c.codePointAt(0)!.toString(16).toUpperCase(), c]))(
    'refuses a message made only of the bidi control U+%s (with spaces or newlines)',
    (_label, control) => {
      for (const raw of [control, `${control}${control}`, ` ${control}\n`, `${control}\u200d\u3164`]) {
        expect(checkMessageText(raw, MAX_TEXT)).toMatchObject({ ok: false, code: 'text_invalid' });
      }
    },
  );

  it.each(VISIBLE_NAMES)('keeps %s valid as a name, a room name and a message, unchanged but for NFC', (text) => {
    const nfc = text.normalize('NFC');
    expect(checkDisplayName(text)).toEqual({ ok: true, value: nfc });
    expect(checkRoomName(text)).toEqual({ ok: true, value: nfc });
    expect(checkMessageText(text, MAX_TEXT)).toEqual({ ok: true, value: nfc });
    expect(isVisiblyBlank(nfc)).toBe(false);
  });

  it('keeps blank characters inside a message that has something visible', () => {
    expect(checkMessageText('\u202eabc\u202c', MAX_TEXT)).toEqual({ ok: true, value: '\u202eabc\u202c' });
    expect(checkMessageText('\u2800\nhi', MAX_TEXT)).toEqual({ ok: true, value: '\u2800\nhi' });
  });
});

// ---- properties (fast-check) ----

const blankChar = fc.constantFrom(
  ...BLANK_CHARS.map(([, c]) => c),
  ...BIDI_CONTROLS,
  ' ',
  '\t',
  '\n',
  '\u00a0',
  '\u200b',
  '\ufeff',
);
const blankString = fc.array(blankChar, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));
/** Any full-Unicode string (lone surrogates included), biased to short ones. */
const anyString = fc.string({ unit: 'binary', maxLength: 40 });
const wellFormed = fc.string({ unit: 'grapheme', maxLength: 40 });

describe('text rules (properties)', () => {
  it('refuses every string made only of blank characters, everywhere', () => {
    fc.assert(
      fc.property(blankString, (raw) => {
        expect(checkDisplayName(raw).ok).toBe(false);
        expect(checkRoomName(raw).ok).toBe(false);
        expect(checkMessageText(raw, MAX_TEXT)).toMatchObject({ ok: false, code: 'text_invalid' });
      }),
      { numRuns: 2000 },
    );
  });

  it('normalization is idempotent: an accepted value is accepted again as itself', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, wellFormed), (raw) => {
        for (const check of [checkDisplayName, checkRoomName, checkTopic]) {
          const first = check(raw);
          if (first.ok) expect(check(first.value)).toEqual(first);
        }
        const text = checkMessageText(raw, MAX_TEXT);
        if (text.ok) expect(checkMessageText(text.value, MAX_TEXT)).toEqual(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('an accepted name survives a round trip through JSON and UTF-8 (what the wire and SQLite do)', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, wellFormed), (raw) => {
        const name = checkDisplayName(raw);
        if (!name.ok) return;
        const back = new TextDecoder().decode(new TextEncoder().encode(JSON.stringify(name.value)));
        const decoded = JSON.parse(back) as string;
        expect(decoded).toBe(name.value);
        expect(checkDisplayName(decoded)).toEqual(name);
        expect(nameKey(decoded)).toBe(nameKey(name.value));
        expect(isVisiblyBlank(decoded)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('a visible base keeps a name valid whatever blank characters follow it inside a message', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VISIBLE_NAMES), blankString, (visible, blank) => {
        expect(checkMessageText(`${blank}${visible}${blank}`, MAX_TEXT).ok).toBe(true);
      }),
    );
  });
});

// ---- against a real server ----

async function createRoom(client: RawClient, name: string): Promise<string> {
  const reply = await client.request({ type: 'room_create', name });
  return (reply['data'] as { room: { id: string } }).room.id;
}

describe('visibly blank content, refused by a real server', () => {
  it('hello and rename with a blank name are name_invalid; the member list never shows a blank name', async () => {
    const { port } = await startServer();
    for (const [, name] of BLANK_CHARS.slice(0, 9)) {
      const client = await RawClient.open(port);
      client.send({ type: 'hello', id: 'h', protocol: 1, name });
      expect(await client.next((f) => f['re'] === 'h'), JSON.stringify(name)).toMatchObject({
        type: 'error',
        code: 'name_invalid',
      });
    }
    const { client: ada } = await RawClient.hello(port, 'Ada');
    for (const name of ['\u200d\u200d', '\u3164', '\u0301']) {
      expect(await ada.request({ type: 'rename', name })).toMatchObject({ type: 'error', code: 'name_invalid' });
    }
    const roomId = await createRoom(ada, 'Lobby');
    await ada.request({ type: 'room_join', room: roomId });
    const members = await ada.request({ type: 'room_members', room: roomId });
    expect(members).toMatchObject({ type: 'result', data: { members: [{ name: 'Ada' }] } });
  });

  it('room_create with a blank name is room_name_invalid, and no such room is listed', async () => {
    const { port } = await startServer();
    const { client } = await RawClient.hello(port, 'Ada');
    for (const name of ['\u2800\u2800', '\u115f', '\uffa0', '\u034f', '\u200c']) {
      expect(await client.request({ type: 'room_create', name }), JSON.stringify(name)).toMatchObject({
        type: 'error',
        code: 'room_name_invalid',
      });
    }
    const list = await client.request({ type: 'room_list' });
    expect(list).toMatchObject({ type: 'result' });
    expect(JSON.stringify(list['data'])).not.toMatch(/\\u2800|\u2800|\u115f|\uffa0|\u034f|\u200c/u);
  });

  it('send with blank text or only a bidi override is text_invalid and never delivered; 👨‍👩‍👧 still is', async () => {
    const { port } = await startServer();
    const { client: ada } = await RawClient.hello(port, 'Ada');
    const { client: bob } = await RawClient.hello(port, 'Bob');
    const roomId = await createRoom(ada, 'Lobby');
    await ada.request({ type: 'room_join', room: roomId });
    await bob.request({ type: 'room_join', room: roomId });
    const texts = ['\u202e', '\u202e\u202e', '\u200d', '\u3164\n\u2800', '\u0301', '\u034f \u115f'];
    for (const [i, text] of texts.entries()) {
      const reply = await ada.request({ type: 'send', room: roomId, msgId: `blank-${i}`, text });
      expect(reply, JSON.stringify(text)).toMatchObject({ type: 'error', code: 'text_invalid' });
    }
    const ok = await ada.request({ type: 'send', room: roomId, msgId: 'family', text: '👨‍👩‍👧' });
    expect(ok).toMatchObject({ type: 'result', data: { message: { seq: 1, text: '👨‍👩‍👧' } } });
    expect(await bob.next((f) => f.type === 'message')).toMatchObject({ message: { seq: 1, text: '👨‍👩‍👧' } });
    // A Thai name and an emoji sequence stay valid names.
    const { welcome } = await RawClient.hello(port, 'สมชาย 👨‍👩‍👧');
    expect(welcome).toMatchObject({ user: { name: 'สมชาย 👨‍👩‍👧' } });
  });
});
