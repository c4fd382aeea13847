import type { Readable } from 'node:stream';

/** What storage knows of one stored object. */
export interface StoredObject {
  /** Bytes. */
  size: number;
  modifiedAt: Date;
  /** The type it was stored with, where storage keeps one (S3); only what the uploader declared. */
  contentType?: string;
}

/** Headers an object is stored with, for whoever serves it straight from storage (a CDN in front of a bucket). */
export interface ObjectHeaders {
  contentType: string;
  cacheControl?: string;
}

/** An inclusive byte range, as HTTP `Range` counts. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where LOCAL's bytes live, addressed by keys that the layout
 * (`providers/local/layout.ts`) makes, never by client input. Two
 * implementations, chosen by `MEDIA_STORAGE_URL`: {@link FolderStorage} (a
 * folder on this machine) and {@link S3Storage} (an S3-compatible bucket).
 *
 * Bytes always arrive in a local file first (spooled, checked, rendered);
 * storage then publishes a whole folder of them under one key. Readers find
 * objects through index rows, which are written only after publishing, so a
 * reader never sees a revision in part.
 */
export interface ObjectStorage {
  /** True when several processes may share these objects (their sweeps then spare work in flight elsewhere). */
  readonly shared: boolean;
  /**
   * A fresh local path (not yet created) for bytes on their way in: a spool
   * file or a staging folder, on the local disk this storage publishes from.
   * `nearKey` is the folder the bytes will be published under.
   */
  localTempPath(nearKey: string): Promise<string>;
  /**
   * Publishes every file of the local folder `staging` as `<folderKey>/<name>`
   * and removes `staging`. `describe` gives each file's stored headers.
   * Rejects (leaving nothing under `folderKey`) when any file fails, or when
   * `staging` cannot be read or holds no file.
   */
  publishFolder(staging: string, folderKey: string, describe: (fileName: string) => ObjectHeaders): Promise<void>;
  /** The object's size and time, or undefined when there is none. */
  stat(key: string): Promise<StoredObject | undefined>;
  /** The object's bytes, or the inclusive `range` of them, streamed; rejects with {@link ObjectMissing} when there is none. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /**
   * Present where objects are files on this machine (a folder): the object's
   * own path, to be read in place (never written, moved or kept open past the
   * read), which spares a local copy before decoding; rejects with
   * {@link ObjectMissing} when there is none.
   */
  localFile?(key: string): Promise<string>;
  /**
   * Present where clients can send bytes straight to storage (S3; used only
   * with `MEDIA_S3_DIRECT_UPLOADS`): a presigned PUT URL for `key` that takes
   * exactly `contentLength` bytes sent as `contentType` (both signed), for
   * `expiresInSeconds`.
   */
  presignPut?(
    key: string,
    headers: { contentType: string; contentLength: number },
    expiresInSeconds: number,
  ): Promise<string>;
  /** Removes every object under `folderKey/`. Removing what is not there is no error. */
  removeFolder(folderKey: string): Promise<void>;
  /** Every object under `prefix/` (every object at all for `''`), in no particular order. */
  list(prefix: string): AsyncIterable<{ key: string; modifiedAt: Date }>;
  /** Removes local temporary paths made before `before` (left by a crash); returns how many. */
  sweepTemporary(before: Date): Promise<number>;
  /** Bytes free on the local disk incoming bytes are spooled to (and, for a folder, stored on). */
  freeBytes(): Promise<number>;
  close(): Promise<void>;
}

/** Prefix of local temporary paths; they are invisible to readers and swept. */
export const TEMP_PREFIX = '.tmp-';

/** A read of an object that is not there (removed since it was found, or never stored). */
export class ObjectMissing extends Error {
  constructor(key: string) {
    super(`No stored object ${key}`);
    this.name = 'ObjectMissing';
  }
}
