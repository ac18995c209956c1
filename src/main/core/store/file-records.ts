/**
 * The files' rows in the history database (migration 004): stored contents (`blobs`), finished
 * files (`files`) and uploads (`uploads`). The bytes themselves are the file store's
 * (../files/file-store.ts); this is only what they are and who sent them where.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { TableBytes } from './tree-bytes.ts';
import type { FileInfo, FileKind } from '../../../shared/protocol/features/files.ts';

type Row = Record<string, string | number | null | Uint8Array>;

export interface UploadRow {
  id: string;
  owner: string;
  key: string;
  /** The conversation key (room id or dm:…) it goes to. */
  conv: string;
  /** Sanitized. */
  name: string;
  size: number;
  /** The checked thumbnail (its bytes wait in partial/<id>.thumb until the upload finishes). */
  thumb: { size: number; width: number; height: number } | undefined;
  /** Dimensions the sender stated (videos). */
  width: number | undefined;
  height: number | undefined;
  createdAt: number;
  touchedAt: number;
  /** Set once finished: the same key answers this file. */
  fileId: string | undefined;
}

export interface FileRow {
  id: string;
  sha256: string;
  name: string;
  size: number;
  type: string;
  kind: FileKind;
  width: number | undefined;
  height: number | undefined;
  thumb:
    | { sha256: string; type: 'image/webp' | 'image/jpeg' | 'image/png'; width: number; height: number; size: number }
    | undefined;
  owner: string;
  conv: string;
  createdAt: number;
  /** The seq of the message of `conv` that carries it; undefined until sent. */
  messageSeq: number | undefined;
}

