import type { ProviderName } from './model';

/** Stable error codes of the public contract. */
export type MediaErrorCode =
  | 'INVALID_ID'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'PROVIDER_NOT_CONFIGURED'
  | 'UNSUPPORTED_BY_PROVIDER'
  | 'UNAUTHORIZED'
  | 'FILE_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PROVIDER_REJECTED'
  | 'PROVIDER_UNAVAILABLE'
  | 'CONFLICT'
  | 'LIMIT_EXCEEDED';

/** An expected failure, returned (never thrown) and shown to clients as a `MediaUserError`. */
export interface MediaError {
  code: MediaErrorCode;
  message: string;
  field?: string[];
  provider?: ProviderName;
  retryable: boolean;
  /** Set when the subgraph's own storage is full, so HTTP answers can say 507 (never shown in `userErrors`). */
  storageFull?: true;
}

/** The outcome of an operation that can fail in an expected way. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: MediaError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** An expected failure; `retryable` follows from the code (only PROVIDER_UNAVAILABLE can succeed later). */
export function mediaError(
  code: MediaErrorCode,
  message: string,
  extra: { field?: string[]; provider?: ProviderName } = {},
): MediaError {
  return { code, message, ...extra, retryable: code === 'PROVIDER_UNAVAILABLE' };
}

export function fail<T = never>(
  code: MediaErrorCode,
  message: string,
  extra: { field?: string[]; provider?: ProviderName } = {},
): Result<T> {
  return { ok: false, error: mediaError(code, message, extra) };
}

/**
 * Thrown from deep inside a stream pipeline (where returning is not possible)
 * and turned back into a `Result` at the boundary by `catchMediaError`.
 */
export class MediaFailure extends Error {
  constructor(readonly error: MediaError) {
    super(error.message);
    this.name = 'MediaFailure';
  }

  static of(code: MediaErrorCode, message: string, extra: { field?: string[]; provider?: ProviderName } = {}) {
    return new MediaFailure(mediaError(code, message, extra));
  }
}

/** Runs `fn`, turning a thrown `MediaFailure` into a failed `Result`; anything else is a real bug and rethrown. */
export async function catchMediaError<T>(fn: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof MediaFailure) return { ok: false, error: err.error };
    throw err;
  }
}

/**
 * The request itself is malformed in a way only the transport can say (a
 * multipart body with a missing or broken file part): answered as HTTP 400,
 * not as a `userError`, like malformed JSON would be.
 */
export class MalformedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedRequestError';
  }
}

/**
 * The subgraph's own storage is full (ENOSPC, EDQUOT, or free space under
 * `MEDIA_MIN_FREE_BYTES`): the server's failure, never the client's. Upload
 * URLs answer 507; mutations answer PROVIDER_UNAVAILABLE, retryable.
 */
export class StorageFullError extends Error {
  constructor(message = 'The storage of the subgraph is full') {
    super(message);
    this.name = 'StorageFullError';
  }
}

/** Whether an error means the disk (or the quota) is full: the file system's, or SQLite's. */
export function isNoSpaceError(err: unknown): boolean {
  if (err instanceof StorageFullError) return true;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

/** The failure a client sees when LOCAL storage is full: the server's, retryable (contract section 6). */
export function storageFullFailure<T>(): Result<T> {
  return {
    ok: false,
    error: {
      code: 'PROVIDER_UNAVAILABLE',
      message: 'The storage of the subgraph is full; try again later',
      provider: 'LOCAL',
      retryable: true,
      storageFull: true,
    },
  };
}
