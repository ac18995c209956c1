/**
 * What a file is, from its first bytes, never from its name (docs/PROTOCOL.md §18.6): the media
 * type by magic bytes (file-type), and for images the pixel size from the header (image-size),
 * without decoding a pixel. Only a short list of image and video formats gets a preview; an
 * image over MAX_PREVIEW_PIXELS or with absurd dimensions is a plain file (kind 'file'), so
 * nobody's UI decodes a 50-megapixel decompression bomb. Types a browser would run (HTML, SVG,
 * XML, script) are never passed on as such: they are application/octet-stream.
 */
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { MAX_PREVIEW_PIXELS, type FileKind } from '../../../shared/protocol/features/files.ts';

/** Bytes of a file's head read for sniffing: enough for a JPEG's size after a large EXIF block. */
export const SNIFF_HEAD_BYTES = 512 * 1024;

export const OCTET_STREAM = 'application/octet-stream';

/** Formats shown inline as images (what every browser decodes). */
const PREVIEW_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);
/** Formats shown inline as videos. */
const PREVIEW_VIDEOS = new Set(['video/mp4', 'video/webm']);
/** Types a browser may execute or render as a document: never handed out as themselves. */
const ACTIVE_TYPES = new Set([
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'application/xml',
  'text/xml',
  'application/javascript',
  'text/javascript',
  'application/x-shockwave-flash',
]);
/** Longest edge a preview may claim (the wire's dimension cap). */
const MAX_EDGE = 65_535;

export interface Sniffed {
  type: string;
  kind: FileKind;
  width?: number;
  height?: number;
}

/** Width and height as shown (EXIF orientations 5–8 turn the picture a quarter). */
export function imageDimensions(head: Uint8Array): { width: number; height: number } | undefined {
  try {
    const size = imageSize(head);
    if (!size.width || !size.height) return undefined;
    const turned = size.orientation !== undefined && size.orientation >= 5 && size.orientation <= 8;
    return turned ? { width: size.height, height: size.width } : { width: size.width, height: size.height };
  } catch {
    return undefined; // not an image image-size knows, or a header cut short or lying
  }
}

function previewable(dims: { width: number; height: number } | undefined): dims is { width: number; height: number } {
  if (!dims) return false;
  const { width, height } = dims;
  return width >= 1 && height >= 1 && width <= MAX_EDGE && height <= MAX_EDGE && width * height <= MAX_PREVIEW_PIXELS;
}

/**
 * Type, kind and (for images) dimensions of a file from its first bytes. `stated` are the
 * dimensions the sender gave, used only for videos (their size is deep inside the container).
 */
export async function sniffFile(head: Uint8Array, stated?: { width?: number; height?: number }): Promise<Sniffed> {
  const detected = await fileTypeFromBuffer(head).catch(() => undefined);
  const mime = detected?.mime;
  if (mime === undefined) return { type: OCTET_STREAM, kind: 'file' };
  if (ACTIVE_TYPES.has(mime)) return { type: OCTET_STREAM, kind: 'file' };
  if (PREVIEW_IMAGES.has(mime)) {
    const dims = imageDimensions(head);
    return previewable(dims) ? { type: mime, kind: 'image', ...dims } : { type: mime, kind: 'file' };
  }
  if (PREVIEW_VIDEOS.has(mime)) {
    const dims =
      stated?.width !== undefined && stated.height !== undefined
        ? { width: stated.width, height: stated.height }
        : undefined;
    return previewable(dims) ? { type: mime, kind: 'video', ...dims } : { type: mime, kind: 'video' };
  }
  return { type: mime, kind: 'file' };
}
