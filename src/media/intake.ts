import { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { isAllowedImageType } from '../domain/content-type';
import {
  catchMediaError,
  fail,
  isNoSpaceError,
  MalformedRequestError,
  MediaFailure,
  ok,
  storageFullFailure,
  type Result,
} from '../domain/errors';
import { currentLog } from '../observability/log';
import type { ObjectStorage } from '../store/object-storage';
import { SourceStreamError, spoolToFile, type SpooledFile, type UploadStalled } from './spool';
import type { UploadsInFlight } from './uploads-in-flight';

/**
 * Where incoming bytes come from: a PUT to an upload URL, a multipart
 * `updateImage.file`, `sourceUrl`, or a confirmed direct upload read back from storage.
 */
export type IncomingOrigin = 'put' | 'multipart' | 'sourceUrl' | 'storage';

/** The storage folder near which incoming bytes are spooled before anything looks at them. */
const INCOMING = 'incoming';

/** Settings of {@link Intake}. */
export interface IntakeOptions {
  storage: ObjectStorage;
  /** Longest pause between two chunks of an incoming body (`MEDIA_UPLOAD_IDLE_TIMEOUT_MS`). */
  uploadIdleTimeoutMs: number;
  /** Below this many free bytes in the store, incoming bytes are refused as storage full (`MEDIA_MIN_FREE_BYTES`). */
  minFreeBytes: number;
  /** Told of the bytes of every body spooled in full, by origin (the server's metrics). */
  onBytesReceived?: (origin: IncomingOrigin, bytes: number) => void;
  /** Told of every body while it is being spooled (background processing yields to them). */
  uploadsInFlight?: UploadsInFlight;
}

/** A PUT whose sender stopped sending: answered 408, and the upload URL is released for a retry. */
export class StalledUpload extends Error {}

/** The failure that fits a sender's stream breaking, by where the bytes came from. */
export function incomingFailure(
  err: SourceStreamError,
  origin: IncomingOrigin,
  maxBytes: number,
  field?: string[],
): Error {
  if (err.overLimit) {
    return MediaFailure.of('FILE_TOO_LARGE', `The upload is larger than the limit of ${maxBytes} bytes`, { field });
  }
  const stalled = err.stalled ? ` (no bytes arrived for ${(err.reason as UploadStalled).idleTimeoutMs} ms)` : '';
  if (origin === 'multipart') {
    return new MalformedRequestError(
      `The file part of the multipart request is missing, malformed, cut off or stalled${stalled}`,
    );
  }
  if (origin === 'sourceUrl')
    return MediaFailure.of('INVALID_INPUT', `The download from sourceUrl broke off${stalled}`, { field });
  if (origin === 'storage') {
    return MediaFailure.of('PROVIDER_UNAVAILABLE', `Reading the upload back from LOCAL storage broke off${stalled}`, {
      provider: 'LOCAL',
    });
  }
  if (err.stalled) return new StalledUpload(`The upload stalled${stalled}; send it again`);
  return MediaFailure.of('INVALID_INPUT', 'The upload was cut off');
}

/**
 * The one way incoming bytes enter the subgraph, whatever their origin: a
 * fresh spool path under `incoming/` (removed afterwards), a free-space check,
 * the spool itself with its limits and idle timeout, and the failure each
 * broken stream stands for; a full disk becomes the server's failure.
 */
export class Intake {
  constructor(private readonly options: IntakeOptions) {}

  /** Spools incoming bytes, turning a failure of the sender's stream into the failure that fits where it came from. */
  async spool(
    source: Readable,
    spoolPath: string,
    maxBytes: number,
    origin: IncomingOrigin,
    field?: string[],
  ): Promise<SpooledFile> {
    const started = performance.now();
    const received = this.options.uploadsInFlight?.begin();
    try {
      const spooled = await spoolToFile(source, spoolPath, maxBytes, this.options.uploadIdleTimeoutMs);
      this.options.onBytesReceived?.(origin, spooled.byteSize);
      currentLog().info(
        { via: origin, bytes: spooled.byteSize, durationMs: Math.round(performance.now() - started) },
        'upload received',
      );
      return spooled;
    } catch (err) {
      if (err instanceof MediaFailure) err.error.field ??= field;
      const failure = err instanceof SourceStreamError ? incomingFailure(err, origin, maxBytes, field) : err;
      currentLog().info(
        { via: origin, durationMs: Math.round(performance.now() - started), error: String((failure as Error).message) },
        'upload refused',
      );
      throw failure;
    } finally {
      received?.();
    }
  }

  /**
   * Runs `fn` with a fresh path for incoming bytes and removes whatever is left
   * there afterwards; failures thrown as `MediaFailure` come back as results.
   */
  async withIncomingFile<T>(fn: (spoolPath: string) => Promise<Result<T>>, receivesBytes = true): Promise<Result<T>> {
    try {
      // Metadata-only writes still go through when space is low: they add a row, not bytes.
      if (receivesBytes && (await this.options.storage.freeBytes()) < this.options.minFreeBytes) {
        return this.storageFull();
      }
      const spoolPath = await this.options.storage.localTempPath(INCOMING);
      try {
        return await catchMediaError(() => fn(spoolPath));
      } finally {
        await fs.rm(spoolPath, { force: true });
      }
    } catch (err) {
      if (isNoSpaceError(err)) return this.storageFull();
      throw err;
    }
  }

  /** The server's failure, logged as an error for the operator (contract section 6). */
  private storageFull<T>(): Result<T> {
    currentLog().error({ minFreeBytes: this.options.minFreeBytes }, 'LOCAL storage is full: incoming bytes refused');
    return storageFullFailure();
  }
}

/** The image type decided from the bytes, which must be allowed and match the declared type, if any. */
export function decidedImageType(sniffed: string | undefined, declared: string | undefined): Result<string> {
  if (!sniffed || !isAllowedImageType(sniffed)) {
    return fail(
      'UNSUPPORTED_MEDIA_TYPE',
      `The bytes are ${sniffed ?? 'of no recognised type'}, not an allowed image type`,
    );
  }
  if (declared && declared !== sniffed) {
    return fail('UNSUPPORTED_MEDIA_TYPE', `The bytes are ${sniffed}, not the declared ${declared}`);
  }
  return ok(sniffed);
}
