/**
 * Ready-made situations for the accessibility checks and the screenshots: a room with a
 * realistic conversation between a few people, set up entirely through the UI.
 */
import { ChatPage } from './chat-page.ts';
import type { OpenUserOptions, User } from './fixtures.ts';

export type OpenUser = (options?: OpenUserOptions) => Promise<User>;

export interface BusyRoom {
  ada: ChatPage;
  bob: ChatPage;
  cy: ChatPage;
}

/**
 * Ada, Bob and Cy in "general" (with a topic), a second room "random", and a conversation with
 * consecutive messages (grouped), a multi-line message, a link and some markup-like text.
 * Ada's page shows general at the end.
 */
export async function busyRoom(openUser: OpenUser): Promise<BusyRoom> {
  const ada = new ChatPage((await openUser({ name: 'Ada' })).page);
  const bob = new ChatPage((await openUser({ name: 'Bob' })).page);
  const cy = new ChatPage((await openUser({ name: 'Cy' })).page);
  await ada.createRoom('random', 'Off-topic and links');
  await ada.createRoom('general', 'Lunch plans, the projector, anything else');
  await bob.joinRoom('general');
  await cy.joinRoom('general');

  const say = async (who: ChatPage, text: string) => {
    await who.send(text);
    await who.expectSent('general', text.split('\n')[0]!);
  };
  await say(ada, 'Morning all! Is anyone using the projector at 11?');
  await say(bob, 'Not me. Cy booked the big room though.');
  await say(cy, 'Only until 10:30, it is yours after that.');
  await say(cy, 'The slides from last week: https://example.com/slides/week-12');
  await say(ada, 'Perfect, thanks!\nI will bring the adapter.');
  await say(bob, 'Lunch at 12:30? The new place does a <b>huge</b> lasagne.');
  await say(ada, 'Count me in');
  // Ada's view: general open, everything confirmed.
  await ada.openConversation('general');
  await ada.expectSent('general', 'Count me in');
  return { ada, bob, cy };
}
