/**
 * Chatting in the browser build, end to end: the real `parley-server --web` (a child process with
 * its own data folder) and the built UI in Chromium, every person in their own browser context
 * (own localStorage, so own profile and login). Everything goes through the UI as a person would
 * use it; nothing calls the API directly.
 */
import { ChatPage, delayableApi } from './support/chat-page.ts';
import { expect, test, type User } from './support/fixtures.ts';

/** Two people in the room "general", each with the room open. */
async function twoInGeneral(openUser: (o?: { name?: string }) => Promise<User>) {
  const ada = new ChatPage((await openUser({ name: 'Ada' })).page);
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);
  await ada.createRoom('general', 'Anything goes');
  await bob.joinRoom('general');
  return { ada, bob };
}

test('first run: choose a name, then the server is there and connected', async ({ openUser }) => {
  const user = await openUser();
  const { page } = user;
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  const name = page.getByLabel('Display name');
  // Nothing happens without a name; the problem is explained.
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  await expect(name).toHaveAttribute('aria-invalid', 'true');

  await name.fill('Ada');
  await page.getByRole('button', { name: 'Continue' }).click();
  const chat = new ChatPage(page);
  await expect(chat.sidebar.getByRole('button', { name: /^Kitchen\b.*Connected/ })).toBeVisible();
  await expect(chat.sidebar.getByText('Ada', { exact: true })).toBeVisible();
  await chat.browseRooms();
  await expect(page.getByRole('heading', { name: 'No rooms yet' })).toBeVisible();
});

test('two people chat in a room: own message pending, then confirmed; the other sees it with the sender', async ({
  openUser,
}) => {
  let network!: Awaited<ReturnType<typeof delayableApi>>;
  const ada = new ChatPage(
    (
      await openUser({
        name: 'Ada',
        beforeLoad: async (context) => {
          network = await delayableApi(context);
        },
      })
    ).page,
  );
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);

  await ada.createRoom('general', 'Anything goes');
  await expect(ada.page.getByRole('heading', { name: 'Welcome to general' })).toBeVisible();
  await bob.joinRoom('general');
  await expect(ada.messages('general').getByText('Bob joined')).toBeVisible();

  // Ada's message shows at once as "Sending…" and is confirmed when the server's answer arrives.
  network.hold();
  await ada.send('Hello Bob, welcome!');
  const own = ada.messageRow('general', 'Hello Bob, welcome!');
  await expect(own).toBeVisible();
  await expect(own.getByText('Sending…')).toBeVisible();
  network.release();
  await ada.expectSent('general', 'Hello Bob, welcome!');
  await expect(own.getByText('Ada', { exact: true })).toBeVisible();

  // Bob sees it with Ada's name, and answers.
  const atBob = bob.messageRow('general', 'Hello Bob, welcome!');
  await expect(atBob).toBeVisible();
  await expect(atBob.getByText('Ada', { exact: true })).toBeVisible();
  await bob.send('Hi Ada!');
  await bob.expectSent('general', 'Hi Ada!');
  const atAda = ada.messageRow('general', 'Hi Ada!');
  await expect(atAda).toBeVisible();
  await expect(atAda.getByText('Bob', { exact: true })).toBeVisible();
});

test('each person sees only the messages of the rooms they are in', async ({ openUser }) => {
  const { ada, bob } = await twoInGeneral(openUser);
  const cy = new ChatPage((await openUser({ name: 'Cy' })).page);
  await cy.createRoom('random');

  await ada.send('general news from Ada');
  await cy.send('random thought from Cy');
  await expect(bob.messageRow('general', 'general news from Ada')).toBeVisible();
  await cy.expectSent('random', 'random thought from Cy');
  await ada.expectSent('general', 'general news from Ada');

  // Cy is not in general: neither the room nor its message is anywhere on Cy's screen.
  await expect(cy.sidebar.getByRole('button', { name: /^general\b/ })).toHaveCount(0);
  await expect(cy.page.getByText('general news from Ada')).toHaveCount(0);
  // Ada and Bob are not in random.
  for (const person of [ada, bob]) {
    await expect(person.sidebar.getByRole('button', { name: /^random\b/ })).toHaveCount(0);
    await expect(person.page.getByText('random thought from Cy')).toHaveCount(0);
  }
  // Cy can see that general exists (the room browser), and reads it only after joining.
  await cy.joinRoom('general');
  await expect(cy.messageRow('general', 'general news from Ada')).toBeVisible();
});

test('direct messages, started from the member list', async ({ openUser }) => {
  const { ada, bob } = await twoInGeneral(openUser);
  const members = await ada.showMembers();
  await expect(members.getByRole('button', { name: /^Ada\b/ })).toBeVisible();
  await members.getByRole('button', { name: /^Bob\b/ }).click();
  await ada.expectConversation('Conversation with Bob');
  await expect(ada.page.getByRole('heading', { name: 'You and Bob' })).toBeVisible();
  await ada.send('psst, Bob');
  await ada.expectSent('Bob', 'psst, Bob');

  // Bob gets the conversation in the sidebar, under Direct messages, and can answer.
  const dm = bob.sidebar.getByRole('button', { name: /^Ada\b/ });
  await expect(dm).toBeVisible();
  await dm.click();
  await bob.expectConversation('Conversation with Ada');
  await expect(bob.messageRow('Ada', 'psst, Bob').getByText('Ada', { exact: true })).toBeVisible();
  await bob.send('what is it?');
  await expect(ada.messageRow('Bob', 'what is it?')).toBeVisible();

  // A DM is private: it is not in the room.
  await ada.openConversation('general');
  await ada.expectConversation('Room general');
  await expect(ada.messages('general').getByText('psst, Bob')).toHaveCount(0);
});

