/** The composer: Enter sends, Shift+Enter is a new line, nothing is sent during IME composition. */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { roomKey } from '../../src/renderer/src/lib/conversation-key.ts';
import { FakeApi, SERVER } from './fake-api.ts';
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

  it('keeps a draft per conversation in the store', async () => {
    const api = new FakeApi();
    const { store } = await renderInRoom(api);
    const box = screen.getByRole('textbox', { name: 'Message #general' });
    fireEvent.change(box, { target: { value: 'half a thought' } });
    await waitFor(() => expect(store.getState().drafts[roomKey(SERVER, 'r_general')]).toBe('half a thought'));
  });
});
