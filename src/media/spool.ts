import { createHash } from 'node:crypto';
import { close, createWriteStream, fdatasync, fsync, open, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { SNIFF_BYTES } from '../domain/content-type';
import { isNoSpaceError, MediaFailure, StorageFullError } from '../domain/errors';

/**
 * Bytes written between two early flushes to disk while a body arrives: the
 * disk writes back what has arrived while the rest is still on its way, so
 * the final fsync waits for the tail only, not for the whole body.
 */
const WRITE_BEHIND_BYTES = 4 * 1024 * 1024;
/**
 * Early flushes in flight at once, over all bodies: each holds a thread of
 * libuv's pool (4 by default) until the disk is done, and the writes of every
 * body need that pool too.
 */
const WRITE_BEHIND_AT_ONCE = 2;
let writeBehindInFlight = 0;

/** Bytes received in full, written and fsynced to a temporary file. */
export interface SpooledFile {
  path: string;
  byteSize: number;
  sha256: string;
  /** The first bytes, for deciding the content type. */
  head: Buffer;
}

/**
 * Streams `source` into a new file at `tempPath`, counting, hashing and keeping
 * the first bytes on the way; never holds the whole body in memory. Over
 * `maxBytes` it stops reading, removes the file and throws FILE_TOO_LARGE; a
 * sender that pauses longer than `idleTimeoutMs` between chunks (or before
 * the first) is cut off with `SourceStreamError` (`stalled`). Any failure
 * removes the file. A stream that was truncated at a parser's limit (busboy's
 * `limit` event) counts as over the limit, never as a complete body.
 */
export async function spoolToFile(
  source: Readable,
  tempPath: string,
  maxBytes: number,
  idleTimeoutMs: number,
): Promise<SpooledFile> {
  const hash = createHash('sha256');
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let byteSize = 0;
  // An error of the source is the sender's doing (cut off, malformed multipart); one of the disk is ours.
  // Listened for before the file is opened: the sender may fail while it opens.
  let sourceError: unknown;
  source.once('error', (err) => (sourceError = err));
  // The descriptor is ours, not the stream's: it stays open until the last early flush is done and the final fsync.
  const fd = await openFile(tempPath, 'wx').catch((err: unknown) => {
    throw isNoSpaceError(err) ? new StorageFullError() : err;
  });
  const file = createWriteStream('', { fd, autoClose: false });
  // One timer for the whole body, pushed back on every chunk (refresh, not a new timer per chunk).
  // Failing the file (not the source) ends the pipeline and still lets the request be answered.
  const idle = setTimeout(() => file.destroy(new UploadStalled(idleTimeoutMs)), idleTimeoutMs);
  source.once('limit', () =>
    source.destroy(Object.assign(new Error('The file part is over the limit'), { status: 413 })),
  );
  let flushedUpTo = 0;
  let flushing: Promise<void> | undefined;
  const writeBehind = () => {
    if (flushing || byteSize - flushedUpTo < WRITE_BEHIND_BYTES || writeBehindInFlight >= WRITE_BEHIND_AT_ONCE) return;
    flushedUpTo = byteSize;
    writeBehindInFlight += 1;
    // A failure here is met again by the final fsync.
    flushing = new Promise<void>((resolve) => fdatasync(fd, () => resolve())).finally(() => {
      writeBehindInFlight -= 1;
      flushing = undefined;
    });
  };
  // Counted, hashed and sniffed as each chunk passes on its way to the file: a listener, not a stream stage of its own,
  // which would cost a hop per chunk. It runs before the pipe's own listener writes the chunk.
  source.on('data', (chunk: Buffer) => {
    idle.refresh();
    byteSize += chunk.length;
    if (byteSize > maxBytes) {
      file.destroy(MediaFailure.of('FILE_TOO_LARGE', `The upload is larger than the limit of ${maxBytes} bytes`));
      return;
    }
    if (headLength < SNIFF_BYTES) {
      headChunks.push(chunk.subarray(0, SNIFF_BYTES - headLength));
      headLength += Math.min(chunk.length, SNIFF_BYTES - headLength);
    }
    hash.update(chunk);
    writeBehind();
  });
  try {
    await pipeline(source, file);
    await flushing;
    await fsyncFile(fd);
  } catch (err) {
    await flushing;
    await closeFile(fd).catch(() => undefined);
    await fs.rm(tempPath, { force: true });
    if (err instanceof MediaFailure) throw err;
    if (isNoSpaceError(err)) throw new StorageFullError();
    if (err instanceof UploadStalled) throw new SourceStreamError(err);
    if (sourceError !== undefined) throw new SourceStreamError(sourceError);
    // The sender may have gone (aborted, reset) before this listener was attached: then the source is already
    // destroyed and the error is not the disk's (which would carry a syscall).
    if (source.destroyed && (err as NodeJS.ErrnoException).syscall === undefined) throw new SourceStreamError(err);
    throw err;
  } finally {
    clearTimeout(idle);
  }
  await closeFile(fd);
  return { path: tempPath, byteSize, sha256: hash.digest('hex'), head: Buffer.concat(headChunks) };
}

const openFile = promisify(open);
const fsyncFile = promisify(fsync);
const closeFile = promisify(close);

/** The stream being spooled failed on the sender's side (cut off, malformed, over a parser's limit), not on the disk. */
export class SourceStreamError extends Error {
  constructor(readonly reason: unknown) {
    super('The incoming stream failed');
    this.name = 'SourceStreamError';
  }

  /** graphql-upload-minimal ends a multipart file over its maxFileSize with a 413 error. */
  get overLimit(): boolean {
    return (this.reason as { status?: number } | undefined)?.status === 413;
  }

  /** The sender stopped sending for longer than the idle timeout. */
  get stalled(): boolean {
    return this.reason instanceof UploadStalled;
  }
}

/** No byte arrived for `MEDIA_UPLOAD_IDLE_TIMEOUT_MS`. */
export class UploadStalled extends Error {
  constructor(readonly idleTimeoutMs: number) {
    super(`No bytes arrived for ${idleTimeoutMs} ms`);
    this.name = 'UploadStalled';
  }
}
