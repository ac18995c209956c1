/**
 * The full view of an image: the original, large, with its name and size and Download. ← and →
 * (or the buttons, or a swipe on a touch screen) move between the images of the conversation;
 * Escape or Close ends it. A modal <dialog>: the rest of the page is inert and focus stays
 * inside; it returns to the image that was opened (or the main view) afterwards.
 */
import { useEffect, useMemo, useRef, type PointerEvent } from 'react';
import type { FileInfo } from '../../../../shared/protocol/server-frames.ts';
import { useAppState, useParley } from '../../hooks/use-parley.ts';
import { focusMainView } from '../../lib/focus-main.ts';
import { Icon } from '../../components/common/Icon.tsx';
import { Spinner } from '../../components/common/Spinner.tsx';
import type { TimelineItem } from '../conversations/timeline.ts';
import { FileName } from './FileName.tsx';
import { displayFileName, formatBytes, progressText } from './file-format.ts';
import { downloadFile } from './files-commands.ts';
import { downloadKey, viewerClosed, viewerOpened, type FileViewer } from './files-slice.ts';
import { useMediaUrl } from './use-media-url.ts';

interface ViewerImage {
  file: FileInfo;
  from: string;
  ts: number;
}

/** The images of a timeline, oldest first: what ← and → move through. */
export function imagesOf(items: readonly TimelineItem[]): ViewerImage[] {
  const images: ViewerImage[] = [];
  for (const item of items) {
    if (item.kind !== 'message') continue;
    for (const file of item.message.attachments ?? []) {
      if (file.kind === 'image') images.push({ file, from: item.message.fromName, ts: item.message.ts });
    }
  }
  return images;
}

const SWIPE_PX = 60;
/** "2 Dec 2026, 08:17": short enough for a phone's caption line. */
const whenFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function LightboxDialog({ viewer }: { viewer: FileViewer }) {
  const { api, store } = useParley();
  const ref = useRef<HTMLDialogElement>(null);
  const swipe = useRef<{ x: number; y: number } | null>(null);
  const meta = useAppState((s) => s.conversations[viewer.conversation]);
  const items = useAppState((s) => s.timelines[viewer.conversation]?.items);
  const images = useMemo(() => imagesOf(items ?? []), [items]);
  const index = images.findIndex((image) => image.file.id === viewer.fileId);
  const current = index >= 0 ? images[index]! : null;
  const server = meta?.server ?? '';
  const { url: original, attempt, failed } = useMediaUrl(server, current?.file.id ?? null, 'original');
  const download = useAppState((s) => (current ? (s.downloads[downloadKey(server, current.file.id)] ?? null) : null));

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    dialog?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (dialog?.open && typeof dialog.close === 'function') dialog.close();
      if (opener?.isConnected) opener.focus();
      else focusMainView();
    };
  }, []);

  // The image went away (its conversation closed): nothing to show.
  useEffect(() => {
    if (current === null) viewerClosed(store);
  }, [current, store]);
  if (current === null || !meta) return null;

  const close = () => viewerClosed(store);
  const go = (step: number) => {
    const next = images[index + step];
    if (next) viewerOpened(store, { conversation: viewer.conversation, fileId: next.file.id });
  };
  const name = displayFileName(current.file.name);
  const width = current.file.width ?? current.file.thumb?.width;
  const height = current.file.height ?? current.file.thumb?.height;

  const onPointerDown = (event: PointerEvent) => {
    if (event.pointerType !== 'mouse') swipe.current = { x: event.clientX, y: event.clientY };
  };
  const onPointerUp = (event: PointerEvent) => {
    const start = swipe.current;
    swipe.current = null;
    if (!start) return;
    const dx = event.clientX - start.x;
    if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(event.clientY - start.y)) go(dx < 0 ? 1 : -1);
  };

  return (
    <dialog
      ref={ref}
      className="lightbox"
      aria-label={`Image ${name}`}
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          close();
        } else if (event.key === 'ArrowLeft') {
          event.preventDefault();
          go(-1);
        } else if (event.key === 'ArrowRight') {
          event.preventDefault();
          go(1);
        }
      }}
    >
      <header className="lightbox__bar">
        <div className="lightbox__caption">
          <FileName name={current.file.name} className="lightbox__name" />
          <span className="lightbox__meta">
            {formatBytes(current.file.size)}
            {width !== undefined && height !== undefined ? ` · ${width} × ${height}` : ''} · {current.from} ·{' '}
            {whenFormat.format(current.ts)}
          </span>
        </div>
        <span className="lightbox__count" aria-live="polite">
          {index + 1} of {images.length}
        </span>
        <button
          type="button"
          className="lightbox__button"
          aria-label={`Download ${name}`}
          title="Download"
          onClick={() => void downloadFile(api, store, server, current.file)}
        >
          <Icon name="download" />
        </button>
        <button
          type="button"
          className="lightbox__button"
          aria-label="Close"
          title="Close (Esc)"
          data-autofocus
          onClick={close}
        >
          <Icon name="close" />
        </button>
      </header>
      {download && (download.state === 'active' || download.state === 'waiting') && (
        <p className="lightbox__download" role="status">
          Downloading… {progressText(download.received, download.size, download.bytesPerSecond)}
        </p>
      )}
      <div
        className="lightbox__stage"
        onPointerDown={onPointerDown}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (swipe.current = null)}
        onMouseDown={(event) => {
          // A press beside the picture closes, as on the backdrop of any dialog.
          if (event.target === event.currentTarget) close();
        }}
      >
        {original === null ? (
          <Spinner />
        ) : (
          <img
            key={`${current.file.id}|${attempt}`}
            className="lightbox__image"
            src={original}
            onError={failed}
            alt={name}
            {...(width !== undefined && height !== undefined ? { width, height } : {})}
            draggable={false}
          />
        )}
        {index > 0 && (
          <button
            type="button"
            className="lightbox__nav lightbox__nav--previous"
            aria-label="Previous image"
            title="Previous (←)"
            onClick={() => go(-1)}
          >
            <Icon name="chevron-left" />
          </button>
        )}
        {index < images.length - 1 && (
          <button
            type="button"
            className="lightbox__nav lightbox__nav--next"
            aria-label="Next image"
            title="Next (→)"
            onClick={() => go(1)}
          >
            <Icon name="chevron-right" />
          </button>
        )}
      </div>
    </dialog>
  );
}

export function Lightbox({ conversation }: { conversation: string }) {
  const viewer = useAppState((s) => s.viewer);
  if (viewer === null || viewer.conversation !== conversation) return null;
  return <LightboxDialog viewer={viewer} />;
}
