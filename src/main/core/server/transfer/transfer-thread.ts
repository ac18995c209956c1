/**
 * The transfer thread: file bytes off the chat event loop (issue 12, docs/PROTOCOL.md §18.1).
 *
 * Why a thread of its own: served on the chat loop, one upload and three downloads kept that loop
 * 91 % busy (socket reads and writes of file chunks, the garbage of a fresh buffer per chunk, the
 * upload's SHA-256), and a chat frame waited behind them: the one-hop chat p99 rose 15–20 × over
 * idle (docs/BENCHMARKS.md, "Issue 12"). In this thread, with its own event loop and its own heap
 * (so its garbage collections do not pause chat either), the chat loop only waits for a core, and
 * the OS scheduler gives one promptly to a thread that mostly sleeps.
 *
 * Why its own port: a worker thread cannot take over a socket accepted by another thread, so the
 * thread listens itself, on `welcome.limits.files.transferPort` (config `[files] transfer_port`,
 * any free port by default). Why an eval worker: as for the WAL checkpointer (its header says it in
 * full), the server runs from TypeScript source and from two bundles, and one self-contained
 * function (builtins only, constants in workerData) runs the same from all of them.
 *
 * The split: this thread moves bytes and hashes them; it decides nothing. It reads the first
 * frame of each connection (bounded like any frame) and asks the room server (`open`), which
 * validates it, authenticates, checks access and limits, and answers `receive` (an upload: the
 * partial file, the bytes it holds), `send` (a download: the blob, the range, the ready frame) or
 * `fail`. An upload's end is reported (`received`: complete with the SHA-256 it computed, cut
 * short, or refused) and the server's answer (`done` with upload_done, or `fail`) is sent only
 * after the server has stored or discarded the bytes. `closed` says a connection is gone and its
 * files are closed. The SHA-256 state of an upload cut short is kept here (`kept`) so that its
 * resume does not read the partial again; `forget` drops it when the upload is cancelled.
 *
 * Limits kept here: connections in all and per address (its own count, the chat port's numbers),
 * the first frame within handshakeTimeoutMs and at most maxFrameBytes, no byte moved for
 * transferIdleTimeoutMs (its clock stands still while the server or a rehash holds the transfer);
 * what an upload received in one turn of the loop is written before the next, and a download
 * holds one chunk (DOWNLOAD_CHUNK_BYTES) and its socket's buffer.
 *
 * Disk work is synchronous here (writevSync, readSync): the thread has nothing else to do while it
 * runs, and so it runs at this thread's priority instead of in libuv's pool, which chat shares.
 */
import { Worker } from 'node:worker_threads';

/** Bytes read from a blob per chunk of a download. */
export const DOWNLOAD_CHUNK_BYTES = 256 * 1024;
/** An upload_finish frame is about 100 bytes; anything longer is not one. */
export const MAX_FINISH_FRAME_BYTES = 1024;
/** The transfer thread's nice value on Linux (0 is normal, 19 the lowest priority). */
export const TRANSFER_NICENESS = 10;
/** After an error frame, how long the peer has to read it before the socket is destroyed. */
export const CLOSE_GRACE_MS = 2000;

/** Why an upload's bytes end without being stored. */
export type UploadRefusalCode = 'size_mismatch' | 'bad_request' | 'disk_full' | 'internal';

export type UploadOutcome =
  /** Every byte and an upload_finish frame: `sha256` is the digest of what arrived. */
  | { kind: 'complete'; sha256: string; finish: Record<string, unknown>; position: number }
  /** Ended before the last byte (closed, cut, stopped): `position` bytes are on disk for a resume. */
  | { kind: 'cut'; position: number; failed: boolean }
  /** Refused: nothing of the bytes may be kept. */
  | { kind: 'refused'; code: UploadRefusalCode; message: string };

