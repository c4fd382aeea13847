import type { Readable } from 'node:stream';
import { isNoSpaceError } from '../domain/errors';
import {
  ObjectMissing,
  type ByteRange,
  type ObjectHeaders,
  type ObjectStorage,
  type StoredObject,
} from './object-storage';

/**
 * Told of one storage operation: its name (`stat`, `read`, `publishFolder`,
 * `removeFolder`, `presignPut`), its result (`ok`, `NOT_FOUND` for a read of
 * an object that is not there, `STORAGE_FULL`, else `PROVIDER_UNAVAILABLE`,
 * as the contract names a failure of LOCAL storage) and its time in seconds.
 */
export type StorageCallObserver = (operation: string, result: string, seconds: number) => void;

function resultOf(err: unknown): string {
  if (err instanceof ObjectMissing) return 'NOT_FOUND';
  if (isNoSpaceError(err)) return 'STORAGE_FULL';
  return 'PROVIDER_UNAVAILABLE';
}

/**
 * LOCAL's storage (a folder or a bucket) with every operation that reaches it
 * timed and counted: one wrapper around whichever implementation is
 * configured, so the provider, the media routes and the sweeps are measured
 * alike without knowing of it. A read is timed until its stream is open, not
 * until the bytes are sent (served bytes are counted by the HTTP layer).
 * Local-only helpers (temporary paths, free space) and listings are passed
 * through untimed.
 */
export class ObservedStorage implements ObjectStorage {
  readonly shared: boolean;
  readonly presignPut?: ObjectStorage['presignPut'];
  readonly localFile?: ObjectStorage['localFile'];

  constructor(
    private readonly inner: ObjectStorage,
    private readonly observe: StorageCallObserver,
  ) {
    this.shared = inner.shared;
    const presign = inner.presignPut?.bind(inner);
    // Present exactly when the inner storage has it: its presence is what enables direct uploads.
    if (presign)
      this.presignPut = (key, headers, expires) => this.timed('presignPut', () => presign(key, headers, expires));
    const localFile = inner.localFile?.bind(inner);
    // Counted as a read: it stands for one (the bytes are then read from the file it names).
    if (localFile) this.localFile = (key) => this.timed('read', () => localFile(key));
  }

  localTempPath(nearKey: string): Promise<string> {
    return this.inner.localTempPath(nearKey);
  }

  publishFolder(staging: string, folderKey: string, describe: (fileName: string) => ObjectHeaders): Promise<void> {
    return this.timed('publishFolder', () => this.inner.publishFolder(staging, folderKey, describe));
  }

  stat(key: string): Promise<StoredObject | undefined> {
    return this.timed('stat', () => this.inner.stat(key));
  }

  read(key: string, range?: ByteRange): Promise<Readable> {
    return this.timed('read', () => this.inner.read(key, range));
  }

  removeFolder(folderKey: string): Promise<void> {
    return this.timed('removeFolder', () => this.inner.removeFolder(folderKey));
  }

  list(prefix: string): AsyncIterable<{ key: string; modifiedAt: Date }> {
    return this.inner.list(prefix);
  }

  sweepTemporary(before: Date): Promise<number> {
    return this.inner.sweepTemporary(before);
  }

  freeBytes(): Promise<number> {
    return this.inner.freeBytes();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async timed<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const value = await fn();
      this.observe(operation, 'ok', (performance.now() - started) / 1000);
      return value;
    } catch (err) {
      this.observe(operation, resultOf(err), (performance.now() - started) / 1000);
      throw err;
    }
  }
}
