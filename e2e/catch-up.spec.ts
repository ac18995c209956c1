/**
 * Nothing missed while away (issue 8, bug 1) in the browser build: Ada has three rooms open, her
 * page's socket drops (which ends her session on the web server), Bob posts once in each room,
 * and Ada's page comes back: every message is there, once, and the two rooms not on screen
 * count one unread each. The same for a direct message from Bob.
 */
import { ChatPage, openAwayableUser } from './support/chat-page.ts';
import { expect, test } from './support/fixtures.ts';

test('after the page was away, each missed message arrives once and counts as unread', async ({ openUser }) => {
  // The page's socket drop ends its session; the fresh one re-opens the rooms with
  // joinRoom(…, { since }) and the client library emits what came after `since` as events.
  const { page: ada, link } = await openAwayableUser(openUser, 'Ada');
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);
  for (const room of ['r1', 'r2', 'r3']) await ada.createRoom(room);
  for (const room of ['r1', 'r2', 'r3']) await bob.joinRoom(room);
  await ada.openConversation('r1');
  await ada.expectConversation('Room r1');

  link.cut();
  await expect(ada.page.getByText(/^Reconnecting to Kitchen( in \d+ s)?…$/)).toBeVisible();
  for (const room of ['r1', 'r2', 'r3']) {
    await bob.openConversation(room);
    await bob.send(`missed in ${room}`);
    await bob.expectSent(room, `missed in ${room}`);
  }
  link.restore();

  await expect(ada.page.getByText(/^Reconnecting/)).toHaveCount(0, { timeout: 30_000 });
  await expect(ada.messageRow('r1', 'missed in r1')).toHaveCount(1);
  for (const room of ['r2', 'r3']) {
    await expect(ada.sidebar.getByRole('button', { name: new RegExp(`^${room}\\b.*1 unread message`) })).toBeVisible();
  }
  await ada.openConversation('r3');
  await expect(ada.messageRow('r3', 'missed in r3')).toHaveCount(1);
});

test('after the page was away, a missed direct message arrives once and counts as unread', async ({ openUser }) => {
  // The fresh session takes every DM as seen when it connects; the page asks catchUpDm(…, { since })
  // for each DM it has, and the client library emits what came after as events.
  const { page: ada, link } = await openAwayableUser(openUser, 'Ada');
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);
  await ada.createRoom('lobby');
  await bob.joinRoom('lobby');
  const members = await bob.showMembers();
  await members.getByRole('button', { name: /^Ada\b/ }).click();
  await bob.expectConversation('Conversation with Ada');
  await bob.send('first dm');
  await bob.expectSent('Ada', 'first dm');
  const dm = ada.sidebar.getByRole('button', { name: /^Bob\b/ });
  await expect(dm).toHaveAccessibleName(/\b1 unread message/);

  link.cut();
  await expect(ada.page.getByText(/^Reconnecting to Kitchen( in \d+ s)?…$/)).toBeVisible();
  await bob.send('missed dm');
  await bob.expectSent('Ada', 'missed dm');
  link.restore();

  await expect(ada.page.getByText(/^Reconnecting/)).toHaveCount(0, { timeout: 30_000 });
  await expect(dm).toHaveAccessibleName(/\b2 unread messages/);
  await ada.openConversation('Bob');
  await expect(ada.messageRow('Bob', 'missed dm')).toHaveCount(1);
  await expect(ada.messageRow('Bob', 'first dm')).toHaveCount(1);
});
