/**
 * The file limits of a server (its welcome's `limits.files`, carried by `ServerView.limits`) and
 * the checks made before anything is sent: a file too large or too many files at once is refused
 * here, in words, rather than by the server after the user waited.
 */
import type { ServerView } from '../../../../shared/api/contract.ts';
import type { FileLimits } from '../../../../shared/protocol/server-frames.ts';
import { MAX_UPLOAD_CHUNK_BYTES } from '../../../../shared/api/features/files.ts';
import { displayFileName, formatBytes } from './file-format.ts';

/** The server's file limits; null when it announced none (a server without files). */
export function fileLimitsOf(server: ServerView | undefined): FileLimits | null {
  const files = server?.limits?.files;
  if (!files) return null;
  const positive = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
  if (!positive(files.maxFileBytes) || !positive(files.maxFilesPerMessage)) return null;
  return files;
}

/** Uploads of one server that run at the same time: its limit, at most a few (they share the link). */
export function uploadSlots(limits: FileLimits | null): number {
  const max = limits?.maxUploadsInFlight;
  return typeof max === 'number' && max >= 1 ? Math.min(Math.floor(max), 3) : 2;
}

/** Bytes per writeUpload: 4 MiB, within the contract's cap. */
export const CHUNK_BYTES = Math.min(4 * 1024 * 1024, MAX_UPLOAD_CHUNK_BYTES);

export interface FileCheck<T> {
  accepted: T[];
  /** Why files were left out, as one sentence (null when all were taken). */
  problem: string | null;
}

/**
 * Which of `incoming` may join the `alreadyAttached` files of a message: each within the largest
 * file size, and no more in all than the server takes per message.
 */
export function checkNewFiles<T extends { name: string; size: number }>(
  limits: FileLimits | null,
  alreadyAttached: number,
  incoming: readonly T[],
): FileCheck<T> {
  if (incoming.length === 0) return { accepted: [], problem: null };
  if (limits === null) return { accepted: [], problem: 'This server does not accept files.' };
  const problems: string[] = [];
  const fitting = incoming.filter((file) => file.size <= limits.maxFileBytes);
  const tooLarge = incoming.filter((file) => file.size > limits.maxFileBytes);
  if (tooLarge.length === 1) {
    problems.push(
      `“${displayFileName(tooLarge[0]!.name)}” is ${formatBytes(tooLarge[0]!.size)}; this server accepts files up to ${formatBytes(limits.maxFileBytes)}.`,
    );
  } else if (tooLarge.length > 1) {
    problems.push(
      `${tooLarge.length} files are larger than the ${formatBytes(limits.maxFileBytes)} this server accepts.`,
    );
  }
  const room = Math.max(0, limits.maxFilesPerMessage - alreadyAttached);
  const accepted = fitting.slice(0, room);
  if (fitting.length > room) {
    const max = limits.maxFilesPerMessage;
    problems.push(`You can send up to ${max} ${max === 1 ? 'file' : 'files'} in one message.`);
  }
  return { accepted, problem: problems.length === 0 ? null : problems.join(' ') };
}
