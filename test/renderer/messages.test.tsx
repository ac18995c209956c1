/** Message rendering: pending → confirmed, failed with Retry, links, text stays text. */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { chatMessage, FakeApi, SERVER } from './fake-api.ts';
import { renderInRoom } from './render-app.tsx';

function messageRow(text: string): HTMLElement {
  const row = screen.getByText(text).closest<HTMLElement>('.message');
  if (!row) throw new Error(`no message row for ${text}`);
  return row;
}

/** Waits for a message row: the virtual list shows its first rows a few frames after mounting. */
async function findMessageRow(text: string): Promise<HTMLElement> {
  await screen.findByText(text);
  return messageRow(text);
}

describe('own messages', () => {
  it('appear at once as pending, then as confirmed', async () => {
    const user = userEvent.setup();
    const { api } = await renderInRoom();
    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), 'On my way{Enter}');

    const pending = messageRow('On my way');
    expect(pending.dataset['state']).toBe('sending');
    expect(within(pending).getByText('Sending…')).toBeTruthy();

    act(() => void api.confirm(api.sent[0]!.msgId, 1));

    await waitFor(() => expect(messageRow('On my way').dataset['state']).toBe('sent'));
    expect(screen.queryByText('Sending…')).toBeNull();
    expect(screen.getAllByText('On my way')).toHaveLength(1);
  });

  it('show why they failed, and Retry sends the same msgId again', async () => {
    const user = userEvent.setup();
    const { api } = await renderInRoom();
    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), 'Anyone?{Enter}');
    const { msgId } = api.sent[0]!;

    act(() => api.fail(msgId, 'storage_failed', 'disk full'));

    const row = messageRow('Anyone?');
    expect(row.dataset['state']).toBe('failed');
    expect(within(row).getByText(/could not store the message/)).toBeTruthy();
    await user.click(await within(row).findByRole('button', { name: 'Retry' }));
    expect(api.sent.map((s) => s.msgId)).toEqual([msgId, msgId]);
    expect(messageRow('Anyone?').dataset['state']).toBe('sending');
  });

  it('say so in words when too many are waiting for the connection (outbox_full)', async () => {
    const user = userEvent.setup();
    const { api } = await renderInRoom();
    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), 'One too many{Enter}');
    act(() => api.fail(api.sent[0]!.msgId, 'outbox_full', 'Too many messages are waiting (1000)'));
    const row = messageRow('One too many');
    expect(row.dataset['state']).toBe('failed');
    expect(within(row).getByText(/Too many messages are waiting for the connection/)).toBeTruthy();
  });
});

describe('message text', () => {
  it('renders <b> and other markup as text', async () => {
    const text = '<b>bold</b> & <img src=x onerror=alert(1)>';
    const api = new FakeApi();
    api.roomMessages.set('r_general', [chatMessage({ seq: 1, text })]);
    await renderInRoom(api);
    const row = await findMessageRow(text);
    expect(row.querySelector('b')).toBeNull();
    expect(row.querySelector('img')).toBeNull();
  });

  it('links http(s) URLs only; in a browser they open a new tab without opener', async () => {
    const api = new FakeApi();
    api.appInfo = { ...api.appInfo, platform: 'web' };
    api.roomMessages.set('r_general', [
      chatMessage({ seq: 1, text: 'see https://example.com/a?b=1, or javascript:alert(1) or file:///etc/passwd' }),
    ]);
    await renderInRoom(api);
    const list = await screen.findByRole('region', { name: 'Messages in general' });
    const links = await within(list).findAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1']);
    expect(links[0]!.textContent).toBe('https://example.com/a?b=1');
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer');
    expect(screen.getByText(/javascript:alert\(1\)/)).toBeTruthy();
  });

  it('opens links through the API in the desktop app', async () => {
    const api = new FakeApi();
    api.roomMessages.set('r_general', [chatMessage({ seq: 1, text: 'docs: http://intranet.local/guide.' })]);
    await renderInRoom(api);
    const link = await screen.findByRole('link', { name: 'http://intranet.local/guide' });
    expect(link.getAttribute('target')).toBeNull();
    fireEvent.click(link);
    expect(api.callsTo('openLink')).toEqual([['http://intranet.local/guide']]);
  });
});

describe('history and members', () => {
  it('groups consecutive messages by the same sender and shows system lines', async () => {
    const api = new FakeApi();
    api.roomMessages.set('r_general', [
      chatMessage({ seq: 1, text: 'first' }),
      chatMessage({ seq: 2, text: 'second' }),
    ]);
    await renderInRoom(api);
    expect((await findMessageRow('first')).classList.contains('message--grouped')).toBe(false);
    expect(messageRow('second').classList.contains('message--grouped')).toBe(true);
    act(() => api.emit('memberJoined', { server: SERVER, room: 'r_general', user: { id: 'u_cy', name: 'Cy' } }));
    expect(await screen.findByText('Cy joined')).toBeTruthy();
  });

  it('opens a DM from the member list', async () => {
    const user = userEvent.setup();
    const { api } = await renderInRoom();
    const members = screen.getByRole('complementary', { name: /Members/ });
    await user.click(within(members).getByRole('button', { name: /^Bob/ }));
    expect(await screen.findByRole('textbox', { name: 'Message Bob' })).toBeTruthy();
    expect(api.callsTo('loadLatest')).toEqual([[SERVER, { user: 'u_bob' }]]);
  });
});
