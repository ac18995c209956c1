/**
 * LAN discovery in the renderer: the Nearby list in the store (start-up and nearbyChanged), and
 * the sidebar's Nearby section (entries, badges, empty state, browser build, choosing a server).
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { NearbyServerView } from '../../src/shared/api/contract.ts';
import { ApiError } from '../../src/shared/api/proxy.ts';
import { bootstrap } from '../../src/renderer/src/state/bootstrap.ts';
import { loadNearby } from '../../src/renderer/src/features/nearby/nearby-commands.ts';
import { connectApi } from '../../src/renderer/src/state/feature-events.ts';
import { createAppStore } from '../../src/renderer/src/state/store.ts';
import { FakeApi, nearbyServer, SERVER, serverView } from './fake-api.ts';
import { renderApp } from './render-app.tsx';

const ATTIC = nearbyServer();
const MINE = nearbyServer({
  id: 's_mine',
  name: 'Zebra (mine)',
  host: 'ada-laptop.local',
  rooms: 1,
  addresses: ['192.168.1.10'],
  hosted: true,
  serverKey: '127.0.0.1:7275',
});
const BASEMENT = nearbyServer({
  id: 's_basement',
  name: 'basement',
  host: 'nas.local',
  rooms: 0,
  addresses: ['192.168.1.40'],
});

function names(list: NearbyServerView[]): string[] {
  return list.map((n) => n.name);
}

function nearbySection(): HTMLElement {
  return screen.getByRole('region', { name: 'Nearby' });
}

describe('the nearby store', () => {
  it('follows nearbyChanged: servers appear and disappear, own hosted server first, then by name', () => {
    const api = new FakeApi();
    const store = createAppStore();
    connectApi(api, store);

    api.emit('nearbyChanged', [ATTIC]);
    expect(names(store.getState().nearby)).toEqual(['Attic']);

    api.emit('nearbyChanged', [ATTIC, MINE, BASEMENT]);
    // Hosted first even though "Zebra" sorts last; then by name, ignoring case.
    expect(names(store.getState().nearby)).toEqual(['Zebra (mine)', 'Attic', 'basement']);

    // The order does not depend on the order the API lists them in.
    api.emit('nearbyChanged', [BASEMENT, ATTIC, MINE]);
    expect(names(store.getState().nearby)).toEqual(['Zebra (mine)', 'Attic', 'basement']);

    api.emit('nearbyChanged', [BASEMENT, MINE]);
    expect(names(store.getState().nearby)).toEqual(['Zebra (mine)', 'basement']);

    api.emit('nearbyChanged', []);
    expect(store.getState().nearby).toEqual([]);
  });

  it('keeps servers with the same name in a stable order', () => {
    const api = new FakeApi();
    const store = createAppStore();
    connectApi(api, store);
    const a = nearbyServer({ id: 's_a', name: 'Office' });
    const b = nearbyServer({ id: 's_b', name: 'office' });
    api.emit('nearbyChanged', [b, a]);
    expect(store.getState().nearby.map((n) => n.id)).toEqual(['s_a', 's_b']);
    api.emit('nearbyChanged', [a, b]);
    expect(store.getState().nearby.map((n) => n.id)).toEqual(['s_a', 's_b']);
  });

  it('loads the list at start-up when the app can discover', async () => {
    const api = new FakeApi();
    api.nearby = [ATTIC, MINE];
    const store = createAppStore();
    await bootstrap(api, store);
    await waitFor(() => expect(names(store.getState().nearby)).toEqual(['Zebra (mine)', 'Attic']));
    expect(api.callsTo('listNearby')).toHaveLength(1);
  });

  it('does not ask for the list where the app cannot discover', async () => {
    const api = new FakeApi();
    api.appInfo = { ...api.appInfo, canDiscover: false };
    api.nearby = [ATTIC];
    const store = createAppStore();
    await bootstrap(api, store);
    expect(api.callsTo('listNearby')).toEqual([]);
    expect(store.getState().nearby).toEqual([]);
  });

  it('starts the app even when the list cannot be loaded, and keeps the reason', async () => {
    const api = new FakeApi();
    api.failing.set('listNearby', new ApiError('not_supported', 'Discovery failed to start'));
    const store = createAppStore();
    await bootstrap(api, store);
    expect(store.getState().boot).toEqual({ status: 'ready' });
    await waitFor(() => expect(store.getState().nearbyError).toBe('Discovery failed to start'));
  });

  it('ignores a start-up answer that is older than a nearbyChanged event', async () => {
    const api = new FakeApi();
    const store = createAppStore();
    connectApi(api, store);
    let answer!: (list: NearbyServerView[]) => void;
    api.listNearby = () => new Promise((resolve) => (answer = resolve));
    const loading = loadNearby(api, store);
    api.emit('nearbyChanged', [ATTIC, BASEMENT]);
    answer([]);
    await loading;
    expect(names(store.getState().nearby)).toEqual(['Attic', 'basement']);
  });
});

describe('the Nearby section', () => {
  it('shows each server with its room count, host name and a "Yours" badge on the hosted one', async () => {
    const api = new FakeApi();
    api.nearby = [ATTIC, BASEMENT, MINE];
    renderApp(api);
    await screen.findByText('Attic');
    const section = nearbySection();
    const items = within(section).getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('.server__name')?.textContent)).toEqual([
      'Zebra (mine)',
      'Attic',
      'basement',
    ]);
    expect(items[0]!.textContent).toContain('Yours');
    expect(items[0]!.textContent).toContain('1 room · ada-laptop.local');
    expect(items[1]!.textContent).toContain('3 rooms · attic-pc.local');
    expect(items[1]!.textContent).not.toContain('Yours');
    expect(items[2]!.textContent).toContain('0 rooms · nas.local');
    expect(within(section).getAllByText('Yours')).toHaveLength(1);
  });

  it('shows names as text, never as markup', async () => {
    const api = new FakeApi();
    api.nearby = [nearbyServer({ name: '<img src=x onerror=alert(1)>' })];
    renderApp(api);
    expect(await screen.findByText('<img src=x onerror=alert(1)>')).toBeTruthy();
    expect(nearbySection().querySelector('img')).toBeNull();
  });

  it('says it is looking while nothing is found, and updates live', async () => {
    const { api } = renderApp();
    const section = await screen.findByRole('region', { name: 'Nearby' });
    expect(within(section).getByText('Looking for servers on your network…')).toBeTruthy();
    expect(section.querySelector('.nearby__scan')).not.toBeNull();

    act(() => api.emit('nearbyChanged', [ATTIC]));
    expect(within(section).getByRole('button', { name: /Attic/ })).toBeTruthy();
    expect(within(section).queryByText('Looking for servers on your network…')).toBeNull();

    act(() => api.emit('nearbyChanged', []));
    expect(within(section).queryByRole('button', { name: /Attic/ })).toBeNull();
    expect(within(section).getByText('Looking for servers on your network…')).toBeTruthy();
  });

  it('says why when the list could not be loaded', async () => {
    const api = new FakeApi();
    api.failing.set('listNearby', new ApiError('internal', 'No usable network interface'));
    renderApp(api);
    expect(await screen.findByText('Could not search the network: No usable network interface')).toBeTruthy();
  });

  it('"Can\'t see a server?" opens the diagnostics', async () => {
    const user = userEvent.setup();
    const { api } = renderApp();
    await user.click(await screen.findByRole('button', { name: "Can't see a server?" }));
    expect(screen.getByRole('dialog', { name: "Can't see a server?" })).toBeTruthy();
    await waitFor(() => expect(api.callsTo('runDiagnostics')).toHaveLength(1));
  });

  it('in the browser build, explains that browsers cannot search and names the serving host', async () => {
    const api = new FakeApi();
    api.appInfo = { platform: 'web', canHost: false, canConnectAnywhere: false, canDiscover: false, version: '0' };
    api.nearby = [ATTIC];
    renderApp(api);
    const section = await screen.findByRole('region', { name: 'Nearby' });
    expect(section.textContent).toContain(
      "Browsers can't search the network for servers — this page is served by Kitchen (192.168.1.20:7275).",
    );
    expect(within(section).queryByRole('list')).toBeNull();
    expect(within(section).queryByRole('button')).toBeNull();
    expect(api.callsTo('listNearby')).toEqual([]);
  });

  it('connects to a server when it is chosen, and shows its room browser', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.nearby = [ATTIC];
    const { store } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: /Attic/ }));
    await waitFor(() => expect(api.callsTo('connectNearby')).toEqual([['s_attic']]));
    expect(await screen.findByRole('heading', { level: 1, name: 'Attic' })).toBeTruthy();
    expect(store.getState().view).toEqual({ kind: 'rooms', server: '192.168.1.30:7275' });
    expect(await screen.findByRole('button', { name: 'Join general' })).toBeTruthy();
    expect(api.callsTo('connectServer')).toEqual([]);
  });

  it('says why in a toast when connecting fails', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.nearby = [ATTIC];
    api.failing.set('connectNearby', new ApiError('unreachable', 'Attic did not answer. A firewall may block it.'));
    const { store } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: /Attic/ }));
    expect(
      await screen.findByText('Could not connect to Attic: Attic did not answer. A firewall may block it.'),
    ).toBeTruthy();
    expect(store.getState().view).not.toEqual({ kind: 'rooms', server: '192.168.1.30:7275' });
  });

  it('selects a server we are already on instead of connecting again', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    const atticKey = '192.168.1.30:7275';
    api.servers = [
      serverView(),
      serverView({ key: atticKey, host: '192.168.1.30', name: 'Attic', serverId: 's_attic' }),
    ];
    api.nearby = [nearbyServer({ serverKey: atticKey })];
    const { store } = renderApp(api);
    const section = await screen.findByRole('region', { name: 'Nearby' });
    const entry = await within(section).findByRole('button', { name: /Attic/ });
    expect(entry.textContent).toContain('Connected');
    expect(store.getState().selectedServer).toBe(SERVER);

    await user.click(entry);
    expect(store.getState().selectedServer).toBe(atticKey);
    expect(store.getState().view).toEqual({ kind: 'rooms', server: atticKey });
    expect(api.callsTo('connectNearby')).toEqual([]);
    expect(entry.getAttribute('aria-current')).toBe('true');
  });

  it('connects again when the server it was linked to failed', async () => {
    const api = new FakeApi();
    const atticKey = '192.168.1.30:7275';
    api.servers = [serverView({ key: atticKey, host: '192.168.1.30', name: 'Attic', status: 'failed', self: null })];
    api.nearby = [nearbyServer({ serverKey: atticKey })];
    renderApp(api);
    const entry = await within(await screen.findByRole('region', { name: 'Nearby' })).findByRole('button', {
      name: /Attic/,
    });
    expect(entry.textContent).not.toContain('Connected');
    fireEvent.click(entry);
    await waitFor(() => expect(api.callsTo('connectNearby')).toEqual([['s_attic']]));
  });
});
