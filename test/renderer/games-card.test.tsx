/**
 * The tic-tac-toe card in a room's timeline, driven by the real game machine behind the fake
 * API: an invitation with its countdown and answers, a game played with the keyboard through
 * the ARIA grid, the result with the winning line, Rematch with the sides swapped, what a
 * spectator may do, the reconnect countdown, versions, and the room's listing after a rejoin.
 */
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { GameInfo } from '../../src/shared/api/features/games.ts';
import { BOB, chatMessage, FakeApi, ME, SERVER } from './fake-api.ts';
import { renderInRoom } from './render-app.tsx';

const ROOM = 'r_general';
const CAROL = { id: 'u_carol', name: 'Carol' };

/** The card of a game: its article, named by its title. */
async function card(): Promise<HTMLElement> {
  const cards = await screen.findAllByRole('article', { name: /Tic-tac-toe/ });
  return cards.at(-1)!;
}

/**
 * A room with a message in it: the virtualizer in happy-dom draws nothing for a first item added
 * to an empty list (messages included), so the games come after a message, as in a used room.
 */
function roomApi(): FakeApi {
  const api = new FakeApi();
  api.roomMessages.set(ROOM, [chatMessage({ seq: 1, ts: Date.now() - 60_000, text: 'anyone for a game?' })]);
  return api;
}

/** Renders the app in #general and waits until its timeline is drawn. */
async function inRoom(api: FakeApi): Promise<void> {
  await renderInRoom(api);
  await screen.findByText('anyone for a game?');
}

function emitGame(api: FakeApi, game: GameInfo, serverTime = Date.now()) {
  act(() => api.emit('gameChanged', { server: SERVER, room: ROOM, game, serverTime }));
}

