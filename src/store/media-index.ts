import type { FileRecord, ImageRecord } from '../domain/model';
import { asGraphQLInt, clampOrdering } from '../domain/ordering';
import type { PoolUsage } from '../observability/metrics';

/** The columns of an image that a write may change. */
export type ImagePatch = Partial<Omit<ImageRecord, 'id' | 'provider' | 'productId' | 'imageId' | 'createdAt'>>;
/** The columns of a file that a write may change. */
export type FilePatch = Partial<Omit<FileRecord, 'id' | 'provider' | 'productId' | 'fileId' | 'createdAt'>>;

/** Per-product limits checked in the transaction that adds a placeholder or an image (contract section 6). */
export interface ProductLimits {
  /** Images of one product, whatever their status. */
  maxImages: number;
  /** Images and files of one product still waiting for their bytes (`AWAITING_UPLOAD`). */
  maxPendingUploads: number;
}

/** How a new row is added: under which limits, and whether it is a placeholder and until when its URL works. */
export interface InsertOptions {
  limits?: ProductLimits;
  /** Unix seconds at which the placeholder's upload URL expires; the sweep removes it a grace period later. */
  pendingUntil?: number;
  /** The upload token whose bytes this write records: marked used in the same transaction, so it never stores twice. */
  spendToken?: string;
  /**
   * The image is a draft the index has not recorded yet (a remote provider's
   * image seen for the first time, a new placeholder): inserted when missing.
   * Without it, a write to an image that is not there (deleted meanwhile)
   * writes nothing, so a delete is never undone by a write that read the row before it.
   */
  isNew?: boolean;
  /** The write records a pending revision this process is processing, held under this lease. */
  lease?: ProcessingLease;
}

/** A process's hold on processing an image: other processes leave it alone until `until` (Unix seconds). */
export interface ProcessingLease {
  /** The holding process's id, new at every start. */
  owner: string;
  until: number;
}

/** Which per-product limit an insert would pass. */
export type LimitExceeded = { limitExceeded: 'images' | 'pendingUploads'; limit: number };

/** The read statements the index runs, by kind; a batched load is one statement. */
export type ReadKind = 'imagesByProduct' | 'imagesById' | 'filesByProduct' | 'filesById';

/** A deleted row and every blob key it held: its current bytes and its retired revisions. */
export interface Deleted<T> {
  record: T;
  blobKeys: string[];
}

/** A row as a write left it, and as it was before (so the caller can drop a replaced revision). */
export interface Written<T> {
  before: T;
  after: T;
}

/**
 * The subgraph's index of the images and files it has written or been told
 * about, for every provider: rows, per-product rules (one thumbnail, limits)
 * and the upload-token bookkeeping. Two implementations, chosen by
 * `MEDIA_DATABASE_URL`: {@link SqliteMediaIndex} (one process) and
 * {@link PostgresMediaIndex} (any number of replicas). Every method is atomic;
 * batched reads take many keys and run one statement each.
 */
export interface MediaIndex {
  /** True when several processes may share this index (their sweeps then spare work in flight elsewhere). */
  readonly shared: boolean;
  /** How many read statements ran in this process, by kind (for batching tests and metrics). */
  readonly reads: Record<ReadKind, number>;

  /** Every image of each product (disabled ones too), by ordering, then creation. */
  imagesByProductIds(productIds: readonly string[]): Promise<Map<string, ImageRecord[]>>;
  imagesByIds(ids: readonly string[]): Promise<Map<string, ImageRecord>>;
  /** Every file of each product, by creation. */
  filesByProductIds(productIds: readonly string[]): Promise<Map<string, FileRecord[]>>;
  filesByIds(ids: readonly string[]): Promise<Map<string, FileRecord>>;

  /** Unbatched lookups for writers, outside any request's loaders. */
  getImage(id: string): Promise<ImageRecord | undefined>;
  getFile(id: string): Promise<FileRecord | undefined>;
  fileByBlobKey(blobKey: string): Promise<FileRecord | undefined>;

  /** The ordering a new image of the product gets: after every existing one, never past `MAX_ORDERING`. */
  nextOrdering(productId: string): Promise<number>;
  /**
   * Which limit adding a row to the product would pass, if any: `newImage`
   * counts against the image limit, `newPlaceholder` against the pending one.
   */
  limitExceeded(
    productId: string,
    limits: ProductLimits,
    adding: { newImage: boolean; newPlaceholder: boolean },
  ): Promise<LimitExceeded | undefined>;

