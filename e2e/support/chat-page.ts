/**
 * What a person does in the Parley UI, in the words of the UI: accessible roles, labels and
 * visible text (getByRole / getByLabel / getByText), never CSS classes or test ids.
 */
import type { BrowserContext, Locator, Page, WebSocketRoute } from '@playwright/test';
import { expect, type OpenUserOptions, type User } from './fixtures.ts';

export class ChatPage {
  readonly page: Page;

  constructor(page: Page) {
    this.page = page;
  }

  get sidebar(): Locator {
    return this.page.getByRole('navigation', { name: 'Servers and conversations' });
  }

  get main(): Locator {
    return this.page.getByRole('main');
  }

  /** The textbox of the open conversation ("Message #general", "Message Bob"). */
  get composer(): Locator {
    return this.page.getByRole('textbox', { name: /^Message / });
  }

  /** The message list of a conversation, by its title ("general", "Bob"). */
  messages(title: string): Locator {
    return this.page.getByRole('region', { name: `Messages in ${title}` });
  }

  /**
   * The message (an article named "<author>, <time>": author, time, text, state) whose text
   * contains `text`, in the list of `title`.
   */
  messageRow(title: string, text: string): Locator {
    return this.messages(title).getByRole('article').filter({ hasText: text });
  }

  /**
   * On a narrow screen the sidebar is a drawer (inert while closed): opens it. Does nothing
   * where the sidebar is always shown.
   */
  async revealSidebar(): Promise<void> {
    const menu = this.page.getByRole('button', { name: /^Servers and conversations/ });
    if (!(await menu.isVisible())) return;
    if ((await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
    await expect(this.sidebar).toBeVisible();
  }

  /** Selects the server in the sidebar (it expands to show its conversations). */
  async openServer(name = 'Kitchen'): Promise<void> {
    await this.revealSidebar();
    // In the Servers list: a server joined from Nearby is listed there too.
    const servers = this.sidebar.getByRole('region', { name: 'Servers' });
    const row = servers.getByRole('button', { name: new RegExp(`^${escapeRegExp(name)}\\b`) });
    await expect(row).toBeVisible();
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    await expect(row).toHaveAttribute('aria-expanded', 'true');
  }

  /** Shows the server's room browser. */
  async browseRooms(server = 'Kitchen'): Promise<void> {
    await this.openServer(server);
    await this.revealSidebar(); // choosing a server closes the drawer on a phone
    await this.sidebar.getByRole('button', { name: 'Browse rooms' }).click();
    await expect(this.main.getByRole('heading', { level: 1, name: server })).toBeVisible();
    await expect(this.page.getByText('Loading rooms…')).toHaveCount(0);
  }

  /** Creates a room from the room browser of `server` and waits until it is open. */
  async createRoom(name: string, topic?: string, server = 'Kitchen'): Promise<void> {
    await this.browseRooms(server);
    await this.main
      .getByRole('button', { name: /^(New room|Create the first room)$/ })
      .first()
      .click();
    const dialog = this.page.getByRole('dialog', { name: 'Create a room' });
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    if (topic !== undefined) await dialog.getByLabel('Topic (optional)').fill(topic);
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await expect(dialog).toBeHidden();
    await this.expectConversation(`Room ${name}`);
  }

  /** Joins (or opens) a room from the room browser of `server` and waits until it is open. */
  async joinRoom(name: string, server = 'Kitchen'): Promise<void> {
    await this.browseRooms(server);
    await this.main.getByRole('button', { name: new RegExp(`^(Join|Open) ${escapeRegExp(name)}$`) }).click();
    await this.expectConversation(`Room ${name}`);
  }

  /** Opens a joined room or a DM from the sidebar. */
  async openConversation(title: string): Promise<void> {
    await this.revealSidebar();
    await this.sidebar.getByRole('button', { name: new RegExp(`^${escapeRegExp(title)}\\b`) }).click();
  }

  async expectConversation(label: string): Promise<void> {
    const chat = this.page.getByRole('region', { name: label });
    await expect(chat).toBeVisible();
    // Loaded: the list is there (not the "Loading messages…" placeholder).
    await expect(chat.getByRole('region', { name: /^Messages in / })).toBeVisible();
  }

  /** Types `text` into the composer and sends it with Enter. */
  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.composer.press('Enter');
    await expect(this.composer).toHaveValue('');
  }

  /** Waits until the message with `text` in `title` is confirmed by the server (not pending). */
  async expectSent(title: string, text: string): Promise<void> {
    const row = this.messageRow(title, text);
    await expect(row).toBeVisible();
    await expect(row.getByText(/^(Sending…|Waiting for the connection…)$/)).toHaveCount(0);
    await expect(row.getByText(/^Not sent\./)).toHaveCount(0);
  }

  /** Picks files with the composer's paperclip (the system's file chooser). */
  async attachFiles(files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByRole('button', { name: 'Attach files' }).click();
    await (await chooser).setFiles(files);
  }

  /** The files waiting above the composer ("2 files to send"). */
  get tray(): Locator {
    return this.page.getByRole('list', { name: /^\d+ files? to send$/ });
  }

  /** The inline preview of an image in `title`: a button that opens the full view. */
  imagePreview(title: string, name: string): Locator {
    return this.messages(title).getByRole('button', { name: new RegExp(`^Open image ${escapeRegExp(name)},`) });
  }

  /** The card of a file (not an image) in `title`. */
  fileCard(title: string, name: string): Locator {
    return this.messages(title).getByRole('group', { name: new RegExp(`^File ${escapeRegExp(name)},`) });
  }

  /** Opens the member list of the open room (desktop layout). */
  async showMembers(): Promise<Locator> {
    const toggle = this.page.getByRole('button', { name: /^(Show|Hide) members/ });
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    const panel = this.page.getByRole('complementary', { name: /^Members/ });
    await expect(panel).toBeVisible();
    return panel;
  }

  /** Changes the display name in Settings and closes the dialog. */
  async rename(name: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Settings' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByRole('textbox', { name: 'Display name' }).fill(name);
    await dialog.getByRole('button', { name: 'Save name' }).click();
    await expect(dialog.getByText(/^Saved\./)).toBeVisible();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Holds back, on demand, everything the server sends to the pages of `context` over the app's
 * WebSocket (/api), as a slow network would; `release()` delivers it in order. To see a state
 * that lasts only a moment on 127.0.0.1 (an own message before the server confirmed it).
 * Install before the page loads.
 */
export async function delayableApi(context: BrowserContext): Promise<{ hold(): void; release(): void }> {
  const sockets = new Set<{ page: WebSocketRoute; held: (string | Buffer)[] }>();
  let holding = false;
  await context.routeWebSocket(/\/api$/, (page) => {
    const entry = { page, held: [] as (string | Buffer)[] };
    sockets.add(entry);
    const server = page.connectToServer();
    page.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      if (holding) entry.held.push(message);
      else page.send(message);
    });
    // 1005/1006/1015 are reserved: they may be reported but not sent.
    const closeArgs = (code: number | undefined, reason: string | undefined) =>
      code === undefined || code === 1005 || code === 1006 || code === 1015 ? {} : { code, reason: reason ?? '' };
    page.onClose((code, reason) => {
      sockets.delete(entry);
      void server.close(closeArgs(code, reason));
    });
    server.onClose((code, reason) => {
      sockets.delete(entry);
      void page.close(closeArgs(code, reason));
    });
  });
  return {
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const entry of sockets) for (const message of entry.held.splice(0)) entry.page.send(message);
    },
  };
}

