/**
 * Attaching in the composer: the paperclip, a paste and a drop put files in the tray (name,
 * size, remove), the server's limits refuse what it would refuse, and Enter sends the message
 * with its files — pending with each file's progress until the upload is done and the message
 * confirmed; a lost transfer shows "Waiting for the connection…" and resumes by itself once.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setUploadChunkBytes } from '../../src/renderer/src/features/files/files-commands.ts';
import { CHUNK_BYTES } from '../../src/renderer/src/features/files/file-limits.ts';
import { PREVIEW_TIMEOUTS } from '../../src/renderer/src/features/files/thumbnail.ts';
import { DEFAULT_FILE_LIMITS, FakeApi, SERVER, serverView } from './fake-api.ts';
import { renderInRoom } from './render-app.tsx';

function fileOf(name: string, size: number, type = 'application/octet-stream'): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31) & 0xff;
  return new File([bytes], name, { type });
}

function fileInput(container: HTMLElement): HTMLInputElement {
  const input = container.querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error('no file input');
  return input;
}

function tray(): HTMLElement {
  return screen.getByRole('list', { name: /files? to send$/ });
}

// happy-dom decodes no image: previews give up quickly, as for a file a browser cannot decode.
const IMAGE_MS = PREVIEW_TIMEOUTS.imageMs;
beforeEach(() => {
  setUploadChunkBytes(1000);
  PREVIEW_TIMEOUTS.imageMs = 30;
});
afterEach(() => {
  setUploadChunkBytes(CHUNK_BYTES);
  PREVIEW_TIMEOUTS.imageMs = IMAGE_MS;
});

describe('the composer tray', () => {
  it('takes files from the paperclip, shows name and size, and removes one with ×', async () => {
    const user = userEvent.setup();
    const { container } = await renderInRoom();
    expect(screen.getByRole('button', { name: 'Attach files' })).toBeTruthy();
    await user.upload(fileInput(container), [
      fileOf('notes.txt', 2048, 'text/plain'),
      fileOf('plan.pdf', 5_300_000, 'application/pdf'),
    ]);

    expect(screen.getByRole('list', { name: '2 files to send' })).toBeTruthy();
    expect(within(tray()).getByText('notes.txt')).toBeTruthy();
    expect(within(tray()).getByText('2.0 KB')).toBeTruthy();
    expect(within(tray()).getByText('5.3 MB')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Remove notes.txt' }));
    expect(screen.getByRole('list', { name: '1 file to send' })).toBeTruthy();
    expect(within(tray()).queryByText('notes.txt')).toBeNull();
  });

  it('adds a pasted image, and leaves pasted text alone', async () => {
    await renderInRoom();
    const box = screen.getByRole('textbox', { name: 'Message #general' });
    const image = fileOf('', 300, 'image/png');
    fireEvent.paste(box, { clipboardData: { files: [image], getData: () => '', types: ['Files'] } });
    expect(within(tray()).getByTitle('pasted-image.png')).toBeTruthy();

    fireEvent.paste(box, { clipboardData: { files: [], getData: () => 'just text', types: ['text/plain'] } });
    expect(screen.getByRole('list', { name: '1 file to send' })).toBeTruthy();
  });

  it('shows the drop overlay while files are dragged over the conversation, and a drop adds them', async () => {
    await renderInRoom();
    const chat = screen.getByRole('region', { name: 'Room general' });
    const dataTransfer = {
      types: ['Files'],
      files: [fileOf('photo.jpg', 900, 'image/jpeg'), fileOf('song.mp3', 1200, 'audio/mpeg')],
      dropEffect: 'none',
    };
    fireEvent.dragEnter(chat, { dataTransfer });
    expect(screen.getByText('Drop files to send')).toBeTruthy();
    fireEvent.dragOver(chat, { dataTransfer });
    fireEvent.drop(chat, { dataTransfer });
    expect(screen.queryByText('Drop files to send')).toBeNull();
    expect(within(tray()).getByText('photo.jpg')).toBeTruthy();
    expect(within(tray()).getByText('song.mp3')).toBeTruthy();

    // Dragged text is not ours to handle: no overlay.
    fireEvent.dragEnter(chat, { dataTransfer: { types: ['text/plain'], files: [] } });
    expect(screen.queryByText('Drop files to send')).toBeNull();
  });

  it('refuses a file over the server’s largest size and files past its count, saying so before anything is sent', async () => {
    const api = new FakeApi();
    api.servers = [
      serverView({
        limits: {
          ...serverView().limits!,
          files: { ...DEFAULT_FILE_LIMITS, maxFileBytes: 10_000, maxFilesPerMessage: 2 },
        },
      }),
    ];
    const user = userEvent.setup();
    const { container } = await renderInRoom(api);

    await user.upload(fileInput(container), [fileOf('huge.iso', 20_000)]);
    expect(screen.getByRole('alert').textContent).toContain(
      '“huge.iso” is 20.0 KB; this server accepts files up to 10.0 KB.',
    );
    expect(screen.queryByRole('list', { name: /to send$/ })).toBeNull();

    await user.upload(fileInput(container), [fileOf('a.txt', 10), fileOf('b.txt', 10), fileOf('c.txt', 10)]);
    expect(screen.getByRole('alert').textContent).toContain('You can send up to 2 files in one message.');
    expect(screen.getByRole('list', { name: '2 files to send' })).toBeTruthy();
    expect(within(tray()).queryByText('c.txt')).toBeNull();
    expect(api.callsTo('beginUpload')).toEqual([]);
  });

  it('refuses files on a server that announced no file limits (no files there)', async () => {
    const api = new FakeApi();
    const { files: _none, ...limits } = serverView().limits!;
    api.servers = [serverView({ limits })];
    const user = userEvent.setup();
    const { container } = await renderInRoom(api);
    await user.upload(fileInput(container), [fileOf('a.txt', 10)]);
    expect(screen.getByRole('alert').textContent).toContain('This server does not accept files.');
  });
});

describe('sending with files', () => {
  it('Enter sends the text with the files: pending with progress, then the stored message with its attachments', async () => {
    const api = new FakeApi();
    let open: () => void = () => {};
    api.writeGate = new Promise((resolve) => (open = resolve));
    const user = userEvent.setup();
    const { container } = await renderInRoom(api);
    await user.upload(fileInput(container), [fileOf('report.pdf', 2500, 'application/pdf')]);
    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), 'The report{Enter}');

    // The tray is gone, the message is pending with its file's progress.
    expect(screen.queryByRole('list', { name: /to send$/ })).toBeNull();
    const files = await screen.findByRole('list', { name: 'Files being sent' });
    expect(within(files).getByText('report.pdf')).toBeTruthy();
    const bar = within(files).getByRole('progressbar', { name: 'Uploading report.pdf' });
    expect(bar.getAttribute('max')).toBe('2500');
    expect(api.sent).toEqual([]);

    open();
    api.writeGate = null;
    await waitFor(() => expect(api.sent).toHaveLength(1));
    const [sent] = api.sent;
    expect(sent!.text).toBe('The report');
    expect(sent!.attachments).toHaveLength(1);
    const stored = api.files.get(sent!.attachments![0]!)!;
    expect(stored.bytes).toEqual(new Uint8Array(await fileOf('report.pdf', 2500).arrayBuffer()));

    act(() => void api.confirm(sent!.msgId, 1));
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Files being sent' })).toBeNull());
    const card = screen.getByRole('group', { name: 'File report.pdf, 2.5 KB' });
    expect(within(card).getByText('2.5 KB · PDF')).toBeTruthy();
    expect(within(card).getByRole('button', { name: 'Download report.pdf' })).toBeTruthy();
  });

  it('shows bytes, speed and time left while a file uploads', async () => {
    const api = new FakeApi();
    const gates: (() => void)[] = [];
    // Each write waits for the test: progress can be read between chunks.
    const original = api.writeUpload.bind(api);
    api.writeUpload = async (...args) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      return original(...args);
    };
    const user = userEvent.setup();
    const { container } = await renderInRoom(api);
    await user.upload(fileInput(container), [fileOf('big.bin', 4000)]);
    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), '{Enter}');
    await waitFor(() => expect(gates).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 20)); // a measurable time for the first chunk
    act(() => gates.shift()!());
    await waitFor(() => expect(gates).toHaveLength(1));
    const status = within(await screen.findByRole('list', { name: 'Files being sent' })).getByText(
      /^1\.0 KB of 4\.0 KB/,
    );
    expect(status.textContent).toMatch(/^1\.0 KB of 4\.0 KB · [\d.]+ (bytes|KB|MB)\/s · \d+ (s|min) left$/);
    while (gates.length > 0 || api.sent.length === 0) {
      act(() => gates.shift()?.());
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(api.sent[0]!.attachments).toHaveLength(1);
  });

  it('resumes by itself, once, when the transfer is lost, after the server is back', async () => {
    const api = new FakeApi();
    api.interruptions.push({ atOffset: 1500, keep: 200 });
    const user = userEvent.setup();
    const { container } = await renderInRoom(api);
    await user.upload(fileInput(container), [fileOf('movie.bin', 3000)]);
    // The server goes away as the transfer is cut.
    act(() => api.emit('serverChanged', serverView({ status: 'reconnecting', retryAt: Date.now() + 1000 })));
    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), '{Enter}');

    expect(await screen.findByText(/^Waiting for the connection… 1\.0 KB of 3\.0 KB$/)).toBeTruthy();
    expect(api.callsTo('beginUpload')).toHaveLength(1);
    act(() => api.emit('serverChanged', serverView()));

    await waitFor(() => expect(api.sent).toHaveLength(1));
    expect(api.callsTo('beginUpload')).toHaveLength(2);
    const offsets = (api.callsTo('writeUpload') as [string, string, number][]).map((w) => w[2]);
    expect(offsets).toEqual([0, 1000, 1200, 2200]);
    const stored = api.files.get(api.sent[0]!.attachments![0]!)!;
    expect(stored.bytes).toEqual(new Uint8Array(await fileOf('movie.bin', 3000).arrayBuffer()));
    expect(api.files.size).toBe(1);
  });

  it('shows another error with Retry, and Retry finishes the upload and sends the message', async () => {
    const api = new FakeApi();
    const { ApiError } = await import('../../src/shared/api/proxy.ts');
    api.beginUploadErrors.push(new ApiError('storage_full', 'full'));
    const user = userEvent.setup();
    const { container } = await renderInRoom(api);
    await user.upload(fileInput(container), [fileOf('a.zip', 1500, 'application/zip')]);
    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), '{Enter}');
    const failure = await screen.findByText(/Not sent\. The server has no room left for files\./);
    expect(api.sent).toEqual([]);
    await user.click(await within(failure.closest('li')!).findByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(api.sent).toHaveLength(1));
    expect(api.sent[0]!.text).toBe('');
  });

  it('sends a picture that does not decode all the same, without a preview (a bad file never blocks)', async () => {
    const api = new FakeApi();
    const user = userEvent.setup();
    const { container } = await renderInRoom(api);
    await user.upload(fileInput(container), [fileOf('broken.png', 700, 'image/png')]);
    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), 'Broken{Enter}');
    await waitFor(() => expect(api.sent).toHaveLength(1));
    const [, , request] = api.callsTo('beginUpload')[0] as [string, unknown, { thumb?: unknown; name: string }];
    expect(request.name).toBe('broken.png');
    expect(request.thumb).toBeUndefined();
    act(() => void api.confirm(api.sent[0]!.msgId, 1));
    expect(await screen.findByRole('button', { name: 'Open image broken.png, 700 bytes' })).toBeTruthy();
  });

  it('Cancel takes the file out; with no text nothing is left to send', async () => {
    const api = new FakeApi();
    api.writeGate = new Promise(() => {}); // never moves
    const user = userEvent.setup();
    const { container } = await renderInRoom(api);
    await user.upload(fileInput(container), [fileOf('slow.bin', 3000)]);
    await user.type(screen.getByRole('textbox', { name: 'Message #general' }), '{Enter}');
    await user.click(await screen.findByRole('button', { name: 'Cancel upload of slow.bin' }));
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Files being sent' })).toBeNull());
    expect(api.callsTo('cancelUpload')).toEqual([[SERVER, 'up_1']]);
    expect(screen.queryByRole('article')).toBeNull();
    expect(api.sent).toEqual([]);
  });
});
