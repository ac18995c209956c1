/**
 * Previews made in the page, before an upload starts: a picture of at most 800 px a side as WebP
 * (JPEG where the browser cannot encode WebP), base64 for beginUpload, plus the picture's own
 * dimensions. Images are decoded with createImageBitmap; videos (MP4/WebM) give a poster frame
 * through a hidden <video>. An image over 50 megapixels, a file that does not decode, a browser
 * without these APIs: no preview, and the file is sent all the same. Nothing here throws.
 *
 * The server checks a client's thumbnail like everything else (its type and size); dimensions
 * of images it reads itself, those of videos it takes from here.
 */
import { MAX_PREVIEW_PIXELS, MAX_THUMB_BYTES, MAX_THUMB_EDGE } from '../../../../shared/protocol/features/files.ts';

export interface Preview {
  /** For beginUpload. */
  thumb: { data: string; width: number; height: number };
  /** A `data:` URL of the same picture, for the tray and the pending message. */
  dataUrl: string;
  /** The picture's (or video's) own size. */
  width: number;
  height: number;
  /** Set for videos: their dimensions go with the upload (the server reads those of images). */
  video: boolean;
}

const VIDEO_TYPES = new Set(['video/mp4', 'video/webm']);
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);
/**
 * How long a preview may take: a file the browser chokes on must not keep its message waiting
 * (the message goes without a preview then). Tests shorten them (happy-dom never loads images).
 */
export const PREVIEW_TIMEOUTS = { imageMs: 5000, videoMs: 8000 };

/** `promise`, or `fallback` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

/** The preview of `file`, or null when it gets none. */
export async function makePreview(file: Blob): Promise<Preview | null> {
  try {
    if (IMAGE_TYPES.has(file.type)) return await withTimeout(imagePreview(file), PREVIEW_TIMEOUTS.imageMs, null);
    if (VIDEO_TYPES.has(file.type)) return await videoPreview(file);
  } catch {
    // A file that does not decode simply has no preview.
  }
  return null;
}

/** The scale that fits `width` × `height` into the thumbnail's edge (never upscaled). */
export function thumbSize(width: number, height: number, edge = MAX_THUMB_EDGE): { width: number; height: number } {
  const scale = Math.min(1, edge / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function tooLarge(width: number, height: number): boolean {
  return !(width > 0 && height > 0) || width * height > MAX_PREVIEW_PIXELS || width > 65_535 || height > 65_535;
}

async function imagePreview(file: Blob): Promise<Preview | null> {
  if (typeof createImageBitmap !== 'function') return null;
  // The header first: an image of absurd dimensions is never decoded at full size.
  const size = await imageDimensions(file);
  if (size === null || tooLarge(size.width, size.height)) return null;
  const target = thumbSize(size.width, size.height);
  const bitmap = await createImageBitmap(file, {
    resizeWidth: target.width,
    resizeHeight: target.height,
    resizeQuality: 'high',
  });
  try {
    const encoded = await encode(bitmap, target.width, target.height);
    return encoded && { ...encoded, width: size.width, height: size.height, video: false };
  } finally {
    bitmap.close();
  }
}

/** Width and height from the image's header, through an <img> (it needs no full decode to tell). */
async function imageDimensions(file: Blob): Promise<{ width: number; height: number } | null> {
  if (typeof Image !== 'function' || typeof URL.createObjectURL !== 'function') return null;
  const url = URL.createObjectURL(file);
  try {
    return await new Promise((resolve) => {
      const image = new Image();
      image.onload = () => resolve({ width: image.naturalWidth, height: image.naturalHeight });
      image.onerror = () => resolve(null);
      image.src = url;
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function videoPreview(file: Blob): Promise<Preview | null> {
  if (typeof document === 'undefined' || typeof URL.createObjectURL !== 'function') return null;
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  video.playsInline = true;
  try {
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), PREVIEW_TIMEOUTS.videoMs);
      video.onloadeddata = () => {
        // A frame a little in (the very first is often black), then `seeked`.
        const at = Number.isFinite(video.duration) ? Math.min(1, video.duration / 10) : 0;
        if (at > 0) video.currentTime = at;
        else {
          clearTimeout(timer);
          resolve(true);
        }
      };
      video.onseeked = () => {
        clearTimeout(timer);
        resolve(true);
      };
      video.onerror = () => {
        clearTimeout(timer);
        resolve(false);
      };
      video.src = url;
    });
    const { videoWidth: width, videoHeight: height } = video;
    if (!ready || tooLarge(width, height)) return null;
    const target = thumbSize(width, height);
    const encoded = await encode(video, target.width, target.height);
    return encoded && { ...encoded, width, height, video: true };
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}

/** Draws `source` at the given size and encodes it: WebP, else JPEG, smaller until it fits the cap. */
async function encode(
  source: CanvasImageSource,
  width: number,
  height: number,
): Promise<Pick<Preview, 'thumb' | 'dataUrl'> | null> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.drawImage(source, 0, 0, width, height);
  for (const quality of [0.82, 0.7, 0.5]) {
    for (const type of ['image/webp', 'image/jpeg'] as const) {
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, quality));
      // A browser that cannot write WebP answers PNG: then try JPEG.
      if (!blob || blob.type !== type) continue;
      if (blob.size > MAX_THUMB_BYTES) break;
      const data = await toBase64(blob);
      return { thumb: { data, width, height }, dataUrl: `data:${type};base64,${data}` };
    }
  }
  return null;
}

async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary);
}
