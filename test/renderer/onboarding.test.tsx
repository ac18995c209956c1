/** First run: the display name is checked like the server checks it, then saved. */
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeApi } from './fake-api.ts';
import { renderApp } from './render-app.tsx';

function firstRun(): FakeApi {
  const api = new FakeApi();
  api.settings = { displayName: null };
  api.servers = [];
  return api;
}

describe('onboarding', () => {
  it('asks for a name on first run and explains invalid ones before sending', async () => {
    const user = userEvent.setup();
    const { api } = renderApp(firstRun());
    const input = await screen.findByRole('textbox', { name: 'Display name' });
    expect(screen.getByRole('heading', { name: 'Welcome to Parley' })).toBeTruthy();

    await user.type(input, '   ');
    expect(await screen.findByText('Name must not be empty')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');

    await user.clear(input);
    await user.type(input, 'x'.repeat(33));
    expect(screen.getByText('Name is longer than 32 characters')).toBeTruthy();

    await user.clear(input);
    await user.type(input, 'Ada\u200bLovelace');
    expect(screen.getByText('Name contains control or invisible characters')).toBeTruthy();

    // A Hangul filler looks like nothing: a blank entry in everyone's member list (issue 9).
    await user.clear(input);
    await user.type(input, '\u3164\u3164');
    expect(screen.getByText('Name must contain a visible character')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(api.callsTo('setDisplayName')).toEqual([]);
  });

  it('puts the cursor in the name field, so typing can start at once', async () => {
    renderApp(firstRun());
    const input = await screen.findByRole('textbox', { name: 'Display name' });
    expect(document.activeElement).toBe(input);
  });

  it('saves a valid name (trimmed) and shows the app', async () => {
    const user = userEvent.setup();
    const { api } = renderApp(firstRun());
    const input = await screen.findByRole('textbox', { name: 'Display name' });
    await user.type(input, '  Ada  {Enter}');
    await waitFor(() => expect(api.callsTo('setDisplayName')).toEqual([['Ada']]));
    expect(await screen.findByRole('navigation', { name: 'Servers and conversations' })).toBeTruthy();
    expect(screen.getByText('Looking for servers on your network…')).toBeTruthy();
  });

  it('shows per-server refusals when the name is changed in Settings', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.nameTakenOn.add(api.servers[0]!.key);
    renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    const input = screen.getByRole('textbox', { name: 'Display name' });
    await user.clear(input);
    await user.type(input, 'Bob{Enter}');
    expect(await screen.findByText('Saved, but 1 server refused it.')).toBeTruthy();
    expect(screen.getByText(/Someone there already uses “Bob”/)).toBeTruthy();
  });
});
