/**
 * What only the desktop app shows: the firewall prompt explained where you start hosting and in
 * the diagnostics view, and Settings › Updates (the daily check's switch, "restart to install").
 * The browser build shows none of it.
 */
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  currentDesktopOs,
  desktopOsOf,
  firewallDiagnosticsText,
  firewallHint,
} from '../../src/renderer/src/features/hosting/firewall-hint.ts';
import { dialogOpened } from '../../src/renderer/src/state/ui-slice.ts';
import { FakeApi } from './fake-api.ts';
import { renderApp } from './render-app.tsx';

function browserApi(): FakeApi {
  const api = new FakeApi();
  api.appInfo = { ...api.appInfo, platform: 'web', canHost: false, canConnectAnywhere: false, canDiscover: false };
  return api;
}

async function openSettings(): Promise<HTMLElement> {
  await userEvent.setup().click(await screen.findByRole('button', { name: 'Settings' }));
  return screen.getByRole('dialog', { name: 'Settings' });
}

describe('the firewall prompt', () => {
  it('is named per OS, with the answer to give', () => {
    expect(desktopOsOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Electron/45.4.1')).toBe('windows');
    expect(desktopOsOf('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36')).toBe('macos');
    expect(desktopOsOf('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36')).toBe('linux');
    expect(desktopOsOf('')).toBe('other');
    expect(firewallHint('windows')).toMatch(/Windows.*choose Allow, for private networks/);
    expect(firewallHint('macos')).toMatch(/macOS.*incoming.*choose Allow/);
    expect(firewallDiagnosticsText('windows')).toMatch(/Windows Defender Firewall.*private networks/);
    expect(firewallDiagnosticsText('macos')).toMatch(/macOS.*Firewall/);
    for (const os of ['windows', 'macos', 'linux', 'other'] as const) expect(firewallHint(os)).toMatch(/allow/i);
    // Linux asks nothing: the line says which ports a firewall such as ufw must let through.
    expect(firewallHint('linux')).toMatch(/TCP port \(7275.*UDP port 5353/);
    expect(firewallDiagnosticsText('linux')).toMatch(/TCP port.*UDP port 5353/);
  });

  it('is explained in the Host a room dialog of the desktop app', async () => {
    renderApp(new FakeApi());
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Host a room' }));
    const dialog = screen.getByRole('dialog', { name: 'Host a room' });
    expect(within(dialog).getByText(firewallHint(currentDesktopOs()))).toBeTruthy();
  });

  it('is mentioned in the diagnostics view of the desktop app, and not in the browser', async () => {
    const rendered = renderApp(new FakeApi());
    await screen.findByRole('region', { name: 'Nearby' });
    dialogOpened(rendered.store, { kind: 'diagnostics' });
    const dialog = await screen.findByRole('dialog', { name: "Can't see a server?" });
    const section = within(dialog).getByRole('region', { name: 'When you host a room' });
    expect(section.textContent).toContain(firewallDiagnosticsText(currentDesktopOs()));
    rendered.unmount();

    const web = renderApp(browserApi());
    await screen.findByRole('region', { name: 'Nearby' });
    dialogOpened(web.store, { kind: 'diagnostics' });
    const webDialog = await screen.findByRole('dialog', { name: "Can't see a server?" });
    expect(within(webDialog).queryByRole('region', { name: 'When you host a room' })).toBeNull();
  });
});

describe('Settings › Updates', () => {
  it('is not shown where the app cannot update itself (browser, development run)', async () => {
    const api = new FakeApi();
    renderApp(api);
    const dialog = await openSettings();
    await waitFor(() => expect(api.callsTo('getUpdateStatus')).toHaveLength(1));
    expect(within(dialog).queryByRole('switch', { name: 'Check for updates once a day' })).toBeNull();
  });

  it('switches the daily check off and on through the API', async () => {
    const api = new FakeApi();
    api.updates = { available: true, checksEnabled: true, readyVersion: null };
    renderApp(api);
    const dialog = await openSettings();
    const toggle = await within(dialog).findByRole('switch', { name: 'Check for updates once a day' });
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    const user = userEvent.setup();
    await user.click(toggle);
    await waitFor(() => expect(toggle.getAttribute('aria-checked')).toBe('false'));
    expect(api.callsTo('setUpdateChecks')).toEqual([[false]]);
    await user.click(toggle);
    await waitFor(() => expect(toggle.getAttribute('aria-checked')).toBe('true'));
    expect(api.callsTo('setUpdateChecks')).toEqual([[false], [true]]);
  });

  it('says when a downloaded update waits for a restart (in Settings and as a toast)', async () => {
    const api = new FakeApi();
    api.updates = { available: true, checksEnabled: true, readyVersion: null };
    renderApp(api);
    const dialog = await openSettings();
    await within(dialog).findByRole('switch', { name: 'Check for updates once a day' });
    act(() => api.emit('updateReady', { version: '0.2.0' }));
    expect(within(dialog).getByText('Parley 0.2.0 is ready: restart Parley to install it.')).toBeTruthy();
    expect(screen.getAllByText('Parley 0.2.0 is ready: restart Parley to install it.').length).toBeGreaterThanOrEqual(
      2,
    );
  });
});
