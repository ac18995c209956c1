/** The store's slices: pending → confirmed, failures, de-duplication, unread, history, renames. */
import { describe, expect, it } from 'vitest';
import { dmKey, roomKey } from '../../src/renderer/src/features/conversations/conversation-key.ts';
import { connectEvents, type EventWiring } from '../../src/renderer/src/state/api-events.ts';
import { connectApi } from '../../src/renderer/src/state/feature-events.ts';
import { selectConversationList, selectServerSections } from '../../src/renderer/src/state/selectors.ts';
import {
  conversationOpened,
  latestPageLoaded,
  messageFailed,
  messageQueued,
  messageReceived,
  messageRetrying,
  olderPageLoaded,
} from '../../src/renderer/src/features/conversations/conversations-slice.ts';
import { membersLoaded } from '../../src/renderer/src/features/members/members-slice.ts';
import { serverChanged } from '../../src/renderer/src/features/servers/servers-slice.ts';
import { conversationShown } from '../../src/renderer/src/state/ui-slice.ts';
import { createAppStore, type AppStore } from '../../src/renderer/src/state/store.ts';
import { FIRST_ITEM_INDEX, type TimelineItem } from '../../src/renderer/src/features/conversations/timeline.ts';
import { BOB, chatMessage, FakeApi, ME, room, SERVER, serverView } from './fake-api.ts';

const GENERAL = roomKey(SERVER, 'r_general');

function storeWithRoom(): AppStore {
  const store = createAppStore();
  serverChanged(store, serverView());
  conversationOpened(store, { server: SERVER, kind: 'room', id: 'r_general', title: 'general' });
  latestPageLoaded(store, GENERAL, { messages: [], hasMore: false });
  return store;
}

function seqs(items: TimelineItem[]): number[] {
  return items.flatMap((item) => (item.kind === 'message' ? [item.message.seq] : []));
}

describe('own messages', () => {
  it('are pending by msgId until the message event with that msgId confirms them', () => {
    const store = storeWithRoom();
    messageQueued(store, GENERAL, 'm-1', 'hello');
    expect(store.getState().timelines[GENERAL]!.pending['m-1']).toMatchObject({ text: 'hello', status: 'sending' });
    expect(store.getState().pendingIndex['m-1']).toBe(GENERAL);

    messageReceived(
      store,
      SERVER,
      chatMessage({ seq: 1, from: ME.id, fromName: ME.name, msgId: 'm-1', text: 'hello' }),
    );

    const timeline = store.getState().timelines[GENERAL]!;
    expect(timeline.pending).toEqual({});
    expect(seqs(timeline.items)).toEqual([1]);
    expect(store.getState().pendingIndex).toEqual({});
    expect(store.getState().unread[GENERAL]).toBeUndefined();
  });

  it('are confirmed when a history page contains them', () => {
    const store = storeWithRoom();
    messageQueued(store, GENERAL, 'm-1', 'hello');
    latestPageLoaded(store, GENERAL, {
      messages: [chatMessage({ seq: 1, from: ME.id, fromName: ME.name, msgId: 'm-1' })],
      hasMore: false,
    });
    expect(store.getState().timelines[GENERAL]!.pending).toEqual({});
  });

  it('is not confirmed by someone else’s message that reuses the msgId', () => {
    const store = storeWithRoom();
    messageQueued(store, GENERAL, 'm-1', 'hello');
    messageReceived(store, SERVER, chatMessage({ seq: 1, msgId: 'm-1' }));
    expect(store.getState().timelines[GENERAL]!.pending['m-1']).toBeDefined();
  });

  it('are marked failed by sendFailed, with the reason, and can be retried', () => {
    const store = storeWithRoom();
    messageQueued(store, GENERAL, 'm-1', 'hello');
    messageFailed(store, 'm-1', 'not_member', 'Join the room first.');
    expect(store.getState().timelines[GENERAL]!.pending['m-1']).toMatchObject({
      status: 'failed',
      failure: { code: 'not_member', reason: 'Join the room first.' },
    });
    messageRetrying(store, 'm-1');
    expect(store.getState().timelines[GENERAL]!.pending['m-1']).toMatchObject({ status: 'sending', failure: null });
  });

  it('clear the draft when queued', () => {
    const store = storeWithRoom();
    store.setState({ drafts: { [GENERAL]: 'hello' } });
    messageQueued(store, GENERAL, 'm-1', 'hello');
    expect(store.getState().drafts[GENERAL]).toBe('');
  });
});

