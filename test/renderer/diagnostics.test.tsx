/**
 * "Can't see a server?" (the diagnostics dialog) and Settings › Network: the checks run when the
 * dialog opens, their results and the usual causes are shown in words, the by-address fallback
 * is one click away, and interfaces are switched on and off with real switches.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/api/proxy.ts';
import { dialogOpened } from '../../src/renderer/src/state/ui-slice.ts';
import { FakeApi } from './fake-api.ts';
import { renderApp, type Rendered } from './render-app.tsx';

function gate(api: FakeApi): () => void {
  let open!: () => void;
  api.diagnosticsGate = new Promise<void>((resolve) => (open = resolve));
  return () => {
    api.diagnosticsGate = null;
    open();
  };
}

async function openDiagnostics(rendered: Rendered): Promise<HTMLElement> {
  await screen.findByRole('region', { name: 'Nearby' });
  dialogOpened(rendered.store, { kind: 'diagnostics' });
  return screen.findByRole('dialog', { name: "Can't see a server?" });
}

async function openSettings(): Promise<HTMLElement> {
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Settings' }));
  return screen.getByRole('dialog', { name: 'Settings' });
}

describe('the diagnostics dialog', () => {
  it('runs the checks when opened and shows what they found', async () => {
    const api = new FakeApi();
    const release = gate(api);
    const dialog = await openDiagnostics(renderApp(api));

    expect(within(dialog).getByRole('status').textContent).toContain('Checking your network…');
    expect(api.callsTo('runDiagnostics')).toHaveLength(1);
    expect(within(dialog).queryByText(/ada-laptop\.local/)).toBeNull();

    release();
    expect(await within(dialog).findByText('ada-laptop.local')).toBeTruthy();
    expect(within(dialog).queryByText('Checking your network…')).toBeNull();

    // The interfaces in use, with addresses; the virtual one says what it is.
    const eth0 = within(dialog).getByRole('switch', { name: 'eth0 · Network' });
    const docker0 = within(dialog).getByRole('switch', { name: 'docker0 · Docker' });
    expect(eth0.getAttribute('aria-checked')).toBe('true');
    expect(docker0.getAttribute('aria-checked')).toBe('true');
    expect(within(dialog).getByText(/192\.168\.1\.10, fe80::10/)).toBeTruthy();
    expect(within(dialog).getByText(/172\.17\.0\.1 · virtual adapter/)).toBeTruthy();

    expect(
      within(dialog).getByText(/Your computer hears its own announcements — discovery works on this machine/),
    ).toBeTruthy();
    expect(within(dialog).getByText(/You are not hosting a server/)).toBeTruthy();
  });

  it('explains a failed self-test and says when we are hosting', async () => {
    const api = new FakeApi();
    api.diagnostics = {
      ...api.diagnostics,
      selfTest: { ok: false, elapsedMs: 3000, heardOn: [], error: null },
      advertising: { name: "Ada's rooms", port: 7300 },
    };
    const dialog = await openDiagnostics(renderApp(api));
    expect(await within(dialog).findByText(/Your computer did not hear its own announcement/)).toBeTruthy();
    expect(within(dialog).queryByText(/discovery works on this machine/)).toBeNull();
    expect(within(dialog).getByText(/You are hosting “Ada's rooms” on port 7300 and announcing it/)).toBeTruthy();
    // The firewall is then the likely cause.
    const firewall = within(dialog).getByText('A firewall blocks Parley').closest('li')!;
    expect(firewall.textContent).toContain('Likely here');
  });

  it('says why when the checks could not run', async () => {
    const api = new FakeApi();
    api.failing.set('runDiagnostics', new ApiError('not_supported', 'Finding servers is not available here'));
    const dialog = await openDiagnostics(renderApp(api));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('Finding servers is not available here');
  });

  it('lists the usual causes with what to do', async () => {
    const dialog = await openDiagnostics(renderApp());
    await within(dialog).findByText('ada-laptop.local');
    const causes = within(dialog).getByRole('region', { name: "If a server still doesn't show up" });
    const text = causes.textContent ?? '';
    expect(text).toMatch(/firewall/i);
    expect(text).toContain('UDP port 5353');
    expect(text).toContain('TCP port (7275');
    expect(text).toMatch(/isolation/i);
    expect(text).toMatch(/guest networks/i);
    expect(text).toMatch(/VPN/);
    expect(text).toMatch(/switch its adapter .*off/);
    expect(text).toMatch(/different networks/i);
    expect(text).toMatch(/routers/);
    expect(within(causes).queryByText('Likely here')).toBeNull();
  });

  it('marks a VPN as the likely cause when a VPN adapter is on', async () => {
    const api = new FakeApi();
    api.interfaces = [
      ...api.interfaces,
      { name: 'wg0', kind: 'VPN tunnel', virtual: true, enabled: true, addresses: ['10.8.0.2'] },
    ];
    const dialog = await openDiagnostics(renderApp(api));
    await within(dialog).findByText('ada-laptop.local');
    const vpn = within(dialog).getByText('A VPN captures the traffic').closest('li')!;
    expect(vpn.textContent).toContain('Likely here');
    expect(vpn.textContent).toContain('(wg0)');
  });

  it('runs again on "Run again"', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    const dialog = await openDiagnostics(renderApp(api));
    await within(dialog).findByText('ada-laptop.local');
    api.diagnostics = { ...api.diagnostics, hostName: 'renamed-pc.local' };
    const release = gate(api);
    await user.click(within(dialog).getByRole('button', { name: 'Run again' }));
    expect(await within(dialog).findByText('Checking your network…')).toBeTruthy();
    // A second press while running does not start another run.
    await user.click(within(dialog).getByRole('button', { name: 'Run again' }));
    expect(api.callsTo('runDiagnostics')).toHaveLength(2);
    release();
    expect(await within(dialog).findByText('renamed-pc.local')).toBeTruthy();
  });

  it('"Connect by address…" opens the connect dialog', async () => {
    const user = userEvent.setup();
    const dialog = await openDiagnostics(renderApp());
    await user.click(within(dialog).getByRole('button', { name: 'Connect by address…' }));
    expect(screen.getByRole('dialog', { name: 'Connect to a server' })).toBeTruthy();
    expect(screen.queryByRole('dialog', { name: "Can't see a server?" })).toBeNull();
  });

  it('switches an interface off from the dialog', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    const dialog = await openDiagnostics(renderApp(api));
    const docker0 = await within(dialog).findByRole('switch', { name: 'docker0 · Docker' });
    await user.click(docker0);
    await waitFor(() => expect(docker0.getAttribute('aria-checked')).toBe('false'));
    expect(api.callsTo('setInterfaceEnabled')).toEqual([['docker0', false]]);
  });
});

describe('Settings › Network', () => {
  it('lists the interfaces and switches one off and on again, by mouse and keyboard', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    renderApp(api);
    const dialog = await openSettings();
    const network = within(dialog).getByRole('region', { name: 'Network' });
    const docker0 = await within(network).findByRole('switch', { name: 'docker0 · Docker' });
    expect(api.callsTo('listInterfaces')).toHaveLength(1);
    expect(within(network).getByRole('switch', { name: 'eth0 · Network' }).getAttribute('aria-checked')).toBe('true');
    expect(docker0.getAttribute('aria-checked')).toBe('true');

    await user.click(docker0);
    await waitFor(() => expect(docker0.getAttribute('aria-checked')).toBe('false'));
    expect(docker0.textContent).toContain('Off');
    expect(api.callsTo('setInterfaceEnabled')).toEqual([['docker0', false]]);

    docker0.focus();
    await user.keyboard(' ');
    await waitFor(() => expect(docker0.getAttribute('aria-checked')).toBe('true'));
    expect(api.callsTo('setInterfaceEnabled')).toEqual([
      ['docker0', false],
      ['docker0', true],
    ]);
  });

  it('shows the state the API answers with', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    // The main process switched eth0 off as well (say, it went away): show what it says, not what we asked.
    api.setInterfaceEnabled = async (name, enabled) => {
      api.calls.push({ name: 'setInterfaceEnabled', args: [name, enabled] });
      return api.interfaces.map((i) => ({ ...i, enabled: false }));
    };
    renderApp(api);
    const dialog = await openSettings();
    const docker0 = await within(dialog).findByRole('switch', { name: 'docker0 · Docker' });
    await user.click(docker0);
    const eth0 = within(dialog).getByRole('switch', { name: 'eth0 · Network' });
    await waitFor(() => expect(eth0.getAttribute('aria-checked')).toBe('false'));
    expect(within(dialog).getByText(/Every adapter is switched off/)).toBeTruthy();
  });

  it('keeps the switch as it was and says why when the change fails', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.failing.set('setInterfaceEnabled', new ApiError('too_many', 'Too many interfaces are switched off'));
    renderApp(api);
    const dialog = await openSettings();
    const docker0 = await within(dialog).findByRole('switch', { name: 'docker0 · Docker' });
    await user.click(docker0);
    expect(await screen.findByText('Could not switch docker0 off: Too many interfaces are switched off')).toBeTruthy();
    expect(docker0.getAttribute('aria-checked')).toBe('true');
  });

  it('is not there where the app cannot discover', async () => {
    const api = new FakeApi();
    api.appInfo = { ...api.appInfo, canDiscover: false };
    renderApp(api);
    const dialog = await openSettings();
    expect(within(dialog).queryByRole('region', { name: 'Network' })).toBeNull();
    // No adapter switches ("docker0 · Docker"); Settings › Downloads has a switch of its own.
    expect(within(dialog).queryByRole('switch', { name: / · / })).toBeNull();
    expect(api.callsTo('listInterfaces')).toEqual([]);
  });
});
