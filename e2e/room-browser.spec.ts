/**
 * The room browser on a server with many rooms (issue 9): the real `parley-server --web` with 230
 * rooms in its store, the built UI in Chromium. The list comes a page at a time ("Show more
 * rooms"), and the filter finds rooms that were never loaded by asking the server.
 */
import { HistoryStore } from '../src/main/core/store/history-store.ts';
import { nameKey } from '../src/shared/text-rules.ts';
import { ChatPage } from './support/chat-page.ts';
import { expect, test } from './support/fixtures.ts';

const ROOMS = 230;

test('a classroom server: the first 100 rooms, more on request, and a filter that searches them all', async ({
  server,
  openUser,
}) => {
  // Rooms created over a term (written to the store while the server is down: quicker than
  // creating 230 rooms within the rate limit).
  await server.stop();
  const store = HistoryStore.open(server.dataDir);
  const teacher = store.createUser('Teacher');
  for (let i = 0; i < ROOMS; i++) {
    const name = `class ${String(i).padStart(3, '0')}`;
    store.createRoom(name, nameKey(name), `Lessons of group ${i}`, teacher.id, 1_795_000_000_000 + i);
  }
  store.close();
  await server.start();

  const ada = new ChatPage((await openUser({ name: 'Ada' })).page);
  await ada.browseRooms();
  const list = ada.main.getByRole('list', { name: /^Rooms on / });
  await expect(list.getByRole('listitem')).toHaveCount(100);

  await ada.main.getByRole('button', { name: 'Show more rooms' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(200);
  await ada.main.getByRole('button', { name: 'Show more rooms' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(ROOMS);
  await expect(ada.main.getByRole('button', { name: 'Show more rooms' })).toHaveCount(0);

  // Every room is loaded now, so the filter is local; back on a fresh page it asks the server.
  await ada.page.reload();
  await ada.browseRooms();
  await expect(list.getByRole('listitem')).toHaveCount(100);
  await ada.main.getByRole('searchbox', { name: 'Filter rooms by name' }).fill('class 22');
  await expect(list.getByRole('listitem')).toHaveCount(10);
  await ada.main.getByRole('button', { name: 'Join class 229' }).click();
  await ada.expectConversation('Room class 229');
});