/** From the room server to the thread. */
export type ToThread =
  | { t: 'listen'; host: string; port: number }
  | { t: 'receive'; id: number; uploadId: string; path: string; held: number; size: number }
  | { t: 'send'; id: number; path: string; offset: number; length: number; ready: object }
  /** `answer`: the server's verdict on this connection's request; else a stop from outside. */
  | { t: 'fail'; id: number; code: string; message: string; answer: boolean }
  | { t: 'done'; id: number; frame: object }
  | { t: 'forget'; uploadId: string }
  | { t: 'exempt'; ip: string }
  | { t: 'stats'; ask: number }
  | { t: 'close' };

/** From the thread to the room server. */
export type FromThread =
  | { t: 'listening'; port: number }
  | { t: 'listen_failed'; message: string; code: string | undefined }
  | { t: 'open'; id: number; ip: string; frame: Record<string, unknown> }
  | { t: 'received'; id: number; uploadId: string; outcome: UploadOutcome }
  | { t: 'closed'; id: number }
  | { t: 'closed_all' }
  | { t: 'stats'; ask: number; stats: TransferStats }
  | { t: 'log'; level: 'info' | 'warn' | 'error'; message: string; fields: Record<string, unknown> };

/** What the thread holds now (for tests and logs). */
export interface TransferStats {
  /** Transfer connections open. */
  connections: number;
  /** Bytes read from blobs and not yet taken by the kernel (what slow downloaders cost). */
  pendingOutBytes: number;
}

export interface TransferThreadLimits {
  maxFrameBytes: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  handshakeTimeoutMs: number;
  transferIdleTimeoutMs: number;
}

interface ThreadData {
  /** The id of this thread's first connection (ids are unique across threads of one server). */
  firstId: number;
  limits: TransferThreadLimits;
  niceness: number;
  downloadChunkBytes: number;
  maxFinishFrameBytes: number;
  closeGraceMs: number;
}

/**
 * The thread's body. It runs from its source text in a fresh worker: no imports, no outer names
 * (types are erased; everything else comes from builtins and workerData).
 */