/** A file as messages carry it. */
export function fileInfo(row: FileRow): FileInfo {
  const info: FileInfo = {
    id: row.id,
    name: row.name,
    size: row.size,
    sha256: row.sha256,
    type: row.type,
    kind: row.kind,
  };
  if (row.width !== undefined && row.height !== undefined) {
    info.width = row.width;
    info.height = row.height;
  }
  if (row.thumb) {
    const { type, width, height, size } = row.thumb;
    info.thumb = { type, width, height, size };
  }
  return info;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function toUpload(r: Row): UploadRow {
  return {
    id: r['id'] as string,
    owner: r['owner'] as string,
    key: r['key'] as string,
    conv: r['conv'] as string,
    name: r['name'] as string,
    size: r['size'] as number,
    thumb:
      typeof r['thumb_bytes'] === 'number'
        ? { size: r['thumb_bytes'], width: r['thumb_width'] as number, height: r['thumb_height'] as number }
        : undefined,
    width: num(r['width']),
    height: num(r['height']),
    createdAt: r['created_at'] as number,
    touchedAt: r['touched_at'] as number,
    fileId: (r['file_id'] as string | null) ?? undefined,
  };
}

function toFile(r: Row): FileRow {
  const thumbSha = r['thumb_sha256'] as string | null;
  return {
    id: r['id'] as string,
    sha256: r['sha256'] as string,
    name: r['name'] as string,
    size: r['size'] as number,
    type: r['type'] as string,
    kind: r['kind'] as FileKind,
    width: num(r['width']),
    height: num(r['height']),
    thumb:
      thumbSha === null
        ? undefined
        : {
            sha256: thumbSha,
            type: r['thumb_type'] as 'image/webp' | 'image/jpeg' | 'image/png',
            width: r['thumb_width'] as number,
            height: r['thumb_height'] as number,
            size: r['thumb_size'] as number,
          },
    owner: r['owner'] as string,
    conv: r['conv'] as string,
    createdAt: r['created_at'] as number,
    messageSeq: num(r['message_seq']),
  };
}

export class FileRecords {
  private readonly db: DatabaseSync;
  private readonly wrote: () => void;
  private readonly stmt: Record<
    | 'storedBytes'
    | 'hasBlob'
    | 'insertBlob'
    | 'uploadByKey'
    | 'uploadById'
    | 'uploadsInFlight'
    | 'insertUpload'
    | 'touchUpload'
    | 'deleteUpload'
    | 'finishUpload'
    | 'insertFile'
    | 'fileById'
    | 'attach',
    StatementSync
  >;

  /** What the tables take (for metadataBytes). */
  private readonly size: TableBytes;

  /** `wrote` is told after every write (the history store's idle WAL checkpoint). */
  constructor(db: DatabaseSync, wrote: () => void) {
    this.db = db;
    this.size = new TableBytes(db, ['blobs', 'files', 'uploads']);
    this.wrote = () => {
      this.size.measure();
      wrote();
    };
    const uploadCols =
      'id, owner, key, conv, name, size, thumb_bytes, thumb_width, thumb_height, width, height, created_at, touched_at, file_id';
    const fileCols =
      'id, sha256, name, size, type, kind, width, height, thumb_sha256, thumb_type, thumb_width, thumb_height, thumb_size, owner, conv, created_at, message_seq';
    this.stmt = {
      storedBytes: db.prepare('SELECT coalesce(sum(size), 0) AS bytes FROM blobs'),
      hasBlob: db.prepare('SELECT 1 FROM blobs WHERE sha256 = ?'),
      insertBlob: db.prepare('INSERT INTO blobs (sha256, size, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      uploadByKey: db.prepare(`SELECT ${uploadCols} FROM uploads WHERE owner = ? AND key = ?`),
      uploadById: db.prepare(`SELECT ${uploadCols} FROM uploads WHERE id = ?`),
      uploadsInFlight: db.prepare(`SELECT ${uploadCols} FROM uploads WHERE file_id IS NULL`),
      insertUpload: db.prepare(
        `INSERT INTO uploads (${uploadCols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
      ),
      touchUpload: db.prepare('UPDATE uploads SET touched_at = ? WHERE id = ?'),
      deleteUpload: db.prepare('DELETE FROM uploads WHERE id = ? AND file_id IS NULL'),
      finishUpload: db.prepare('UPDATE uploads SET file_id = ? WHERE id = ? AND file_id IS NULL'),
      insertFile: db.prepare(
        `INSERT INTO files (${fileCols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
      ),
      fileById: db.prepare(`SELECT ${fileCols} FROM files WHERE id = ?`),
      attach: db.prepare('UPDATE files SET message_seq = ? WHERE id = ? AND message_seq IS NULL'),
    };
  }

  /**
   * Bytes of the database the files' rows take: the history size cap is about messages, so it
   * leaves these out (a message's attachments, stored with it, do count). Measured after each
   * write of these tables with dbstat, one b-tree at a time (its fast aggregate form).
   */
  get metadataBytes(): number {
    return this.size.bytes;
  }

  /** Bytes of all stored contents (each counted once). */
  storedBytes(): number {
    return (this.stmt.storedBytes.get() as Row)['bytes'] as number;
  }

  hasBlob(sha256: string): boolean {
    return this.stmt.hasBlob.get(sha256) !== undefined;
  }

  uploadByKey(owner: string, key: string): UploadRow | undefined {
    const row = this.stmt.uploadByKey.get(owner, key) as Row | undefined;
    return row ? toUpload(row) : undefined;
  }

  uploadById(id: string): UploadRow | undefined {
    const row = this.stmt.uploadById.get(id) as Row | undefined;
    return row ? toUpload(row) : undefined;
  }

  /** Every upload not finished yet (at start: what the partials folder should hold). */
  uploadsInFlight(): UploadRow[] {
    return (this.stmt.uploadsInFlight.all() as Row[]).map(toUpload);
  }

  createUpload(row: Omit<UploadRow, 'fileId'>): void {
    this.stmt.insertUpload.run(
      row.id,
      row.owner,
      row.key,
      row.conv,
      row.name,
      row.size,
      row.thumb?.size ?? null,
      row.thumb?.width ?? null,
      row.thumb?.height ?? null,
      row.width ?? null,
      row.height ?? null,
      row.createdAt,
      row.touchedAt,
    );
    this.wrote();
  }

  touchUpload(id: string, now: number): void {
    this.stmt.touchUpload.run(now, id);
    this.wrote();
  }

  /** Forgets an unfinished upload (cancelled, refused, expired); a finished one stays. */
  deleteUpload(id: string): void {
    this.stmt.deleteUpload.run(id);
    this.wrote();
  }

  /**
   * Records a finished upload in one transaction: its content(s) in `blobs` (a content stored
   * before is not added again), the file, and the upload's link to it.
   */
  finishUpload(uploadId: string, file: Omit<FileRow, 'messageSeq'>, now: number): void {
    const s = this.stmt;
    this.db.exec('BEGIN');
    try {
      s.insertBlob.run(file.sha256, file.size, now);
      if (file.thumb) s.insertBlob.run(file.thumb.sha256, file.thumb.size, now);
      s.insertFile.run(
        file.id,
        file.sha256,
        file.name,
        file.size,
        file.type,
        file.kind,
        file.width ?? null,
        file.height ?? null,
        file.thumb?.sha256 ?? null,
        file.thumb?.type ?? null,
        file.thumb?.width ?? null,
        file.thumb?.height ?? null,
        file.thumb?.size ?? null,
        file.owner,
        file.conv,
        file.createdAt,
      );
      if (s.finishUpload.run(file.id, uploadId).changes !== 1) throw new Error(`upload ${uploadId} is not in flight`);
      this.db.exec('COMMIT');
      this.wrote();
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  fileById(id: string): FileRow | undefined {
    const row = this.stmt.fileById.get(id) as Row | undefined;
    return row ? toFile(row) : undefined;
  }

  /** Marks a file as carried by message `seq` of its conversation; false if a message already carries it. */
  attach(fileId: string, seq: number): boolean {
    return this.stmt.attach.run(seq, fileId).changes === 1;
  }
}
