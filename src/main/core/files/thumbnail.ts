/**
 * A sender's thumbnail is untrusted like everything else (docs/PROTOCOL.md §18.6): it is kept
 * only if its magic bytes say WebP, JPEG or PNG and its real dimensions, read from its header,
 * are the ones stated and at most MAX_THUMB_EDGE a side. Anything else is `thumb_invalid`.
 */
import { fileTypeFromBuffer } from 'file-type';
import { MAX_THUMB_EDGE, type FileInfo } from '../../../shared/protocol/features/files.ts';
import { imageDimensions } from './sniff.ts';

export type ThumbInfo = NonNullable<FileInfo['thumb']>;
const THUMB_TYPES = new Set<string>(['image/webp', 'image/jpeg', 'image/png']);

/** The thumbnail's info if `data` really is what the sender says; undefined otherwise. */
export async function checkThumbnail(data: Buffer, width: number, height: number): Promise<ThumbInfo | undefined> {
  const detected = await fileTypeFromBuffer(data).catch(() => undefined);
  if (!detected || !THUMB_TYPES.has(detected.mime)) return undefined;
  const dims = imageDimensions(data);
  if (!dims || dims.width !== width || dims.height !== height) return undefined;
  if (width > MAX_THUMB_EDGE || height > MAX_THUMB_EDGE) return undefined;
  return { type: detected.mime as ThumbInfo['type'], width, height, size: data.length };
}