  /**
   * Applies `patch` to an image; with `makeThumbnail` the product's other
   * thumbnail is cleared in the same transaction. Undefined when there is no
   * such image.
   */
  updateImage(
    id: string,
    patch: ImagePatch,
    options?: { makeThumbnail?: boolean },
  ): Promise<Written<ImageRecord> | undefined>;
  /**
   * Applies `patch` to the image; a draft (`isNew`) the index has not seen is
   * inserted first (within `limits`, checked in the same transaction).
   * Undefined, with nothing written, when the image is not there and is no draft.
   */
  upsertImage(
    image: ImageRecord,
    patch: ImagePatch,
    options?: { makeThumbnail?: boolean } & InsertOptions,
  ): Promise<Written<ImageRecord> | LimitExceeded | undefined>;
  /** Adds a file, unless it would pass `limits` (checked in the same transaction). */
  insertFileWithin(file: FileRecord, options: InsertOptions): Promise<LimitExceeded | undefined>;
  /** Applies `patch` to a file (and spends `options.spendToken` in the same transaction); undefined when there is none. */
  updateFile(id: string, patch: FilePatch, options?: { spendToken?: string }): Promise<Written<FileRecord> | undefined>;
  /**
   * Deletes an image, its upload-token record and its retired revisions in
   * one transaction; returns the row as it was and every blob key it held
   * (current, pending and retired), or undefined when there was none. The bytes are the
   * caller's to remove, after this commits.
   */
  deleteImage(id: string): Promise<Deleted<ImageRecord> | undefined>;
  /** As {@link deleteImage}, for a file. */
  deleteFile(id: string): Promise<Deleted<FileRecord> | undefined>;
  /**
   * Forgets the revisions retired before `retiredBefore` (Unix seconds) and
   * returns their blob keys, whose bytes the caller then removes. A write that
   * moves a row to a new blob key retires the old one in its transaction, so
   * it stays referenced (and served) until then.
   */
  takeRetiredBlobKeys(retiredBefore: number): Promise<string[]>;
  /**
   * Sets the ordering of each listed image of `productId`, in one transaction;
   * an image whose ordering does not change keeps its `updatedAt`. False, with
   * nothing changed, when any of them is no longer an image of that product.
   */
  setOrderings(productId: string, orderings: readonly { id: string; ordering: number }[]): Promise<boolean>;
  /**
   * Takes up to `limit` images whose pending revision nobody holds (no lease,
   * or one that ended before `leaseEndedBefore`, Unix seconds) and gives them
   * `lease`; each is taken by one process only, however many ask at once.
   */
  claimProcessing(lease: ProcessingLease, leaseEndedBefore: number, limit: number): Promise<ImageRecord[]>;
  /** Up to `limit` images with stored bytes but no ThumbHash yet (processed before there were any), oldest first. */
  imagesWithoutSummary(limit: number): Promise<ImageRecord[]>;
  /**
   * Records the ThumbHash and dominant colour of the revision `blobKey`, if
   * it is still the image's current one; false (nothing written) otherwise.
   */
  setImageSummary(id: string, blobKey: string, summary: { thumbhash: string; dominantColor: string }): Promise<boolean>;
  /** Extends to `lease.until` the leases `lease.owner` holds on the images `ids` (those it is still processing). */
  renewProcessingLeases(lease: ProcessingLease, ids: readonly string[]): Promise<void>;
  /** Ends every lease `owner` holds, so any process may take its work up at once (at shutdown). */
  releaseProcessingLeases(owner: string): Promise<void>;
  /**
   * Records the outcome of processing `pendingBlobKey` and ends the lease, if
   * the image still waits for that revision under `owner`'s lease; undefined,
   * with nothing written, when it does not (deleted, replaced by a newer
   * upload, or taken up by another process after the lease ran out).
   */
  completeProcessing(
    id: string,
    pendingBlobKey: string,
    owner: string,
    patch: ImagePatch,
    options?: { makeThumbnail?: boolean },
  ): Promise<Written<ImageRecord> | undefined>;
  /** Adds rows as they are, in one transaction (seeding catalogues for tests and benchmarks). */
  insertAll(rows: { images?: readonly ImageRecord[]; files?: readonly FileRecord[] }): Promise<void>;

