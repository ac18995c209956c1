/**
 * An upload's transfer connection (docs/PROTOCOL.md §18.3): after `upload_ready {offset}` exactly
 * size − offset raw bytes, then the frame `upload_finish {sha256}`; answered `upload_done {file}`
 * or an error, then closed. Bytes beyond the announced size (anything after them that is not an
 * `upload_finish` frame) are `size_mismatch` and nothing is kept; a connection that ends early
 * keeps what arrived for a resume.
 */
import { FRAME_HEADER_BYTES } from '../../../../shared/protocol/constants.ts';
import { uploadFinishFrame, type UploadOpenFrame } from '../../../../shared/protocol/features/files.ts';
import { parseFrame } from '../../framing/frame-codec.ts';
import type { UploadWriter } from '../../files/upload-session.ts';
import type { Refusal, Uploads } from '../../files/uploads.ts';
import type { Logger } from '../logger.ts';
import type { TransferConnection } from './transfer-connection.ts';

/** An upload_finish frame is about 100 bytes; anything longer is not one. */
const MAX_FINISH_FRAME_BYTES = 1024;

export async function runUpload(
  transfer: TransferConnection,
  frame: UploadOpenFrame,
  rest: Buffer,
  uploads: Uploads,
  log: Logger,
): Promise<void> {
  const userId = transfer.userId!;
  let stopped: Refusal | undefined;
  const opened = await uploads.open(userId, frame.upload, frame.offset, (refusal) => {
    stopped = refusal;
    transfer.fail(refusal.code, refusal.message);
  });
  if ('code' in opened) {
    transfer.fail(opened.code, opened.message);
    return;
  }
  const { writer, size, done } = opened;
  try {
    await receive(transfer, writer, size - frame.offset, rest, uploads, frame.upload, () => stopped);
  } catch (error) {
    log.error({ err: error, upload: frame.upload }, 'upload failed');
    transfer.fail('internal', 'The upload could not be carried out');
    await uploads.interrupted(frame.upload, writer);
  } finally {
    done();
  }
}

/** Reads the raw bytes and the closing frame; resolves once the upload is finished, refused or cut. */
function receive(
  transfer: TransferConnection,
  writer: UploadWriter,
  remainingAtStart: number,
  rest: Buffer,
  uploads: Uploads,
  uploadId: string,
  stopped: () => Refusal | undefined,
): Promise<void> {
  const { socket } = transfer;
  let remaining = remainingAtStart;
  let tail: Buffer = Buffer.alloc(0);
  let state: 'raw' | 'finish' | 'finishing' = remaining === 0 ? 'finish' : 'raw';
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (work: Promise<void>) => {
      if (settled) return;
      settled = true;
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('end', onClose);
      work.then(resolve, reject);
    };
    // Nothing of the bytes is kept, and that is done before the sender hears the refusal.
    const refuse = (code: 'size_mismatch' | 'bad_request' | 'disk_full', message: string) => {
      state = 'finishing';
      transfer.holding = true;
      socket.pause();
      settle(uploads.discard(uploadId, writer).finally(() => transfer.fail(code, message)));
    };
    const finish = (sha256: string) => {
      state = 'finishing';
      transfer.holding = true;
      socket.pause();
      settle(
        uploads.finish(uploadId, writer, sha256).then((result) => {
          if ('code' in result) transfer.fail(result.code, result.message);
          else {
            transfer.send({ type: 'upload_done', file: result });
            transfer.end();
          }
        }),
      );
    };
    const readFinish = () => {
      if (tail.length < FRAME_HEADER_BYTES) return;
      const length = tail.readUInt32BE(0);
      if (length === 0 || length > MAX_FINISH_FRAME_BYTES) {
        refuse('size_mismatch', `More bytes arrived than the ${remainingAtStart} announced; nothing was kept`);
        return;
      }
      if (tail.length < FRAME_HEADER_BYTES + length) return;
      const parsed = parseFrame(tail.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length));
      if (!parsed.ok || parsed.frame.type !== 'upload_finish') {
        refuse('size_mismatch', `More bytes arrived than the ${remainingAtStart} announced; nothing was kept`);
        return;
      }
      const checked = uploadFinishFrame.safeParse(parsed.frame);
      if (!checked.success) {
        refuse('bad_request', 'upload_finish needs sha256: 64 lowercase hex digits');
        return;
      }
      finish(checked.data.sha256);
    };
    const onData = (chunk: Buffer) => {
      transfer.lastProgressAt = Date.now();
      if (state === 'finishing') return;
      if (state === 'raw') {
        const take = Math.min(remaining, chunk.length);
        if (take > 0) {
          remaining -= take;
          if (!writer.write(take === chunk.length ? chunk : chunk.subarray(0, take))) {
            // The disk is behind: the sender waits, and that is not its idleness.
            transfer.holding = true;
            socket.pause();
          }
        }
        if (remaining > 0) return;
        state = 'finish';
        chunk = chunk.subarray(take);
        if (chunk.length === 0) return;
      }
      // Only a small frame may follow the raw bytes: bounded before it is buffered.
      tail = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
      if (tail.length > FRAME_HEADER_BYTES + MAX_FINISH_FRAME_BYTES) {
        const length = tail.readUInt32BE(0);
        if (length === 0 || length > MAX_FINISH_FRAME_BYTES) {
          refuse('size_mismatch', `More bytes arrived than the ${remainingAtStart} announced; nothing was kept`);
          return;
        }
      }
      readFinish();
    };
    const onClose = () => {
      // Cut before the end (or cancelled / stopped by a newer connection): keep what arrived.
      void stopped;
      settle(uploads.interrupted(uploadId, writer));
    };
    writer.onDrain = () => {
      if (writer.failure !== undefined) {
        refuse('disk_full', 'The server ran out of disk space; nothing was kept');
        return;
      }
      if (state === 'raw' && !transfer.ended) {
        transfer.holding = false;
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('end', onClose);
    transfer.send({ type: 'upload_ready', offset: writer.position });
    transfer.holding = false;
    if (rest.length > 0) onData(rest);
    if (!settled && state === 'finish') readFinish();
    if (!settled && !transfer.ended) socket.resume();
  });
}
