/** The composer: Enter sends, Shift+Enter is a new line, nothing is sent during IME composition. */
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { roomKey } from '../../src/renderer/src/features/conversations/conversation-key.ts';
import { FakeApi, SERVER, serverView } from './fake-api.ts';
import { renderInRoom } from './render-app.tsx';

describe('composer', () => {
  it('sends on Enter and clears', async () => {
    const user = userEvent.setup();
    const { api } = await renderInRoom();
    const box = screen.getByRole('textbox', { name: 'Message #general' });
    await user.type(box, 'Hello there{Enter}');
    expect(api.sent.map((s) => s.text)).toEqual(['Hello there']);
    expect(api.sent[0]!.target).toEqual({ room: 'r_general' });
    expect((box as HTMLTextAreaElement).value).toBe('');
  });

  it('adds a line on Shift+Enter and sends both lines together', async () => {
    const user = userEvent.setup();
    const { api } = await renderInRoom();
    const box = screen.getByRole('textbox', { name: 'Message #general' });
    await user.type(box, 'one{Shift>}{Enter}{/Shift}two');
    expect(api.sent).toEqual([]);
    expect((box as HTMLTextAreaElement).value).toBe('one\ntwo');
    await user.keyboard('{Enter}');
    expect(api.sent.map((s) => s.text)).toEqual(['one\ntwo']);
  });

  it('does not send while an IME composition is active', async () => {
    const { api } = await renderInRoom();
    const box = screen.getByRole('textbox', { name: 'Message #general' });
    fireEvent.change(box, { target: { value: 'にほんご' } });
    fireEvent.keyDown(box, { key: 'Enter', isComposing: true });
    fireEvent.keyDown(box, { key: 'Enter', keyCode: 229 });
    expect(api.sent).toEqual([]);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(api.sent.map((s) => s.text)).toEqual(['にほんご']);
  });

  it('sends nothing for blank text and explains text over the limit', async () => {
    const { api } = await renderInRoom();
    const box = screen.getByRole('textbox', { name: 'Message #general' });
    fireEvent.change(box, { target: { value: '   ' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    fireEvent.change(box, { target: { value: 'x'.repeat(4001) } });
    expect(screen.getByText('1 character over the limit of 4000.')).toBeTruthy();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(api.sent).toEqual([]);
  });

  it("uses its server's limit from the welcome, not a fixed 4000", async () => {
    const api = new FakeApi();
    api.servers = [serverView({ limits: { ...serverView().limits!, maxTextChars: 100 } })];
    await renderInRoom(api);
    const box = screen.getByRole('textbox', { name: 'Message #general' });
    fireEvent.change(box, { target: { value: 'x'.repeat(101) } });
    expect(screen.getByText('1 character over the limit of 100.')).toBeTruthy();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(api.sent).toEqual([]);
    // A longer limit lets longer text through.
    act(() => api.emit('serverChanged', serverView({ limits: { ...serverView().limits!, maxTextChars: 8000 } })));
    fireEvent.change(box, { target: { value: 'y'.repeat(5000) } });
    expect(screen.queryByText(/over the limit/)).toBeNull();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(api.sent.map((s) => s.text.length)).toEqual([5000]);
  });

  it('falls back to the default limit while the server has announced none', async () => {
    const api = new FakeApi();
    api.servers = [serverView({ limits: null })];
    await renderInRoom(api);
    const box = screen.getByRole('textbox', { name: 'Message #general' });
    fireEvent.change(box, { target: { value: 'x'.repeat(4001) } });
    expect(screen.getByText('1 character over the limit of 4000.')).toBeTruthy();
  });

  it('keeps a draft per conversation in the store', async () => {
    const api = new FakeApi();
    const { store } = await renderInRoom(api);
    const box = screen.getByRole('textbox', { name: 'Message #general' });
    fireEvent.change(box, { target: { value: 'half a thought' } });
    await waitFor(() => expect(store.getState().drafts[roomKey(SERVER, 'r_general')]).toBe('half a thought'));
  });
});