  /**
   * Deletes placeholders (`AWAITING_UPLOAD`) whose upload URL expired before
   * `cutoffSeconds` and whose bytes are not arriving right now (no claim in
   * progress), and the token records that expired before `tokensExpiredBefore`.
   * Returns the ids deleted.
   */
  sweepExpiredPlaceholders(cutoffSeconds: number, tokensExpiredBefore: number): Promise<string[]>;

  /** Records `tokenId` as the only upload token of `targetId` that may still store bytes. */
  setCurrentUploadToken(targetId: string, tokenId: string, expiresAt: number): Promise<void>;
  /** Whether `tokenId` is the newest upload token issued for `targetId`. */
  isCurrentUploadToken(targetId: string, tokenId: string): Promise<boolean>;
  /** The newest upload token issued for `targetId` and when it expires (Unix seconds), if any was. */
  currentUploadToken(targetId: string): Promise<{ tokenId: string; expiresAt: number } | undefined>;
  /** Whether a token's upload is being stored (`IN_PROGRESS`) or was stored (`USED`); undefined when neither. */
  uploadClaimState(tokenId: string): Promise<'IN_PROGRESS' | 'USED' | undefined>;
  /**
   * Claims an upload token for one upload, in one statement with the check
   * that it is still the newest for its target. False when it is not, or is
   * in use or spent: a token stores bytes at most once.
   */
  claimUploadToken(tokenId: string, targetId: string, expiresAt: number): Promise<boolean>;
  /** A refused upload gives its token back, so the client may retry with correct bytes until it expires. */
  releaseUploadToken(tokenId: string): Promise<void>;
  /**
   * Forgets claims of tokens expired before `expiredBefore` (Unix seconds),
   * and releases claims still in progress that were taken before
   * `inProgressClaimedBefore`: left by a crash, as no request can last that long.
   */
  sweepUploadClaims(expiredBefore: number, inProgressClaimedBefore: number): Promise<void>;

  /** Every blob key a row names, is processing, or a retired revision holds (images and files), for the orphan sweep. */
  referencedBlobKeys(): Promise<Set<string>>;

  /** The key for signed URLs shared by every process on this index: stored once, the first `generate()` wins. */
  sharedSecret(generate: () => string): Promise<string>;
  /** Open, reachable and at the latest schema version. */
  ready(): Promise<boolean>;
  /**
   * The connection pool's state now, for metrics; present only where there
   * is a pool (PostgreSQL). SQLite is one synchronous connection in-process.
   */
  poolUsage?(): PoolUsage;
  close(): Promise<void>;
}

/** Integers a provider reported, brought inside what GraphQL's `Int` carries (contract section 6). */
export function boundedPatch(patch: ImagePatch): ImagePatch {
  const bounded = { ...patch };
  if (bounded.ordering !== undefined) bounded.ordering = clampOrdering(bounded.ordering);
  for (const key of ['width', 'height', 'byteSize'] as const) {
    if (bounded[key] !== undefined) bounded[key] = asGraphQLInt(bounded[key]);
  }
  return bounded;
}

/** Every blob key an image row holds bytes under: its current revision and the one being processed. */
export function heldBlobKeys(image: ImageRecord): string[] {
  return [image.blobKey, image.pendingRevision?.blobKey].filter((key): key is string => !!key);
}

/**
 * The pending revision a write leaves behind without making it current (a
 * newer upload replaced it, or its processing ended), to be retired like a
 * replaced revision; undefined when there is none.
 */
export function abandonedRevision(before: ImageRecord, patch: ImagePatch): string | undefined {
  const pending = before.pendingRevision?.blobKey;
  if (!pending || patch.pendingRevision === undefined || patch.pendingRevision?.blobKey === pending) return undefined;
  return patch.blobKey === pending ? undefined : pending;
}

/** Rows grouped by a key, in the order they came. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** A new row counter per read kind. */
export function readCounters(): Record<ReadKind, number> {
  return { imagesByProduct: 0, imagesById: 0, filesByProduct: 0, filesById: 0 };
}
