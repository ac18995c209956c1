/** Across a reconnect nothing typed is lost: drafts stay, pending messages are handed over again. */
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { roomKey } from '../../src/renderer/src/features/conversations/conversation-key.ts';
import { FakeApi, SERVER, serverView } from './fake-api.ts';
import { renderInRoom } from './render-app.tsx';

describe('reconnecting', () => {
  it('keeps a message typed while offline pending, then sends it with the same msgId once connected', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    const { store } = await renderInRoom(api);
    act(() => api.emit('serverChanged', serverView({ status: 'reconnecting', retryAt: Date.now() + 3000 })));
    api.offline = true;

    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), 'typed offline{Enter}');
    expect(await screen.findByText('Waiting for the connection…')).toBeTruthy();
    const [[, , , msgId]] = api.callsTo('sendMessage') as [[string, unknown, string, string]];
    expect(api.sent).toEqual([]);

    api.offline = false;
    const joinsBefore = api.callsTo('joinRoom').length;
    act(() => api.emit('serverChanged', serverView()));

    // The pending message is handed over again, same msgId; the room is not re-read (the
    // session is still in it and its client library caught up).
    await waitFor(() => expect(api.sent.map((s) => s.msgId)).toEqual([msgId]));
    expect(api.callsTo('joinRoom').length).toBe(joinsBefore);
    expect(screen.getByText('Sending…')).toBeTruthy();

    act(() => void api.confirm(msgId, 1));
    await waitFor(() => expect(screen.queryByText('Sending…')).toBeNull());
    expect(store.getState().timelines[roomKey(SERVER, 'r_general')]!.pending).toEqual({});
  });

  it('keeps the draft of each conversation', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    await renderInRoom(api);
    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), 'half-written');
    act(() => api.emit('serverChanged', serverView({ status: 'reconnecting', retryAt: Date.now() + 3000 })));
    act(() => api.emit('serverChanged', serverView()));
    await user.click(screen.getByRole('button', { name: 'Browse rooms' }));
    await user.click(await screen.findByRole('button', { name: 'Open general' }));
    expect(((await screen.findByRole('textbox', { name: 'Message #general' })) as HTMLTextAreaElement).value).toBe(
      'half-written',
    );
  });
});
