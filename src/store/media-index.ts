import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database';
import type { FileRecord, ImageRecord, MediaStatus, ProviderName, StoredVariant } from '../domain/model';
import { asGraphQLInt, clampOrdering, MAX_ORDERING } from '../domain/ordering';
import { revisionFolderOf } from '../providers/local/layout';

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
}

/** Which per-product limit an insert would pass. */
export type LimitExceeded = { limitExceeded: 'images' | 'pendingUploads'; limit: number };

/** The read statements the index runs, by kind; a batched load is one statement. */
export type ReadKind = 'imagesByProduct' | 'imagesById' | 'filesByProduct' | 'filesById';

interface ImageRow {
  id: string;
  provider: string;
  product_id: string;
  image_id: string;
  provider_image_id: string | null;
  status: string;
  name: string | null;
  alt: string | null;
  ordering: number;
  is_thumbnail: number;
  enabled: number;
  width: number | null;
  height: number | null;
  content_type: string | null;
  byte_size: number | null;
  sha256: string | null;
  blob_key: string | null;
  variants: string;
  created_at: string;
  updated_at: string;
}

interface FileRow {
  id: string;
  provider: string;
  product_id: string;
  file_id: string;
  provider_file_id: string | null;
  file_name: string;
  status: string;
  content_type: string | null;
  byte_size: number | null;
  sha256: string | null;
  blob_key: string | null;
  download_url: string | null;
  created_at: string;
  updated_at: string;
}

const IMAGE_COLUMNS: Record<keyof ImagePatch, string> = {
  providerImageId: 'provider_image_id',
  status: 'status',
  name: 'name',
  alt: 'alt',
  ordering: 'ordering',
  isThumbnail: 'is_thumbnail',
  enabled: 'enabled',
  width: 'width',
  height: 'height',
  contentType: 'content_type',
  byteSize: 'byte_size',
  sha256: 'sha256',
  blobKey: 'blob_key',
  variants: 'variants',
  updatedAt: 'updated_at',
};

const FILE_COLUMNS: Record<keyof FilePatch, string> = {
  providerFileId: 'provider_file_id',
  fileName: 'file_name',
  status: 'status',
  contentType: 'content_type',
  byteSize: 'byte_size',
  sha256: 'sha256',
  blobKey: 'blob_key',
  downloadUrl: 'download_url',
  updatedAt: 'updated_at',
};