function transferThread(): void {
  type Socket = import('node:net').Socket;
  type Hash = import('node:crypto').Hash;
  const net = process.getBuiltinModule('node:net');
  const crypto = process.getBuiltinModule('node:crypto');
  const fs = process.getBuiltinModule('node:fs');
  const threads = process.getBuiltinModule('node:worker_threads');
  const os = process.getBuiltinModule('node:os');
  const port = threads.parentPort!;
  const data = threads.workerData as ThreadData;
  const limits = data.limits;
  const post = (message: FromThread) => port.postMessage(message);
  const log = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}) =>
    post({ t: 'log', level, message, fields });
  const NO_SPACE = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
  const isNoSpace = (error: unknown) => NO_SPACE.has((error as { code?: string } | undefined)?.code ?? '');

  const encodeFrame = (frame: object): Buffer => {
    const body = Buffer.from(JSON.stringify(frame), 'utf8');
    const header = Buffer.allocUnsafe(4);
    header.writeUInt32BE(body.length, 0);
    return Buffer.concat([header, body]);
  };
  /** A frame's JSON: an object with a string `type`, or undefined. */
  const parseFrame = (bytes: Buffer): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(bytes.toString('utf8'));
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      return typeof (value as { type?: unknown }).type === 'string' ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };

  /**
   * One upload's bytes: hashed as they arrive and appended to the partial, everything that arrived
   * in one turn of the loop in one `writev`. The writes are synchronous, on purpose: this thread
   * has nothing else to do meanwhile, and so the disk work runs here, at this thread's priority,
   * not in libuv's shared pool at chat's. A disk slower than the network holds the loop, so the
   * sockets are read no faster than the disk writes (TCP pushes back on the senders).
   */
  class PartialWriter {
    position: number;
    failure: unknown;
    onFailure: () => void = () => {};
    readonly hash: Hash;
    private readonly fd: number;
    private queue: Buffer[] = [];
    private scheduled = false;

    constructor(fd: number, position: number, hash: Hash) {
      this.fd = fd;
      this.position = position;
      this.hash = hash;
    }

    write(chunk: Buffer): void {
      if (this.failure !== undefined) return;
      this.hash.update(chunk);
      this.queue.push(chunk);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    }

    /** Writes everything queued now. */
    flush(): void {
      this.scheduled = false;
      const buffers = this.queue;
      this.queue = [];
      // At most IOV_MAX (1024 on Linux) buffers per writev.
      for (let i = 0; i < buffers.length && this.failure === undefined; i += 512) {
        const part = buffers.slice(i, i + 512);
        const bytes = part.reduce((sum, b) => sum + b.length, 0);
        try {
          const written = fs.writevSync(this.fd, part, this.position);
          this.position += written;
          // A regular file is written short only at a limit (RLIMIT_FSIZE, a full disk).
          if (written < bytes) this.failure = Object.assign(new Error('short write'), { code: 'ENOSPC' });
        } catch (error) {
          this.failure = error;
        }
        if (this.failure !== undefined) this.onFailure();
      }
    }

    close(): void {
      this.flush();
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
    }
  }

  /** SHA-256 of the first `bytes` bytes of a file (a resume whose hash state is not kept). */
  const hashFile = (path: string, bytes: number): Promise<Hash> => {
    const hash = crypto.createHash('sha256');
    if (bytes === 0) return Promise.resolve(hash);
    return new Promise((resolve, reject) => {
      const stream = fs.createReadStream(path, { start: 0, end: bytes - 1, highWaterMark: 1024 * 1024 });
      stream.on('data', (chunk) => hash.update(chunk as Buffer));
      stream.on('error', reject);
      stream.on('end', () => resolve(hash));
    });
  };

  type Phase = 'first' | 'asking' | 'receiving' | 'reporting' | 'sending' | 'ended';
  interface Transfer {
    id: number;
    socket: Socket;
    ip: string;
    phase: Phase;
    openedAt: number;
    lastProgressAt: number;
    /** True while the server, the disk or a rehash holds it up: the idle clock stands still. */
    holding: boolean;
    /** Stops an upload being received (a `fail` from the server, shutdown, idle). */
    stop: ((code: string, message: string) => void) | undefined;
    /** Runs until the transfer's files are closed and its outcome reported. */
    work: Promise<void>;
  }

  // Chat first: on Linux a thread has a nice value of its own, so this one yields a contended
  // core to the chat loop (and to everything else of normal priority); an idle core it still uses
  // in full. Elsewhere (no /proc/thread-self) it keeps the process's priority.
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, data.niceness);
  } catch {
    // Not Linux, or not allowed: the same priority as chat.
  }

  const transfers = new Map<number, Transfer>();
  const perIp = new Map<string, number>();
  const exempt = new Set<string>();
  /** SHA-256 states of uploads cut short, by upload id, with the bytes they cover. */
  const kept = new Map<string, { hash: Hash; position: number }>();
  let nextId = data.firstId + 1;
  let closing = false;
  let server: import('node:net').Server | undefined;

  const normalizeIp = (address: string | undefined) => (address ?? '').replace(/^::ffff:/, '');

  /** Sends an error frame and closes; what the peer still sends is read and dropped. */
  const failSocket = (transfer: Transfer, code: string, message: string) => {
    if (transfer.phase === 'ended') return;
    transfer.phase = 'ended';
    const { socket } = transfer;
    if (socket.destroyed) return;
    socket.removeAllListeners('data');
    socket.resume();
    socket.end(encodeFrame({ type: 'error', code, message, fatal: true }));
    setTimeout(() => socket.destroy(), data.closeGraceMs).unref();
  };
  const endSocket = (transfer: Transfer, frame?: object) => {
    if (transfer.phase === 'ended') return;
    transfer.phase = 'ended';
    if (transfer.socket.destroyed) return;
    if (frame) transfer.socket.end(encodeFrame(frame));
    else transfer.socket.end();
    setTimeout(() => transfer.socket.destroy(), data.closeGraceMs).unref();
  };

  const accept = (socket: Socket) => {
    socket.on('error', () => {});
    const ip = normalizeIp(socket.remoteAddress);
    const fromIp = perIp.get(ip) ?? 0;
    if (
      closing ||
      transfers.size >= limits.maxConnections ||
      (fromIp >= limits.maxConnectionsPerIp && !exempt.has(ip))
    ) {
      const code = closing ? 'server_shutdown' : 'too_many_connections';
      socket.end(
        encodeFrame({
          type: 'error',
          code,
          message: closing ? 'The server is shutting down' : 'Too many connections',
          fatal: true,
        }),
      );
      socket.resume();
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    perIp.set(ip, fromIp + 1);
    const now = Date.now();
    const transfer: Transfer = {
      id: nextId++,
      socket,
      ip,
      phase: 'first',
      openedAt: now,
      lastProgressAt: now,
      holding: false,
      stop: undefined,
      work: Promise.resolve(),
    };
    transfers.set(transfer.id, transfer);
    let first: Buffer = Buffer.alloc(0);
    const onFirst = (chunk: Buffer) => {
      first = first.length === 0 ? chunk : Buffer.concat([first, chunk]);
      if (first.length < 4) return;
      const length = first.readUInt32BE(0);
      if (length === 0 || length > limits.maxFrameBytes) {
        failSocket(transfer, 'frame_too_large', `A frame must be 1 to ${limits.maxFrameBytes} bytes`);
        return;
      }
      if (first.length < 4 + length) return;
      socket.off('data', onFirst);
      socket.pause();
      const frame = parseFrame(first.subarray(4, 4 + length));
      if (!frame) return failSocket(transfer, 'bad_frame', 'A frame is a JSON object with a string "type"');
      if (frame['type'] !== 'upload' && frame['type'] !== 'download') {
        return failSocket(transfer, 'bad_request', 'This port carries transfer connections only: upload or download');
      }
      // Bytes after the first frame belong to the upload: handed back to the stream, read in order.
      const rest = first.subarray(4 + length);
      if (rest.length > 0) socket.unshift(rest);
      first = Buffer.alloc(0);
      transfer.phase = 'asking';
      transfer.holding = true;
      post({ t: 'open', id: transfer.id, ip, frame });
    };
    socket.on('data', onFirst);
    // Half-closed before its first frame was complete: nothing more can come.
    socket.on('end', () => {
      if (transfer.phase === 'first') socket.destroy();
    });
    socket.on('close', () => {
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left > 0) perIp.set(ip, left);
      else perIp.delete(ip);
      transfer.stop?.('closed', 'The connection closed');
      void transfer.work.then(() => {
        transfers.delete(transfer.id);
        post({ t: 'closed', id: transfer.id });
        if (closing && transfers.size === 0) post({ t: 'closed_all' });
      });
    });
  };

  /** An upload's raw bytes, then its upload_finish frame; reports the outcome to the server. */
  const receive = async (transfer: Transfer, uploadId: string, path: string, held: number, size: number) => {
    const { socket } = transfer;
    transfer.phase = 'receiving';
    let writer: PartialWriter;
    try {
      const known = kept.get(uploadId);
      kept.delete(uploadId);
      const hash = known && known.position === held ? known.hash : await hashFile(path, held);
      const fd = fs.openSync(path, 'r+');
      try {
        fs.ftruncateSync(fd, held);
      } catch (error) {
        fs.closeSync(fd);
        throw error;
      }
      writer = new PartialWriter(fd, held, hash);
    } catch (error) {
      log('error', 'a partial upload could not be opened', { err: String(error), upload: uploadId });
      transfer.phase = 'reporting';
      // A partial that is gone cannot be resumed; any other failure (EIO, EMFILE) may pass: the
      // bytes held stay, the client is told and resumes later.
      const gone = (error as { code?: string } | undefined)?.code === 'ENOENT';
      const outcome: UploadOutcome = gone
        ? { kind: 'refused', code: 'internal', message: 'The partial upload is gone; nothing was kept' }
        : { kind: 'cut', position: held, failed: false };
      post({ t: 'received', id: transfer.id, uploadId, outcome });
      if (!gone) failSocket(transfer, 'internal', 'The partial upload could not be read now; try again');
      return;
    }
    if (socket.destroyed || socket.readableEnded || (transfer.phase as Phase) === 'ended') {
      // Closed (or half-closed) while the partial was being reread: nothing more will come; the
      // bytes held stay.
      writer.close();
      kept.set(uploadId, { hash: writer.hash, position: writer.position });
      post({ t: 'received', id: transfer.id, uploadId, outcome: { kind: 'cut', position: held, failed: false } });
      endSocket(transfer);
      return;
    }
    const remainingAtStart = size - held;
    let remaining = remainingAtStart;
    let tail: Buffer = Buffer.alloc(0);
    let state: 'raw' | 'finish' | 'over' = remaining === 0 ? 'finish' : 'raw';
    const tooMany = `More bytes arrived than the ${remainingAtStart} announced; nothing was kept`;
    await new Promise<void>((resolve) => {
      /** Ends the reading; once every queued write is done, `outcome` is what the server hears. */
      const report = (outcome: () => UploadOutcome) => {
        if (state === 'over') return;
        state = 'over';
        transfer.stop = undefined;
        transfer.holding = true;
        socket.off('data', onData);
        socket.pause();
        writer.flush();
        const final = outcome();
        writer.close();
        if (final.kind === 'cut' && !final.failed) kept.set(uploadId, { hash: writer.hash, position: writer.position });
        if (transfer.phase !== 'ended') transfer.phase = 'reporting';
        post({ t: 'received', id: transfer.id, uploadId, outcome: final });
        resolve();
      };
      const refuse = (code: UploadRefusalCode, message: string) => report(() => ({ kind: 'refused', code, message }));
      const failed = (): UploadOutcome =>
        isNoSpace(writer.failure)
          ? { kind: 'refused', code: 'disk_full', message: 'The server ran out of disk space; nothing was kept' }
          : { kind: 'refused', code: 'internal', message: 'The upload could not be written; nothing was kept' };
      const readFinish = () => {
        if (tail.length < 4) return;
        const length = tail.readUInt32BE(0);
        if (length === 0 || length > data.maxFinishFrameBytes) return refuse('size_mismatch', tooMany);
        if (tail.length < 4 + length) return;
        if (tail.length > 4 + length) return refuse('size_mismatch', tooMany); // bytes after the frame
        const frame = parseFrame(tail.subarray(4, 4 + length));
        if (!frame || frame['type'] !== 'upload_finish') return refuse('size_mismatch', tooMany);
        // The digest once every byte is written (the hash saw each byte as it was queued); the
        // server checks the frame against its schema and the stated hash against the digest.
        report(() =>
          writer.failure !== undefined
            ? failed()
            : { kind: 'complete', sha256: writer.hash.digest('hex'), finish: frame, position: writer.position },
        );
      };
      const onData = (chunk: Buffer) => {
        transfer.lastProgressAt = Date.now();
        if (state === 'raw') {
          const take = Math.min(remaining, chunk.length);
          if (take > 0) {
            remaining -= take;
            writer.write(take === chunk.length ? chunk : chunk.subarray(0, take));
          }
          if (remaining > 0) return;
          state = 'finish';
          chunk = chunk.subarray(take);
          if (chunk.length === 0) return;
        }
        if (state !== 'finish') return;
        // Only a small frame may follow the raw bytes: bounded before it is buffered.
        tail = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
        if (tail.length > 4 + data.maxFinishFrameBytes) {
          const length = tail.readUInt32BE(0);
          if (length === 0 || length > data.maxFinishFrameBytes) return refuse('size_mismatch', tooMany);
        }
        readFinish();
      };
      writer.onFailure = () => report(failed);
      // Closed, cut, or stopped from outside (cancel, a newer connection, shutdown, idle): what
      // arrived is kept for a resume; the error frame of a stop goes out once it is reported.
      transfer.stop = (code, message) => {
        report(() => ({ kind: 'cut', position: writer.position, failed: writer.failure !== undefined }));
        if (code !== 'closed') failSocket(transfer, code, message);
      };
      socket.on('data', onData);
      // The sender half-closed before its last byte: a cut, and our side ends too. After the
      // finish frame it only waits for the answer, which ends the connection.
      socket.on('end', () => {
        if (!transfer.stop) return;
        transfer.stop('closed', '');
        endSocket(transfer);
      });
      socket.write(encodeFrame({ type: 'upload_ready', offset: held }));
      transfer.holding = false;
      if (state === 'finish') readFinish();
      if (state !== 'over') socket.resume();
    });
  };

  /**
   * `download_ready`, then the range of the blob, then the end. One chunk is read (synchronously,
   * like the uploads' writes, for the same reason) each time the socket has taken the last: a
   * receiver that stops reading holds one chunk and the socket's buffer, and the idle clock
   * closes it.
   */
  const send = async (transfer: Transfer, path: string, offset: number, length: number, ready: object) => {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (error) {
      const missing = (error as { code?: string } | undefined)?.code === 'ENOENT';
      log('error', missing ? 'a stored file is missing' : 'a stored file could not be opened', {
        err: String(error),
        path,
      });
      if (missing) failSocket(transfer, 'file_not_found', 'No such file');
      else failSocket(transfer, 'internal', 'The file could not be read now; try again');
      return;
    }
    const { socket } = transfer;
    if (transfer.phase === 'ended' || socket.destroyed) {
      fs.closeSync(fd);
      return;
    }
    transfer.phase = 'sending';
    socket.write(encodeFrame(ready));
    socket.on('data', () => {}); // a downloader sends nothing more; whatever it sends is dropped
    socket.resume();
    transfer.holding = false; // from here on, only the receiver can hold it up
    const end = offset + length;
    let position = offset;
    await new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        try {
          fs.closeSync(fd);
        } catch {
          // nothing more can be done about it
        }
        resolve();
      };
      // Two chunk buffers per download, each reused once the socket has written it: no garbage
      // per chunk, so this thread's collections (whose helpers are not niced) stay rare.
      const chunks = [Buffer.allocUnsafe(data.downloadChunkBytes), Buffer.allocUnsafe(data.downloadChunkBytes)];
      const free = [true, true];
      let draining = false;
      let sent = false;
      const pump = () => {
        while (!done && position < end && !draining) {
          const index = free.indexOf(true);
          if (index < 0) return; // a write's callback pumps again
          const chunk = chunks[index]!;
          const want = Math.min(chunk.length, end - position);
          let got = 0;
          try {
            got = fs.readSync(fd, chunk, 0, want, position);
          } catch (error) {
            log('error', 'reading a stored file failed', { err: String(error), path });
          }
          if (got === 0) {
            socket.destroy(); // shorter than recorded, or unreadable: the receiver sees a cut
            return;
          }
          position += got;
          transfer.lastProgressAt = Date.now();
          free[index] = false;
          const more = socket.write(got === chunk.length ? chunk : chunk.subarray(0, got), () => {
            free[index] = true;
            pump();
          });
          if (!more) {
            draining = true;
            socket.once('drain', () => {
              draining = false;
              pump();
            });
          }
        }
        if (!done && !sent && position >= end && free.every(Boolean)) {
          sent = true; // all written: the close that follows releases the file
          transfer.phase = 'ended';
          socket.end();
          setTimeout(() => socket.destroy(), data.closeGraceMs).unref();
        }
      };
      socket.once('close', finish);
      pump();
    });
  };

  port.on('message', (message: ToThread) => {
    switch (message.t) {
      case 'listen': {
        // Half-open allowed: a client may shut down its sending side once it has asked (a
        // downloader, or an uploader after upload_finish) and still read the answer.
        server = net.createServer({ noDelay: true, allowHalfOpen: true }, accept);
        let listening = false;
        server.on('error', (error: NodeJS.ErrnoException) => {
          if (listening) log('error', 'transfer listener error', { err: error.message });
          else post({ t: 'listen_failed', message: error.message, code: error.code });
        });
        server.listen({ host: message.host, port: message.port }, () => {
          listening = true;
          const address = server!.address();
          post({ t: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
        });
        return;
      }
      case 'receive': {
        const transfer = transfers.get(message.id);
        if (!transfer || transfer.phase !== 'asking') {
          // Gone while the server looked: the claim is given back at once.
          post({
            t: 'received',
            id: message.id,
            uploadId: message.uploadId,
            outcome: { kind: 'cut', position: message.held, failed: false },
          });
          return;
        }
        transfer.work = receive(transfer, message.uploadId, message.path, message.held, message.size);
        return;
      }
      case 'send': {
        const transfer = transfers.get(message.id);
        if (!transfer || transfer.phase !== 'asking') return;
        transfer.work = send(transfer, message.path, message.offset, message.length, message.ready);
        return;
      }
      case 'fail': {
        const transfer = transfers.get(message.id);
        if (!transfer) return;
        if (transfer.stop) transfer.stop(message.code, message.message);
        else if (transfer.phase === 'sending') transfer.socket.destroy();
        // Its bytes are being stored: a stop (a newer connection) waits for that answer instead.
        else if (transfer.phase === 'reporting' && !message.answer) return;
        else failSocket(transfer, message.code, message.message);
        return;
      }
      case 'done': {
        const transfer = transfers.get(message.id);
        if (transfer) endSocket(transfer, message.frame);
        return;
      }
      case 'forget':
        kept.delete(message.uploadId);
        return;
      case 'exempt':
        exempt.add(message.ip);
        return;
      case 'stats': {
        let pendingOutBytes = 0;
        for (const transfer of transfers.values()) {
          pendingOutBytes += transfer.socket.writableLength;
        }
        post({ t: 'stats', ask: message.ask, stats: { connections: transfers.size, pendingOutBytes } });
        return;
      }
      case 'close': {
        closing = true;
        server?.close();
        for (const transfer of transfers.values()) {
          if (transfer.stop) transfer.stop('server_shutdown', 'The server is shutting down');
          else if (transfer.phase === 'first' || transfer.phase === 'asking')
            failSocket(transfer, 'server_shutdown', 'The server is shutting down');
          else transfer.socket.destroy();
        }
        if (transfers.size === 0) post({ t: 'closed_all' });
        return;
      }
    }
  });

  // The idle and first-frame clocks.
  const every = Math.min(1000, Math.max(10, Math.min(limits.transferIdleTimeoutMs, limits.handshakeTimeoutMs) / 4));
  setInterval(() => {
    const now = Date.now();
    for (const transfer of transfers.values()) {
      if (transfer.phase === 'first') {
        if (now - transfer.openedAt > limits.handshakeTimeoutMs) {
          failSocket(
            transfer,
            'handshake_timeout',
            `No upload or download frame within ${limits.handshakeTimeoutMs} ms`,
          );
        }
        continue;
      }
      if (transfer.holding) transfer.lastProgressAt = now;
      if (now - transfer.lastProgressAt <= limits.transferIdleTimeoutMs) continue;
      const message = `No bytes moved for ${limits.transferIdleTimeoutMs} ms`;
      if (transfer.stop) transfer.stop('idle_timeout', message);
      else if (transfer.phase === 'ended' || transfer.phase === 'sending') transfer.socket.destroy();
      else failSocket(transfer, 'idle_timeout', message);
    }
  }, every).unref();
}

/** Starts the thread (it listens once told `listen`). */
export function startTransferThread(firstId: number, limits: TransferThreadLimits): Worker {
  const workerData: ThreadData = {
    firstId,
    limits,
    niceness: TRANSFER_NICENESS,
    downloadChunkBytes: DOWNLOAD_CHUNK_BYTES,
    maxFinishFrameBytes: MAX_FINISH_FRAME_BYTES,
    closeGraceMs: CLOSE_GRACE_MS,
  };
  return new Worker(`(${transferThread.toString()})()`, {
    eval: true,
    workerData,
    name: 'parley-transfers',
    stdout: false,
    stderr: false,
  });
}
