/**
 * Where games start and where they are counted: the composer's Play button and its challenge
 * dialog (opponent from the room's members, side X / O / random), "Challenge to tic-tac-toe" on
 * a member's entry, refusals in the dialog, the room header's scoreboard, and where a game's
 * card sits among the messages.
 */
import { act, renderHook, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useFirstItemIndex, withGames } from '../../src/renderer/src/features/games/game-timeline.ts';
import type { GameEntry } from '../../src/renderer/src/features/games/games-slice.ts';
import { BOB, chatMessage, FakeApi, ME, SERVER } from './fake-api.ts';
import { renderInRoom } from './render-app.tsx';

const ROOM = 'r_general';
const CAROL = { id: 'u_carol', name: 'Carol' };

async function inRoom(api: FakeApi) {
  api.roomMessages.set(ROOM, [chatMessage({ seq: 1, ts: Date.now() - 60_000, text: 'hello' })]);
  const rendered = await renderInRoom(api);
  await screen.findByText('hello');
  return rendered;
}

describe('starting a game', () => {
  it('Play opens the challenge dialog: pick the opponent and a side, and the invitation shows', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.members = [ME, BOB, CAROL];
    await inRoom(api);

    await user.click(screen.getByRole('button', { name: 'Play tic-tac-toe' }));
    const dialog = await screen.findByRole('dialog', { name: 'Play tic-tac-toe' });
    const opponent = within(dialog).getByRole('combobox', { name: 'Opponent' });
    // Everyone else in the room, not ourselves.
    expect(
      within(opponent)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Bob', 'Carol']);
    await user.selectOptions(opponent, 'u_carol');
    expect(within(dialog).getByRole('radio', { name: /^X/ })).toHaveProperty('checked', true);
    await user.click(within(dialog).getByRole('radio', { name: /^O/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Send challenge' }));

    expect(api.calls.find((c) => c.name === 'inviteGame')?.args).toEqual([SERVER, ROOM, CAROL.id, 'o']);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const card = await screen.findByRole('article', { name: /Tic-tac-toe/ });
    expect(card.textContent).toContain('You challenged Carol · you play O');
    expect(within(card).getByRole('button', { name: 'Withdraw' })).toBeTruthy();
  });

  it('a refusal stays in the dialog, in words', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    await inRoom(api);
    act(() => void api.gameInvite(SERVER, ROOM, ME, BOB.id, 'x')); // we already have an open invitation
    await user.click(screen.getByRole('button', { name: 'Play tic-tac-toe' }));
    const dialog = await screen.findByRole('dialog', { name: 'Play tic-tac-toe' });
    await user.click(within(dialog).getByRole('radio', { name: /^Random/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Send challenge' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      'One of you is already playing (or has an open challenge) in this room.',
    );
    expect(api.calls.filter((c) => c.name === 'inviteGame').at(-1)?.args).toEqual([SERVER, ROOM, BOB.id, 'random']);
  });

  it('a member’s entry challenges that member (not one’s own entry)', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.members = [ME, BOB, CAROL];
    await inRoom(api);
    const members = screen.getByRole('complementary', { name: /Members/ });
    expect(within(members).queryByRole('button', { name: 'Challenge Ada to tic-tac-toe' })).toBeNull();
    await user.click(within(members).getByRole('button', { name: 'Challenge Carol to tic-tac-toe' }));
    const dialog = await screen.findByRole('dialog', { name: 'Play tic-tac-toe' });
    expect(within(dialog).getByRole('combobox', { name: 'Opponent' })).toHaveProperty('value', CAROL.id);
  });

  it('the room header opens the scoreboard: wins, draws and losses per person', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    await inRoom(api);
    act(() => {
      const game = api.gameInvite(SERVER, ROOM, ME, BOB.id, 'x');
      api.gameAs(BOB.id, game.id, { type: 'accept' });
      api.gameAs(BOB.id, game.id, { type: 'resign' });
    });
    await user.click(screen.getByRole('button', { name: 'Scoreboard' }));
    const dialog = await screen.findByRole('dialog', { name: 'Scoreboard' });
    const table = await within(dialog).findByRole('table');
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => [...row.querySelectorAll('th, td')].map((c) => c.textContent));
    expect(rows).toEqual([
      ['1AAdayou', '1', '0', '0'],
      ['2BBob', '0', '0', '1'],
    ]);
    expect(api.calls.find((c) => c.name === 'gameScores')?.args).toEqual([SERVER, ROOM]);
  });
});

describe('a game’s place in the timeline', () => {
  const entry = (id: string, createdAt: number): GameEntry => ({
    game: { id, createdAt } as GameEntry['game'],
    clockOffset: 0,
  });
  it('sits at the time of its invitation among the messages, in a stable order', () => {
    const items = [{ t: 10 }, { t: 20 }, { t: 30 }];
    const games = { g_b: entry('g_b', 20), g_a: entry('g_a', 20), g_old: entry('g_old', 5), g_new: entry('g_new', 99) };
    const merged = withGames(items, games, (item) => item.t).map((item) => ('kind' in item ? item.id : item.t));
    expect(merged).toEqual(['g_old', 10, 20, 'g_a', 'g_b', 30, 'g_new']);
  });
});

describe('the message list’s first index with games in it', () => {
  type Item = { key: string; game?: boolean };
  const keyOf = (item: Item) => item.key;
  const isGame = (item: Item) => item.game === true;
  const items = (...keys: string[]): Item[] => keys.map((key) => ({ key, game: key.startsWith('g') }));

  it('drops by the number of items put in front (older history, an older game), and nothing else', () => {
    const { result, rerender } = renderHook(({ list, base }) => useFirstItemIndex(list, base, keyOf, isGame), {
      initialProps: { list: items('g1', 'm10', 'm11'), base: 1000 },
    });
    // A game before the first message counts as put in front of it.
    expect(result.current).toBe(999);
    // A new message and a new game at the end: no change.
    rerender({ list: items('g1', 'm10', 'm11', 'g2', 'm12'), base: 1000 });
    expect(result.current).toBe(999);
    // Older history (5 messages) loads, and the game sits among them: 5 in front of g1.
    rerender({ list: items('m5', 'm6', 'm7', 'm8', 'm9', 'g1', 'm10', 'm11', 'g2', 'm12'), base: 995 });
    expect(result.current).toBe(994);
    // Another conversation: starts again from the timeline's own index.
    rerender({ list: items('x1'), base: 1000 });
    expect(result.current).toBe(1000);
  });
});