/**
 * Passes the page's API socket (/api) through, until `cut()` closes it and refuses new ones until
 * `restore()`: the page is "away" (its session on the web server ends with the socket).
 * Install before the page loads.
 */
export async function cuttableApi(context: BrowserContext): Promise<{ cut(): void; restore(): void }> {
  const open = new Set<WebSocketRoute>();
  let refusing = false;
  await context.routeWebSocket(/\/api$/, (page) => {
    if (refusing) {
      void page.close({ code: 1011, reason: 'cut' });
      return;
    }
    open.add(page);
    const server = page.connectToServer();
    page.onMessage((message) => server.send(message));
    server.onMessage((message) => page.send(message));
    page.onClose(() => {
      open.delete(page);
      void server.close();
    });
    server.onClose(() => {
      open.delete(page);
      void page.close();
    });
  });
  return {
    cut: () => {
      refusing = true;
      for (const page of open) void page.close({ code: 1011, reason: 'cut' });
    },
    restore: () => {
      refusing = false;
    },
  };
}

/**
 * A user whose page can be "away": opened with `cuttableApi` installed, so `link.cut()` drops the
 * page's API socket (ending its session on the web server) until `link.restore()`.
 */
export async function openAwayableUser(
  openUser: (options: OpenUserOptions) => Promise<User>,
  name: string,
): Promise<{ page: ChatPage; link: { cut(): void; restore(): void } }> {
  let link: { cut(): void; restore(): void } | undefined;
  const user = await openUser({
    name,
    beforeLoad: async (context) => {
      link = await cuttableApi(context);
    },
  });
  return { page: new ChatPage(user.page), link: link! };
}
