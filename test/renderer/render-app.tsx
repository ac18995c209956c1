/**
 * Renders the whole app against a FakeApi and waits until it has started. Virtuoso cannot
 * measure anything in happy-dom: VirtuosoMockContext gives it a fixed viewport and row height.
 */
import { fireEvent, render, screen, type RenderResult } from '@testing-library/react';
import { VirtuosoMockContext } from 'react-virtuoso';
import type { PageLink } from '../../src/renderer/src/api/get-api.ts';
import { App } from '../../src/renderer/src/components/app/App.tsx';
import { createAppStore, type AppStore } from '../../src/renderer/src/state/store.ts';
import { FakeApi } from './fake-api.ts';

export interface Rendered extends RenderResult {
  api: FakeApi;
  store: AppStore;
}

/** `link`: the browser build's page link (fresh sessions, socket up/down), when a test needs one. */
export function renderApp(api = new FakeApi(), store = createAppStore(), link?: PageLink): Rendered {
  const result = render(
    <VirtuosoMockContext.Provider value={{ viewportHeight: 2000, itemHeight: 40 }}>
      <App api={api} store={store} {...(link ? { link } : {})} />
    </VirtuosoMockContext.Provider>,
  );
  return { ...result, api, store };
}

/** Renders the app and opens #general on the fake server. */
export async function renderInRoom(api = new FakeApi()): Promise<Rendered> {
  const rendered = renderApp(api);
  const join = await screen.findByRole('button', { name: 'Join general' });
  fireEvent.click(join);
  await screen.findByRole('textbox', { name: 'Message #general' });
  return rendered;
}
