/**
 * A stored message's files: images inline (the preview, or the original when there is none),
 * videos with their poster and the browser's controls, everything else as a card. The box of a
 * picture is sized from the file's width and height (width/height attributes, which the browser
 * turns into an aspect ratio) before anything loads, so rows never jump.
 */
import { useEffect, useRef } from 'react';
import type { FileInfo } from '../../../../shared/protocol/server-frames.ts';
import { useParley } from '../../hooks/use-parley.ts';
import type { ConversationKey } from '../conversations/conversation-key.ts';
import { FileCard } from './FileCard.tsx';
import { displayFileName, formatBytes, previewBox } from './file-format.ts';
import { viewerOpened } from './files-slice.ts';
import { useMediaUrl } from './use-media-url.ts';

/** A box of the picture's shape while its URL is not known yet (an SVG scales like the image). */
function Placeholder({ width, height }: { width: number; height: number }) {
  return (
    <svg
      className="attachment__placeholder"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      aria-hidden="true"
      focusable="false"
    />
  );
}

/** Several pictures in one message are shown smaller, side by side. */
const SINGLE = { width: 360, height: 320 };
const GALLERY = { width: 240, height: 200 };

export function ImageAttachment({
  server,
  conversation,
  file,
  gallery = false,
}: {
  server: string;
  conversation: ConversationKey;
  file: FileInfo;
  gallery?: boolean;
}) {
  const { store } = useParley();
  const { url: src, attempt, failed } = useMediaUrl(server, file.id, file.thumb ? 'thumb' : 'original');
  const max = gallery ? GALLERY : SINGLE;
  const box = previewBox(file.width ?? file.thumb?.width, file.height ?? file.thumb?.height, max.width, max.height);
  const name = displayFileName(file.name);
  return (
    <button
      type="button"
      className="attachment attachment--image"
      aria-label={`Open image ${name}, ${formatBytes(file.size)}`}
      title={name}
      onClick={() => viewerOpened(store, { conversation, fileId: file.id })}
    >
      {src === null ? (
        <Placeholder width={box.width} height={box.height} />
      ) : (
        <img
          key={attempt}
          className="attachment__image"
          src={src}
          alt=""
          width={box.width}
          height={box.height}
          loading="lazy"
          decoding="async"
          draggable={false}
          onError={failed}
        />
      )}
    </button>
  );
}

export function VideoAttachment({ server, file }: { server: string; file: FileInfo }) {
  const { url: poster } = useMediaUrl(server, file.thumb ? file.id : null, 'thumb');
  const { url: src, attempt, failed } = useMediaUrl(server, file.id, 'original');
  const box = previewBox(file.width ?? file.thumb?.width, file.height ?? file.thumb?.height);
  const name = displayFileName(file.name);
  const element = useRef<HTMLVideoElement>(null);
  // Whether the person pressed play (and where the video was) when its URL failed: once a new
  // URL comes, the video goes on from there instead of waiting for another click.
  const wanted = useRef({ playing: false, resume: null as number | null });
  useEffect(() => {
    const video = element.current;
    const resume = wanted.current.resume;
    if (!video || resume === null || src === null) return;
    wanted.current.resume = null;
    video.load();
    if (resume > 0) video.currentTime = resume;
    void video.play().catch(() => {});
  }, [src, attempt]);
  return (
    <figure className="attachment attachment--video">
      {src === null ? (
        <Placeholder width={box.width} height={box.height} />
      ) : (
        <video
          key={attempt}
          ref={element}
          className="attachment__video"
          controls
          preload="none"
          playsInline
          width={box.width}
          height={box.height}
          src={src}
          onPlay={() => (wanted.current.playing = true)}
          onPause={() => (wanted.current.playing = false)}
          onError={() => {
            const video = element.current;
            if (wanted.current.playing && video) wanted.current.resume = video.currentTime;
            failed();
          }}
          aria-label={`Video ${name}`}
          {...(poster !== null ? { poster } : {})}
        />
      )}
    </figure>
  );
}

export function MessageAttachments({
  server,
  conversation,
  files,
}: {
  server: string;
  conversation: ConversationKey;
  files: readonly FileInfo[];
}) {
  const pictures = files.filter((f) => f.kind === 'image' || f.kind === 'video');
  const others = files.filter((f) => f.kind !== 'image' && f.kind !== 'video');
  return (
    <div className="attachments">
      {pictures.length > 0 && (
        <div className={`attachments__media${pictures.length > 1 ? ' attachments__media--grid' : ''}`}>
          {pictures.map((file) =>
            file.kind === 'image' ? (
              <ImageAttachment
                key={file.id}
                server={server}
                conversation={conversation}
                file={file}
                gallery={pictures.length > 1}
              />
            ) : (
              <VideoAttachment key={file.id} server={server} file={file} />
            ),
          )}
        </div>
      )}
      {/* A video plays inline; it also gets a card (name, size, Download) under the player. */}
      {[...pictures.filter((f) => f.kind === 'video'), ...others].map((file) => (
        <FileCard key={file.id} server={server} file={file} />
      ))}
    </div>
  );
}
