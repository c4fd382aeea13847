import DataLoader from 'dataloader';
import type { FileRecord, ImageRecord } from '../domain/model';
import type { MediaIndex } from '../store/media-index';

/** Keys per batched statement; well under SQLite's limit on bound parameters. */
export const MAX_BATCH_SIZE = 500;

/** One set per request, so a router's `_entities` call with hundreds of representations costs one statement per kind. */
export interface Loaders {
  imagesByProductId: DataLoader<string, ImageRecord[]>;
  imageById: DataLoader<string, ImageRecord | null>;
  filesByProductId: DataLoader<string, FileRecord[]>;
  fileById: DataLoader<string, FileRecord | null>;
}

/**
 * Builds a request's loaders. `batch: false` reads one key per statement and
 * caches nothing: the naive resolver the batching benchmark compares against.
 */
export function createLoaders(index: MediaIndex, { batch = true }: { batch?: boolean } = {}): Loaders {
  /** A DataLoader over one batched index read, answering `missing` for keys the read did not find. */
  const batched = <V>(
    read: (keys: readonly string[]) => Promise<Map<string, V>>,
    missing: () => V,
  ): DataLoader<string, V> =>
    new DataLoader(
      async (keys) => {
        const found = await read(keys);
        return keys.map((key) => found.get(key) ?? missing());
      },
      batch ? { maxBatchSize: MAX_BATCH_SIZE } : { batch: false, cache: false },
    );
  return {
    imagesByProductId: batched(
      (ids) => index.imagesByProductIds(ids),
      () => [],
    ),
    imageById: batched<ImageRecord | null>(
      (ids) => index.imagesByIds(ids),
      () => null,
    ),
    filesByProductId: batched(
      (ids) => index.filesByProductIds(ids),
      () => [],
    ),
    fileById: batched<FileRecord | null>(
      (ids) => index.filesByIds(ids),
      () => null,
    ),
  };
}

/**
 * Forgets everything this request's loaders read: called after every write,
 * so fields resolved later in the same operation (the payload, the next
 * mutation) read the store as the write left it.
 */
export function forgetReads(loaders: Loaders): void {
  loaders.imagesByProductId.clearAll();
  loaders.imageById.clearAll();
  loaders.filesByProductId.clearAll();
  loaders.fileById.clearAll();
}