function imageFromRow(row: ImageRow): ImageRecord {
  return {
    id: row.id,
    provider: row.provider as ProviderName,
    productId: row.product_id,
    imageId: row.image_id,
    providerImageId: row.provider_image_id,
    status: row.status as MediaStatus,
    name: row.name,
    alt: row.alt,
    ordering: row.ordering,
    isThumbnail: row.is_thumbnail === 1,
    enabled: row.enabled === 1,
    width: row.width,
    height: row.height,
    contentType: row.content_type,
    byteSize: row.byte_size,
    sha256: row.sha256,
    blobKey: row.blob_key,
    variants: JSON.parse(row.variants) as StoredVariant[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function fileFromRow(row: FileRow): FileRecord {
  return {
    id: row.id,
    provider: row.provider as ProviderName,
    productId: row.product_id,
    fileId: row.file_id,
    providerFileId: row.provider_file_id,
    fileName: row.file_name,
    status: row.status as MediaStatus,
    contentType: row.content_type,
    byteSize: row.byte_size,
    sha256: row.sha256,
    blobKey: row.blob_key,
    downloadUrl: row.download_url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** SQLite stores booleans as 0/1 and lists as JSON. */
function toColumnValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value)) return JSON.stringify(value);
  return value;
}

function assignments<P extends object>(patch: P, columns: Record<keyof P, string>) {
  const keys = (Object.keys(patch) as (keyof P)[]).filter((k) => patch[k] !== undefined);
  return {
    sql: keys.map((k) => `${columns[k]} = @${String(k)}`).join(', '),
    params: Object.fromEntries(keys.map((k) => [k, toColumnValue(patch[k])])),
  };
}

/**
 * The subgraph's own index of the images and files it has written or been told
 * about, for every provider. Batched reads take many keys and run one statement.
 */
export class MediaIndex {
  /** How many read statements ran, by kind (for batching tests and metrics). */
  readonly reads: Record<ReadKind, number> = { imagesByProduct: 0, imagesById: 0, filesByProduct: 0, filesById: 0 };

  /** The batched reads, prepared once: each takes its keys as one JSON array, so one statement serves any count. */
  private readonly batchedReads: Record<ReadKind, Statement<[string]>>;

  constructor(private readonly db: SqliteDatabase) {
    const prepare = (sql: string) => db.prepare<[string]>(sql);
    const keys = 'SELECT value FROM json_each(?)';
    this.batchedReads = {
      imagesByProduct: prepare(`SELECT * FROM images WHERE product_id IN (${keys}) ORDER BY ordering, created_at, id`),
      imagesById: prepare(`SELECT * FROM images WHERE id IN (${keys})`),
      filesByProduct: prepare(`SELECT * FROM files WHERE product_id IN (${keys}) ORDER BY created_at, id`),
      filesById: prepare(`SELECT * FROM files WHERE id IN (${keys})`),
    };
  }

  private read<Row>(kind: ReadKind, keys: readonly string[]): Row[] {
    this.reads[kind] += 1;
    return this.batchedReads[kind].all(JSON.stringify(keys)) as Row[];
  }

  /** Every image of each product (disabled ones too), by ordering, then creation. */
  imagesByProductIds(productIds: readonly string[]): Map<string, ImageRecord[]> {
    const rows = this.read<ImageRow>('imagesByProduct', productIds);
    return groupBy(rows.map(imageFromRow), (image) => image.productId);
  }

  imagesByIds(ids: readonly string[]): Map<string, ImageRecord> {
    const rows = this.read<ImageRow>('imagesById', ids);
    return new Map(rows.map((row) => [row.id, imageFromRow(row)]));
  }

  filesByProductIds(productIds: readonly string[]): Map<string, FileRecord[]> {
    const rows = this.read<FileRow>('filesByProduct', productIds);
    return groupBy(rows.map(fileFromRow), (file) => file.productId);
  }

  filesByIds(ids: readonly string[]): Map<string, FileRecord> {
    const rows = this.read<FileRow>('filesById', ids);
    return new Map(rows.map((row) => [row.id, fileFromRow(row)]));
  }

  /** Unbatched lookup for writers, outside any request's loaders. */
  getImage(id: string): ImageRecord | undefined {
    const row = this.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as ImageRow | undefined;
    return row && imageFromRow(row);
  }

  getFile(id: string): FileRecord | undefined {
    const row = this.db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined;
    return row && fileFromRow(row);
  }

  fileByBlobKey(blobKey: string): FileRecord | undefined {
    const row = this.db.prepare('SELECT * FROM files WHERE blob_key = ?').get(blobKey) as FileRow | undefined;
    return row && fileFromRow(row);
  }

  /** The ordering a new image of the product gets: after every existing one, never past {@link MAX_ORDERING}. */
  nextOrdering(productId: string): number {
    const max = this.db.prepare('SELECT MAX(ordering) FROM images WHERE product_id = ?').pluck().get(productId);
    return max === null || max === undefined ? 0 : Math.min(Number(max) + 1, MAX_ORDERING);
  }

  /**
   * Which limit adding a row to the product would pass, if any: `newImage`
   * counts against the image limit, `newPlaceholder` against the pending one.
   */
  limitExceeded(
    productId: string,
    limits: ProductLimits,
    adding: { newImage: boolean; newPlaceholder: boolean },
  ): LimitExceeded | undefined {
    if (adding.newImage) {
      const images = Number(this.db.prepare('SELECT COUNT(*) FROM images WHERE product_id = ?').pluck().get(productId));
      if (images >= limits.maxImages) return { limitExceeded: 'images', limit: limits.maxImages };
    }
    if (adding.newPlaceholder) {
      const pending = Number(
        this.db
          .prepare(
            `SELECT (SELECT COUNT(*) FROM images WHERE product_id = @productId AND status = 'AWAITING_UPLOAD')
                  + (SELECT COUNT(*) FROM files WHERE product_id = @productId AND status = 'AWAITING_UPLOAD')`,
          )
          .pluck()
          .get({ productId }),
      );
      if (pending >= limits.maxPendingUploads) {
        return { limitExceeded: 'pendingUploads', limit: limits.maxPendingUploads };
      }
    }
    return undefined;
  }

  insertImage(image: ImageRecord): void {
    this.db
      .prepare(
        `INSERT INTO images (id, provider, product_id, image_id, provider_image_id, status, name, alt, ordering,
           is_thumbnail, enabled, width, height, content_type, byte_size, sha256, blob_key, variants, created_at, updated_at)
         VALUES (@id, @provider, @productId, @imageId, @providerImageId, @status, @name, @alt, @ordering,
           @isThumbnail, @enabled, @width, @height, @contentType, @byteSize, @sha256, @blobKey, @variants, @createdAt, @updatedAt)`,
      )
      .run(Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toColumnValue(v)])));
  }

  insertFile(file: FileRecord): void {
    this.db
      .prepare(
        `INSERT INTO files (id, provider, product_id, file_id, provider_file_id, file_name, status, content_type,
           byte_size, sha256, blob_key, download_url, created_at, updated_at)
         VALUES (@id, @provider, @productId, @fileId, @providerFileId, @fileName, @status, @contentType,
           @byteSize, @sha256, @blobKey, @downloadUrl, @createdAt, @updatedAt)`,
      )
      .run(Object.fromEntries(Object.entries(file).map(([k, v]) => [k, toColumnValue(v)])));
  }

  /**
   * Applies `patch` to an image in one transaction; with `makeThumbnail` the
   * product's other thumbnail is cleared in that same transaction. Returns the
   * image as it was before (so the caller can drop replaced blobs) and after.
   */
  updateImage(
    id: string,
    patch: ImagePatch,
    options: { makeThumbnail?: boolean } = {},
  ): { before: ImageRecord; after: ImageRecord } | undefined {
    return this.db
      .transaction(() => {
        const before = this.getImage(id);
        if (!before) return undefined;
        const changes: ImagePatch = { ...boundedPatch(patch), updatedAt: patch.updatedAt ?? new Date().toISOString() };
        if (options.makeThumbnail) {
          this.db
            .prepare(
              'UPDATE images SET is_thumbnail = 0, updated_at = ? WHERE product_id = ? AND is_thumbnail = 1 AND id <> ?',
            )
            .run(changes.updatedAt, before.productId, id);
          changes.isThumbnail = true;
        }
        const { sql, params } = assignments(changes, IMAGE_COLUMNS);
        this.db.prepare(`UPDATE images SET ${sql} WHERE id = @id`).run({ ...params, id });
        return { before, after: this.getImage(id)! };
      })
      .immediate();
  }

  /**
   * Inserts the image when the index has not seen it (within `limits`, which
   * are checked in the same transaction), else applies `patch`.
   */
  upsertImage(
    image: ImageRecord,
    patch: ImagePatch,
    options: { makeThumbnail?: boolean } & InsertOptions = {},
  ): { before: ImageRecord; after: ImageRecord } | LimitExceeded {
    return this.db
      .transaction(() => {
        if (!this.getImage(image.id)) {
          const placeholder = (patch.status ?? image.status) === 'AWAITING_UPLOAD';
          const exceeded =
            options.limits &&
            this.limitExceeded(image.productId, options.limits, { newImage: true, newPlaceholder: placeholder });
          if (exceeded) return exceeded;
          this.insertImage({ ...image, ordering: clampOrdering(image.ordering), isThumbnail: false });
        }
        if (options.pendingUntil !== undefined) {
          this.db.prepare('UPDATE images SET upload_expires_at = ? WHERE id = ?').run(options.pendingUntil, image.id);
        }
        return this.updateImage(image.id, patch, options)!;
      })
      .immediate();
  }

  /** Adds a file placeholder, unless it would pass `limits` (checked in the same transaction). */
  insertFileWithin(file: FileRecord, options: InsertOptions): LimitExceeded | undefined {
    return this.db
      .transaction(() => {
        const exceeded =
          options.limits &&
          this.limitExceeded(file.productId, options.limits, {
            newImage: false,
            newPlaceholder: file.status === 'AWAITING_UPLOAD',
          });
        if (exceeded) return exceeded;
        this.insertFile(file);
        if (options.pendingUntil !== undefined) {
          this.db.prepare('UPDATE files SET upload_expires_at = ? WHERE id = ?').run(options.pendingUntil, file.id);
        }
        return undefined;
      })
      .immediate();
  }

  /**
   * Deletes placeholders (`AWAITING_UPLOAD`) whose upload URL expired before
   * `cutoffSeconds`, and the token records of what is gone or expired.
   * Returns the ids deleted.
   */
  sweepExpiredPlaceholders(cutoffSeconds: number, nowSeconds: number): string[] {
    return this.db
      .transaction(() => {
        const where = `status = 'AWAITING_UPLOAD' AND upload_expires_at IS NOT NULL AND upload_expires_at < ?`;
        const ids = [
          ...(this.db.prepare(`DELETE FROM images WHERE ${where} RETURNING id`).pluck().all(cutoffSeconds) as string[]),
          ...(this.db.prepare(`DELETE FROM files WHERE ${where} RETURNING id`).pluck().all(cutoffSeconds) as string[]),
        ];
        this.db.prepare('DELETE FROM upload_tokens WHERE expires_at < ?').run(nowSeconds);
        return ids;
      })
      .immediate();
  }

  /** Records `tokenId` as the only upload token of `targetId` that may still store bytes. */
  setCurrentUploadToken(targetId: string, tokenId: string, expiresAt: number): void {
    this.db
      .prepare(
        `INSERT INTO upload_tokens (target_id, token_id, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (target_id) DO UPDATE SET token_id = excluded.token_id, expires_at = excluded.expires_at`,
      )
      .run(targetId, tokenId, expiresAt);
  }

  /** Whether `tokenId` is the newest upload token issued for `targetId`. */
  isCurrentUploadToken(targetId: string, tokenId: string): boolean {
    const current = this.db.prepare('SELECT token_id FROM upload_tokens WHERE target_id = ?').pluck().get(targetId);
    return current === tokenId;
  }

  updateFile(id: string, patch: FilePatch): { before: FileRecord; after: FileRecord } | undefined {
    return this.db
      .transaction(() => {
        const before = this.getFile(id);
        if (!before) return undefined;
        const { sql, params } = assignments({ ...patch, updatedAt: new Date().toISOString() }, FILE_COLUMNS);
        this.db.prepare(`UPDATE files SET ${sql} WHERE id = @id`).run({ ...params, id });
        return { before, after: this.getFile(id)! };
      })
      .immediate();
  }

  /**
   * Claims an upload token for one upload. False when it is already in use or
   * spent: a token stores bytes at most once.
   */
  claimUploadToken(tokenId: string, targetId: string, expiresAt: number): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO upload_claims (token_id, target_id, state, expires_at) VALUES (?, ?, 'IN_PROGRESS', ?)
         ON CONFLICT (token_id) DO NOTHING`,
      )
      .run(tokenId, targetId, expiresAt);
    return result.changes === 1;
  }

  /** A refused upload gives its token back, so the client may retry with correct bytes until it expires. */
  releaseUploadToken(tokenId: string): void {
    this.db.prepare(`DELETE FROM upload_claims WHERE token_id = ? AND state = 'IN_PROGRESS'`).run(tokenId);
  }

  spendUploadToken(tokenId: string): void {
    this.db.prepare(`UPDATE upload_claims SET state = 'USED' WHERE token_id = ?`).run(tokenId);
  }

  /**
   * Start-up housekeeping: claims left IN_PROGRESS by a crash are released, and
   * claims of tokens that have expired are no longer needed to refuse them.
   */
  sweepUploadClaims(nowSeconds: number): void {
    this.db.prepare(`DELETE FROM upload_claims WHERE state = 'IN_PROGRESS' OR expires_at < ?`).run(nowSeconds);
  }

  /** The revision folder of every stored blob (images and files), for the start-up sweep. */
  referencedRevisionFolders(): Set<string> {
    const keys = this.db
      .prepare(
        `SELECT blob_key FROM images WHERE blob_key IS NOT NULL
         UNION ALL SELECT blob_key FROM files WHERE blob_key IS NOT NULL`,
      )
      .pluck()
      .all() as string[];
    return new Set(keys.map(revisionFolderOf));
  }

  /** Runs `fn` in one write transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}

/** Integers a provider reported, brought inside what GraphQL's `Int` carries (contract section 6). */
function boundedPatch(patch: ImagePatch): ImagePatch {
  const bounded = { ...patch };
  if (bounded.ordering !== undefined) bounded.ordering = clampOrdering(bounded.ordering);
  for (const key of ['width', 'height', 'byteSize'] as const) {
    if (bounded[key] !== undefined) bounded[key] = asGraphQLInt(bounded[key]);
  }
  return bounded;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