describe('de-duplication', () => {
  it('keeps one copy of a seq whatever the source', () => {
    const store = storeWithRoom();
    const message = chatMessage({ seq: 1 });
    messageReceived(store, SERVER, message);
    messageReceived(store, SERVER, { ...message });
    latestPageLoaded(store, GENERAL, { messages: [message, chatMessage({ seq: 2 })], hasMore: false });
    expect(seqs(store.getState().timelines[GENERAL]!.items)).toEqual([1, 2]);
  });

  it('keeps seq order when messages arrive out of order', () => {
    const store = storeWithRoom();
    for (const seq of [3, 1, 2]) messageReceived(store, SERVER, chatMessage({ seq }));
    expect(seqs(store.getState().timelines[GENERAL]!.items)).toEqual([1, 2, 3]);
  });
});

describe('unread counts', () => {
  it('count new messages from others in conversations not shown', () => {
    const store = storeWithRoom();
    messageReceived(store, SERVER, chatMessage({ seq: 1 }));
    messageReceived(store, SERVER, chatMessage({ seq: 1 })); // duplicate: not counted again
    messageReceived(store, SERVER, chatMessage({ seq: 2, from: ME.id, fromName: ME.name })); // own
    expect(store.getState().unread[GENERAL]).toBe(1);
  });

  it('are cleared by showing the conversation, which then stays read', () => {
    const store = storeWithRoom();
    messageReceived(store, SERVER, chatMessage({ seq: 1 }));
    conversationShown(store, GENERAL);
    expect(store.getState().unread[GENERAL]).toBeUndefined();
    messageReceived(store, SERVER, chatMessage({ seq: 2 }));
    expect(store.getState().unread[GENERAL]).toBeUndefined();
  });

  it('count a message that arrives as an event after a history page already added it', () => {
    const store = storeWithRoom();
    // A page (the join of a fresh session) brings seq 1–2 while the room is not on screen…
    latestPageLoaded(store, GENERAL, { messages: [chatMessage({ seq: 1 }), chatMessage({ seq: 2 })], hasMore: false });
    expect(store.getState().unread[GENERAL]).toBeUndefined();
    // …then the client library emits them as the messages missed while away: they are unread.
    messageReceived(store, SERVER, chatMessage({ seq: 1 }));
    messageReceived(store, SERVER, chatMessage({ seq: 2 }));
    messageReceived(store, SERVER, chatMessage({ seq: 2 })); // once each
    expect(store.getState().unread[GENERAL]).toBe(2);
  });

  it('do not count what the user has already read, however it arrives', () => {
    const store = storeWithRoom();
    conversationShown(store, GENERAL);
    latestPageLoaded(store, GENERAL, { messages: [chatMessage({ seq: 1 }), chatMessage({ seq: 2 })], hasMore: false });
    // Another conversation on screen now; events for what was on screen before are not news.
    conversationOpened(store, { server: SERVER, kind: 'room', id: 'r_other', title: 'other' });
    conversationShown(store, roomKey(SERVER, 'r_other'));
    messageReceived(store, SERVER, chatMessage({ seq: 2 }));
    expect(store.getState().unread[GENERAL]).toBeUndefined();
    messageReceived(store, SERVER, chatMessage({ seq: 3 }));
    expect(store.getState().unread[GENERAL]).toBe(1);
  });

  it('open a DM conversation for a message from someone new', () => {
    const store = storeWithRoom();
    messageReceived(store, SERVER, chatMessage({ seq: 1, room: undefined, to: ME.id, text: 'psst' }));
    const key = dmKey(SERVER, BOB.id);
    expect(store.getState().conversations[key]).toMatchObject({ kind: 'dm', id: BOB.id, title: 'Bob' });
    expect(store.getState().unread[key]).toBe(1);
    // Our reply goes to the same conversation (partner = `to` when we sent it).
    messageReceived(
      store,
      SERVER,
      chatMessage({ seq: 2, room: undefined, from: ME.id, fromName: ME.name, to: BOB.id }),
    );
    expect(seqs(store.getState().timelines[key]!.items)).toEqual([1, 2]);
  });
});