test('a rename is shown to the others and used for new messages', async ({ openUser }) => {
  const { ada, bob } = await twoInGeneral(openUser);
  await ada.send('before the rename');
  await expect(bob.messageRow('general', 'before the rename')).toBeVisible();

  await ada.rename('Ada Lovelace');
  await expect(ada.sidebar.getByText('Ada Lovelace', { exact: true })).toBeVisible();
  await expect(bob.messages('general').getByText('Ada is now Ada Lovelace')).toBeVisible();

  await ada.send('after the rename');
  const row = bob.messageRow('general', 'after the rename');
  await expect(row).toBeVisible();
  await expect(row.getByText('Ada Lovelace', { exact: true })).toBeVisible();
});

test('after a reload the name, the open room and its history are all there', async ({ openUser }) => {
  const { ada, bob } = await twoInGeneral(openUser);
  await ada.send('one');
  await bob.send('two');
  await ada.send('three');
  await ada.expectSent('general', 'three');

  await ada.page.reload();
  await expect(ada.page.getByRole('heading', { name: 'Welcome to Parley' })).toHaveCount(0);
  await expect(ada.sidebar.getByText('Ada', { exact: true })).toBeVisible();
  // The room that was on screen is on screen again, joined, without doing anything.
  await ada.expectConversation('Room general');
  await expect(ada.page.getByRole('heading', { name: 'Home' })).toHaveCount(0);
  const history = ada.messages('general');
  for (const text of ['one', 'two', 'three']) await expect(history.getByText(text, { exact: true })).toBeVisible();
  await expect(ada.messageRow('general', 'two').getByText('Bob', { exact: true })).toBeVisible();

  // And the conversation goes on.
  await ada.send('four, after the reload');
  await expect(bob.messageRow('general', 'four, after the reload')).toBeVisible();
});

test('the chat rides out a server restart: reconnecting banner, then messages flow and nothing typed is lost', async ({
  openUser,
  server,
}) => {
  const { ada, bob } = await twoInGeneral(openUser);
  await ada.send('before the restart');
  await expect(bob.messageRow('general', 'before the restart')).toBeVisible();

  await server.stop();
  for (const person of [ada, bob]) {
    await expect(person.page.getByText(/^Reconnecting to Kitchen( in \d+ s)?…$/)).toBeVisible();
  }
  // Ada sends while the server is down: kept as waiting. Bob types without sending: a draft.
  await ada.send('sent while the server was down');
  await expect(ada.messageRow('general', 'sent while the server was down')).toBeVisible();
  await expect(
    ada.messageRow('general', 'sent while the server was down').getByText('Waiting for the connection…'),
  ).toBeVisible();
  await bob.composer.fill('a draft typed during the outage');

  await server.start();
  for (const person of [ada, bob]) {
    await expect(person.page.getByText(/^Reconnecting/)).toHaveCount(0, { timeout: 30_000 });
  }
  await ada.expectSent('general', 'sent while the server was down');
  await expect(bob.messageRow('general', 'sent while the server was down')).toBeVisible();
  await expect(bob.composer).toHaveValue('a draft typed during the outage');
  await bob.composer.press('Enter');
  await expect(ada.messageRow('general', 'a draft typed during the outage')).toBeVisible();
  // Nothing from before is lost, and nothing is doubled.
  await expect(ada.messages('general').getByText('before the restart')).toHaveCount(1);
  await expect(bob.messages('general').getByText('sent while the server was down')).toHaveCount(1);
});

test('composer: Enter sends, Shift+Enter makes a new line; links are links; markup stays text', async ({
  openUser,
}) => {
  const { ada, bob } = await twoInGeneral(openUser);

  await ada.composer.fill('first line');
  await ada.composer.press('Shift+Enter');
  await ada.composer.pressSequentially('second line');
  await expect(ada.composer).toHaveValue('first line\nsecond line');
  await expect(ada.messages('general').getByText('first line')).toHaveCount(0);
  await ada.composer.press('Enter');
  await expect(ada.composer).toHaveValue('');
  const multi = bob.messageRow('general', 'first line');
  await expect(multi).toBeVisible();
  expect(await multi.getByRole('paragraph').first().innerText()).toContain('first line\nsecond line');

  // An empty composer sends nothing.
  await ada.composer.press('Enter');
  await expect(ada.page.getByRole('button', { name: 'Send message' })).toBeDisabled();

  await ada.send('docs at https://example.com/guide?x=1 for you');
  const link = bob.messageRow('general', 'docs at').getByRole('link', { name: 'https://example.com/guide?x=1' });
  await expect(link).toBeVisible();
  await expect(link).toHaveAttribute('href', 'https://example.com/guide?x=1');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', /noopener/);

  await ada.send('<b>not bold</b> <img src=x onerror=alert(1)>');
  const markup = bob.messageRow('general', '<b>not bold</b>');
  await expect(markup).toBeVisible();
  await expect(markup.getByText('<b>not bold</b> <img src=x onerror=alert(1)>')).toBeVisible();
  await expect(markup.locator('b, img')).toHaveCount(0);
});
