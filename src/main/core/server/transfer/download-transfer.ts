/**
 * A download's transfer connection (docs/PROTOCOL.md §18.4): `download_ready`, then exactly
 * `length` raw bytes from `offset`, then the server closes. The bytes are streamed from the blob
 * with back-pressure (a read stream piped into the socket): a receiver that stops reading stops
 * the reads, so it holds no more server memory than one read chunk and the socket's buffer, and
 * the idle timeout closes it once nothing moved for transferIdleTimeoutMs.
 */
import { open } from 'node:fs/promises';
import type { DownloadOpenFrame, DownloadReadyFrame } from '../../../../shared/protocol/features/files.ts';
import type { Uploads } from '../../files/uploads.ts';
import { fileInfo, type FileRow } from '../../store/file-records.ts';
import type { Logger } from '../logger.ts';
import type { TransferConnection } from './transfer-connection.ts';

/** Bytes read from disk per chunk: large enough for few system calls, small enough to hold. */
const READ_CHUNK_BYTES = 256 * 1024;

export async function runDownload(
  transfer: TransferConnection,
  frame: DownloadOpenFrame,
  file: FileRow,
  uploads: Uploads,
  log: Logger,
): Promise<void> {
  const variant = frame.variant;
  const thumb = file.thumb;
  if (variant === 'thumb' && !thumb) return transfer.fail('file_not_found', 'This file has no preview');
  const sha256 = variant === 'thumb' ? thumb!.sha256 : file.sha256;
  const size = variant === 'thumb' ? thumb!.size : file.size;
  const mediaType = variant === 'thumb' ? thumb!.type : file.type;
  if (frame.offset > size)
    return transfer.fail('bad_request', `offset ${frame.offset} is past the end (${size} bytes)`);
  const length = Math.min(frame.length ?? size - frame.offset, size - frame.offset);
  let handle;
  try {
    handle = await open(uploads.disk.blobPath(sha256), 'r');
  } catch (error) {
    log.error({ err: error, file: file.id }, 'a stored file is missing');
    return transfer.fail('file_not_found', 'No such file');
  }
  const { socket } = transfer;
  if (transfer.ended || socket.destroyed) {
    await handle.close();
    return;
  }
  const ready: DownloadReadyFrame = {
    type: 'download_ready',
    file: fileInfo(file),
    variant,
    size,
    offset: frame.offset,
    length,
    sha256,
    mediaType,
  };
  transfer.send(ready);
  if (length === 0) {
    await handle.close();
    transfer.end();
    return;
  }
  const stream = handle.createReadStream({
    start: frame.offset,
    end: frame.offset + length - 1,
    highWaterMark: READ_CHUNK_BYTES,
  });
  await new Promise<void>((resolve) => {
    stream.on('data', () => (transfer.lastProgressAt = Date.now()));
    stream.on('error', (error) => {
      log.error({ err: error, file: file.id }, 'reading a stored file failed');
      socket.destroy();
    });
    stream.on('close', resolve);
    socket.on('close', () => stream.destroy());
    // pipe() ends the socket after the last byte, and pauses reading while the socket is full.
    stream.pipe(socket);
    transfer.ended = true;
  });
}