describe('older history', () => {
  it('is prepended and moves firstItemIndex back by the number of items added', () => {
    const store = storeWithRoom();
    latestPageLoaded(store, GENERAL, {
      messages: [51, 52, 53].map((seq) => chatMessage({ seq })),
      hasMore: true,
    });
    expect(store.getState().timelines[GENERAL]!.hasMore).toBe(true);
    olderPageLoaded(store, GENERAL, { messages: [48, 49, 50].map((seq) => chatMessage({ seq })), hasMore: false });
    const timeline = store.getState().timelines[GENERAL]!;
    expect(seqs(timeline.items)).toEqual([48, 49, 50, 51, 52, 53]);
    expect(timeline.firstItemIndex).toBe(FIRST_ITEM_INDEX - 3);
    expect(timeline.hasMore).toBe(false);
  });

  it('does not move firstItemIndex for messages appended at the end', () => {
    const store = storeWithRoom();
    latestPageLoaded(store, GENERAL, { messages: [chatMessage({ seq: 1 })], hasMore: false });
    messageReceived(store, SERVER, chatMessage({ seq: 2 }));
    expect(store.getState().timelines[GENERAL]!.firstItemIndex).toBe(FIRST_ITEM_INDEX);
  });
});

describe('events through connectApi', () => {
  it('apply renames to members, DM titles and add a notice in shared rooms', () => {
    const api = new FakeApi();
    const store = storeWithRoom();
    membersLoaded(store, GENERAL, [ME, BOB]);
    conversationOpened(store, { server: SERVER, kind: 'dm', id: BOB.id, title: 'Bob' });
    const disconnect = connectApi(api, store);

    api.emit('userRenamed', { server: SERVER, user: { id: BOB.id, name: 'Robert' }, oldName: 'Bob' });

    const state = store.getState();
    expect(state.members[GENERAL]).toEqual([ME, { id: BOB.id, name: 'Robert' }]);
    expect(state.conversations[dmKey(SERVER, BOB.id)]!.title).toBe('Robert');
    expect(state.timelines[GENERAL]!.items.at(-1)).toMatchObject({ kind: 'notice', text: 'Bob is now Robert' });
    disconnect();
  });

  it('track members joining and leaving, with notices', () => {
    const api = new FakeApi();
    const store = storeWithRoom();
    membersLoaded(store, GENERAL, [ME]);
    const disconnect = connectApi(api, store);
    api.emit('memberJoined', { server: SERVER, room: 'r_general', user: BOB });
    expect(store.getState().members[GENERAL]).toEqual([ME, BOB]);
    api.emit('memberLeft', { server: SERVER, room: 'r_general', user: BOB, reason: 'disconnected' });
    expect(store.getState().members[GENERAL]).toEqual([ME]);
    const notices = store.getState().timelines[GENERAL]!.items.map((i) => (i.kind === 'notice' ? i.text : ''));
    expect(notices).toEqual(['Bob joined', 'Bob went offline']);
    disconnect();
  });
});

describe('selectors', () => {
  it('return the same object until their inputs change', () => {
    const store = storeWithRoom();
    const a = selectConversationList(SERVER)(store.getState());
    store.setState({ drafts: { [GENERAL]: 'typing' } });
    expect(selectConversationList(SERVER)(store.getState())).toBe(a);
    const sections = selectServerSections(store.getState());
    store.setState({ drafts: { [GENERAL]: 'typing more' } });
    expect(selectServerSections(store.getState())).toBe(sections);
  });
});

describe('the event-wiring registry', () => {
  it('subscribes every feature’s handlers in order, and unsubscribes them all', () => {
    const api = new FakeApi();
    const store = createAppStore();
    const heard: string[] = [];
    const first: EventWiring = ({ api: a }) => [a.on('roomCreated', () => heard.push('first'))];
    const second: EventWiring = ({ api: a }) => [a.on('roomCreated', () => heard.push('second'))];
    const disconnect = connectEvents({ api, store, link: undefined }, [first, second]);
    api.emit('roomCreated', { server: SERVER, room: room() });
    expect(heard).toEqual(['first', 'second']);
    disconnect();
    api.emit('roomCreated', { server: SERVER, room: room() });
    expect(heard).toEqual(['first', 'second']);
  });
});