describe('a game card', () => {
  it('shows an invitation from Bob with a countdown and a notice; Accept starts the game', async () => {
    const user = userEvent.setup();
    const api = roomApi();
    await inRoom(api);
    let game!: GameInfo;
    act(() => {
      game = api.gameInvite(SERVER, ROOM, BOB, ME.id, 'o');
    });

    const invite = await card();
    expect(invite.textContent).toContain('Bob challenged you · Bob plays O');
    expect(within(invite).getByText('5:00')).toBeTruthy();
    expect(document.querySelector('.toasts')!.textContent).toContain('Bob challenged you to tic-tac-toe in #general');

    await user.click(within(invite).getByRole('button', { name: 'Accept' }));
    expect(api.calls.find((c) => c.name === 'acceptGame')?.args).toEqual([SERVER, ROOM, game.id]);
    const live = await card();
    expect(within(live).getByRole('grid', { name: /Tic-tac-toe board, Ada \(X\) against Bob \(O\)/ })).toBeTruthy();
    expect(within(live).getAllByRole('button', { name: /^Row \d, column \d, empty$/ })).toHaveLength(9);
    expect(live.textContent).toContain('Your turn (X)');
    expect(live.textContent).toContain('First move within 2:00');
    expect(within(live).queryByRole('button', { name: 'Accept' })).toBeNull();
  });

  it('is played with the keyboard: arrows move between cells, Enter and Space play, moves are announced', async () => {
    const user = userEvent.setup();
    const api = roomApi();
    await inRoom(api);
    let game!: GameInfo;
    act(() => {
      game = api.gameInvite(SERVER, ROOM, BOB, ME.id, 'o');
      api.gameAs(ME.id, game.id, { type: 'accept' });
    });
    const grid = within(await card()).getByRole('grid');
    const first = within(grid).getByRole('button', { name: 'Row 1, column 1, empty' });
    // One cell in the tab order.
    expect(
      within(grid)
        .getAllByRole('button')
        .filter((b) => b.tabIndex === 0),
    ).toEqual([first]);

    first.focus();
    await user.keyboard('{ArrowRight}{ArrowDown}');
    expect(document.activeElement).toBe(within(grid).getByRole('button', { name: 'Row 2, column 2, empty' }));
    await user.keyboard('{Enter}');
    expect(api.calls.find((c) => c.name === 'playMove')?.args).toEqual([SERVER, ROOM, game.id, 4, 1]);
    expect(within(await card()).getByRole('button', { name: 'Row 2, column 2, X' })).toBeTruthy();
    expect((await card()).textContent).toContain('Bob’s turn (O)');
    const live = (await card()).querySelector('[aria-live="polite"]')!;
    expect(live.textContent).toBe('You played X at row 2, column 2. Bob’s turn (O).');

    // Not our turn: the cells say so and playing does nothing.
    await user.click(within(await card()).getByRole('button', { name: 'Row 1, column 1, empty' }));
    expect(api.calls.filter((c) => c.name === 'playMove')).toHaveLength(1);

    act(() => void api.gameAs(BOB.id, game.id, { type: 'move', cell: 0 }));
    expect(live.textContent).toBe('Bob played O at row 1, column 1. Your turn (X).');
    // Space plays too: the stale-proof move number is the game's next one.
    within(await card())
      .getByRole('button', { name: 'Row 1, column 2, empty' })
      .focus();
    await user.keyboard(' ');
    expect(api.calls.filter((c) => c.name === 'playMove').at(-1)?.args).toEqual([SERVER, ROOM, game.id, 1, 3]);
  });

  it('ends with the result and the winning line, and Rematch swaps the sides', async () => {
    const user = userEvent.setup();
    const api = roomApi();
    await inRoom(api);
    let game!: GameInfo;
    act(() => {
      game = api.gameInvite(SERVER, ROOM, BOB, ME.id, 'o');
      api.gameAs(ME.id, game.id, { type: 'accept' });
      for (const [by, cell] of [
        [ME.id, 0],
        [BOB.id, 3],
        [ME.id, 1],
        [BOB.id, 4],
        [ME.id, 2],
      ] as const)
        api.gameAs(by, game.id, { type: 'move', cell });
    });
    const done = await card();
    expect(done.textContent).toContain('Ada won as X in 5 moves');
    expect(done.textContent).toContain('Finished');
    const line = [...done.querySelectorAll('.game-cell--line')].map((b) => b.getAttribute('aria-label'));
    expect(line).toEqual(['Row 1, column 1, X', 'Row 1, column 2, X', 'Row 1, column 3, X']);
    expect(
      within(done)
        .getAllByRole('button', { name: /^Row/ })
        .every((b) => b.getAttribute('aria-disabled')),
    ).toBe(true);

    await user.click(within(done).getByRole('button', { name: 'Rematch' }));
    expect(api.calls.find((c) => c.name === 'rematchGame')?.args).toEqual([SERVER, ROOM, game.id]);
    await waitFor(() => expect(screen.getAllByRole('article', { name: /Tic-tac-toe/ })).toHaveLength(2));
    const cards = screen.getAllByRole('article', { name: /Tic-tac-toe/ });
    expect(cards[1]!.textContent).toContain('You challenged Bob · you play O');
    expect(within(cards[1]!).getByRole('button', { name: 'Withdraw' })).toBeTruthy();
    // The old card says the rematch is on its way instead of offering another.
    expect(cards[0]!.textContent).toContain('Rematch offered');
  });

  it('gives a spectator the board to read but nothing to play or answer', async () => {
    const api = roomApi();
    api.members = [ME, BOB, CAROL];
    await inRoom(api);
    let game!: GameInfo;
    act(() => {
      game = api.gameInvite(SERVER, ROOM, BOB, CAROL.id, 'x');
    });
    expect((await card()).textContent).toContain('Bob challenged Carol · Bob plays X');
    expect(within(await card()).queryByRole('button', { name: 'Accept' })).toBeNull();
    expect(within(await card()).queryByRole('button', { name: 'Withdraw' })).toBeNull();
    expect(document.querySelector('.toasts')?.textContent ?? '').not.toContain('challenged you');

    act(() => {
      api.gameAs(CAROL.id, game.id, { type: 'accept' });
      api.gameAs(BOB.id, game.id, { type: 'move', cell: 8 });
    });
    expect((await card()).textContent).toContain('Carol’s turn (O)');
    const cells = within(await card()).getAllByRole('button', { name: /^Row/ });
    expect(cells.every((b) => b.getAttribute('aria-disabled') === 'true')).toBe(true);
    expect(within(await card()).queryByRole('button', { name: /Resign/ })).toBeNull();
  });

  it('shows a disconnected player’s reconnect countdown to everyone, and a paused clock', async () => {
    const api = roomApi();
    await inRoom(api);
    let game!: GameInfo;
    act(() => {
      game = api.gameInvite(SERVER, ROOM, BOB, ME.id, 'x');
      api.gameAs(ME.id, game.id, { type: 'accept' });
    });
    const current = api.games.get(game.id)!;
    // The server's clock runs 10 minutes ahead of ours: the countdown follows the server's.
    const serverNow = Date.now() + 600_000;
    emitGame(
      api,
      {
        ...current,
        version: current.version + 1,
        away: [{ user: BOB.id, side: 'x', remainingMs: 42_000, runningSince: serverNow, deadline: serverNow + 42_000 }],
      },
      serverNow,
    );
    // 42 s from the server's now (the shared clock may have sampled up to a tick before).
    expect((await card()).textContent).toMatch(/Bob is awayForfeits in 0:4[23]/);
    emitGame(
      api,
      {
        ...current,
        version: current.version + 2,
        away: [{ user: BOB.id, side: 'x', remainingMs: 42_000, runningSince: null, deadline: null }],
      },
      serverNow,
    );
    expect((await card()).textContent).toContain('Bob is awayTheir clock is paused');
  });

  it('keeps the higher version of a game, and a rejoin’s listing replaces open games', async () => {
    const api = roomApi();
    await inRoom(api);
    let game!: GameInfo;
    act(() => {
      game = api.gameInvite(SERVER, ROOM, BOB, ME.id, 'x');
    });
    const accepted = api.gameAs(ME.id, game.id, { type: 'accept' });
    emitGame(api, game); // the invitation again, late: older than what we have
    expect((await card()).textContent).toContain('Bob’s turn (X)');
    expect(accepted.version).toBeGreaterThan(game.version);

    // A rejoin lists the room: the game ended while we were away (older than the page) → it goes.
    act(() =>
      api.emit('roomGames', {
        server: SERVER,
        room: ROOM,
        page: { open: [], ended: [], hasMore: false, serverTime: Date.now() },
      }),
    );
    await waitFor(() => expect(screen.queryAllByRole('article', { name: /Tic-tac-toe/ })).toHaveLength(0));
  });

  it('refusals from the server are said in words', async () => {
    const user = userEvent.setup();
    const api = roomApi();
    await inRoom(api);
    let game!: GameInfo;
    act(() => {
      game = api.gameInvite(SERVER, ROOM, BOB, ME.id, 'x');
      // Withdrawn before our Accept reaches the server: our card still shows the invitation.
      api.games.set(game.id, { ...api.games.get(game.id)!, status: 'declined', endedBy: BOB.id, version: 9 });
    });
    await user.click(within(await card()).getByRole('button', { name: 'Accept' }));
    expect(document.querySelector('.toasts')!.textContent).toContain(
      'The invitation was already answered, withdrawn or has expired.',
    );
  });
});
