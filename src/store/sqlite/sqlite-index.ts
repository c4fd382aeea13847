/* eslint-disable @typescript-eslint/require-await -- better-sqlite3 is synchronous; `async` makes every failure a rejection, as MediaIndex promises. */
import type { Statement } from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, openDatabase, schemaVersion, type SqliteDatabase } from './database';
import type { FileRecord, ImageRecord } from '../../domain/model';
import { clampOrdering, MAX_ORDERING } from '../../domain/ordering';
import {
  abandonedRevision,
  boundedPatch,
  groupBy,
  heldBlobKeys,
  readCounters,
  type FilePatch,
  type ImagePatch,
  type InsertOptions,
  type Deleted,
  type LimitExceeded,
  type MediaIndex,
  type ProcessingLease,
  type ProductLimits,
  type ReadKind,
  type Written,
} from '../media-index';
import {
  FILE_COLUMNS,
  FILE_INSERT_COLUMNS,
  fileFromRow,
  fileValues,
  IMAGE_COLUMNS,
  IMAGE_INSERT_COLUMNS,
  imageFromRow,
  imageValues,
  patchColumns,
  rowView,
  type FileRow,
  type ImageRow,
} from '../rows';

/** SQLite stores booleans as 0/1 and lists and records as JSON. */
function toColumnValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** Raw rows (arrays in insert-column order) read as {@link ImageRow}s and {@link FileRow}s. */
const imageRowView = rowView<ImageRow>(IMAGE_INSERT_COLUMNS);
const fileRowView = rowView<FileRow>(FILE_INSERT_COLUMNS);

const insertSql = (table: string, columns: readonly string[]) =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;

/**
 * The embedded index: one SQLite file (WAL, synchronous FULL) for one process.
 * better-sqlite3 is synchronous, so each method runs whole, and writes run in
 * `BEGIN IMMEDIATE` transactions.
 */
export class SqliteMediaIndex implements MediaIndex {
  readonly shared = false;
  readonly reads: Record<ReadKind, number> = readCounters();

  /**
   * The batched reads, prepared once: each takes its keys as one JSON array, so one statement serves any count.
   * They return each row as an array of the record's columns (better-sqlite3's raw mode), read through
   * {@link imageRowView} and {@link fileRowView}: building an object of named columns per row cost more than the query.
   */
  private readonly batchedReads: Record<ReadKind, Statement<[string], unknown[]>>;

  /** Opens (creating and migrating if needed) the database file at `path`. */
  static open(path: string): SqliteMediaIndex {
    return new SqliteMediaIndex(openDatabase(path));
  }

  constructor(private readonly db: SqliteDatabase) {
    const prepare = (sql: string) => db.prepare<[string], unknown[]>(sql).raw(true);
    const keys = 'SELECT value FROM json_each(?)';
    const images = `SELECT ${IMAGE_INSERT_COLUMNS.join(', ')} FROM images`;
    const files = `SELECT ${FILE_INSERT_COLUMNS.join(', ')} FROM files`;
    this.batchedReads = {
      imagesByProduct: prepare(`${images} WHERE product_id IN (${keys}) ORDER BY ordering, created_at, id`),
      imagesById: prepare(`${images} WHERE id IN (${keys})`),
      filesByProduct: prepare(`${files} WHERE product_id IN (${keys}) ORDER BY created_at, id`),
      filesById: prepare(`${files} WHERE id IN (${keys})`),
    };
  }

  private read(kind: ReadKind, keys: readonly string[]): unknown[][] {
    this.reads[kind] += 1;
    return this.batchedReads[kind].all(JSON.stringify(keys));
  }

  async imagesByProductIds(productIds: readonly string[]): Promise<Map<string, ImageRecord[]>> {
    const rows = this.read('imagesByProduct', productIds);
    return groupBy(
      rows.map((row) => imageFromRow(imageRowView(row))),
      (image) => image.productId,
    );
  }

  async imagesByIds(ids: readonly string[]): Promise<Map<string, ImageRecord>> {
    const rows = this.read('imagesById', ids);
    return new Map(rows.map((row) => imageFromRow(imageRowView(row))).map((image) => [image.id, image]));
  }

  async filesByProductIds(productIds: readonly string[]): Promise<Map<string, FileRecord[]>> {
    const rows = this.read('filesByProduct', productIds);
    return groupBy(
      rows.map((row) => fileFromRow(fileRowView(row))),
      (file) => file.productId,
    );
  }

  async filesByIds(ids: readonly string[]): Promise<Map<string, FileRecord>> {
    const rows = this.read('filesById', ids);
    return new Map(rows.map((row) => fileFromRow(fileRowView(row))).map((file) => [file.id, file]));
  }

  async getImage(id: string): Promise<ImageRecord | undefined> {
    return this.image(id);
  }

  async getFile(id: string): Promise<FileRecord | undefined> {
    return this.file(id);
  }

  async fileByBlobKey(blobKey: string): Promise<FileRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM files WHERE blob_key = ?').get(blobKey) as FileRow | undefined;
    return row && fileFromRow(row);
  }

  async nextOrdering(productId: string): Promise<number> {
    const max = this.db.prepare('SELECT MAX(ordering) FROM images WHERE product_id = ?').pluck().get(productId);
    return max === null || max === undefined ? 0 : Math.min(Number(max) + 1, MAX_ORDERING);
  }

  async limitExceeded(
    productId: string,
    limits: ProductLimits,
    adding: { newImage: boolean; newPlaceholder: boolean },
  ): Promise<LimitExceeded | undefined> {
    return this.exceeded(productId, limits, adding);
  }

  async updateImage(
    id: string,
    patch: ImagePatch,
    options: { makeThumbnail?: boolean } = {},
  ): Promise<Written<ImageRecord> | undefined> {
    return this.write(() => this.patchImage(id, patch, options));
  }

  async upsertImage(
    image: ImageRecord,
    patch: ImagePatch,
    options: { makeThumbnail?: boolean } & InsertOptions = {},
  ): Promise<Written<ImageRecord> | LimitExceeded | undefined> {
    return this.write(() => {
      if (!this.image(image.id)) {
        if (!options.isNew) return undefined;
        const placeholder = (patch.status ?? image.status) === 'AWAITING_UPLOAD';
        const exceeded =
          options.limits &&
          this.exceeded(image.productId, options.limits, { newImage: true, newPlaceholder: placeholder });
        if (exceeded) return exceeded;
        this.insertImage({ ...image, ordering: clampOrdering(image.ordering), isThumbnail: false });
      }
      if (options.pendingUntil !== undefined) {
        this.db.prepare('UPDATE images SET upload_expires_at = ? WHERE id = ?').run(options.pendingUntil, image.id);
      }
      if (options.spendToken !== undefined) this.spend(options.spendToken);
      if (options.lease) {
        this.db
          .prepare('UPDATE images SET processing_owner = ?, processing_lease_until = ? WHERE id = ?')
          .run(options.lease.owner, options.lease.until, image.id);
      }
      return this.patchImage(image.id, patch, options)!;
    });
  }

  async insertFileWithin(file: FileRecord, options: InsertOptions): Promise<LimitExceeded | undefined> {
    return this.write(() => {
      const exceeded =
        options.limits &&
        this.exceeded(file.productId, options.limits, {
          newImage: false,
          newPlaceholder: file.status === 'AWAITING_UPLOAD',
        });
      if (exceeded) return exceeded;
      this.insertFile(file);
      if (options.pendingUntil !== undefined) {
        this.db.prepare('UPDATE files SET upload_expires_at = ? WHERE id = ?').run(options.pendingUntil, file.id);
      }
      return undefined;
    });
  }

  async updateFile(
    id: string,
    patch: FilePatch,
    options: { spendToken?: string } = {},
  ): Promise<Written<FileRecord> | undefined> {
    return this.write(() => {
      const before = this.file(id);
      if (!before) return undefined;
      if (options.spendToken !== undefined) this.spend(options.spendToken);
      this.retireReplaced(id, before.blobKey, patch.blobKey);
      this.update('files', id, patchColumns({ ...patch, updatedAt: new Date().toISOString() }, FILE_COLUMNS));
      return { before, after: this.file(id)! };
    });
  }

  async deleteImage(id: string): Promise<Deleted<ImageRecord> | undefined> {
    return this.write(() => {
      const before = this.image(id);
      if (!before) return undefined;
      this.db.prepare('DELETE FROM images WHERE id = ?').run(id);
      this.db.prepare('DELETE FROM upload_tokens WHERE target_id = ?').run(id);
      return { record: before, blobKeys: [...heldBlobKeys(before), ...this.dropRetired(id)] };
    });
  }

  async deleteFile(id: string): Promise<Deleted<FileRecord> | undefined> {
    return this.write(() => {
      const before = this.file(id);
      if (!before) return undefined;
      this.db.prepare('DELETE FROM files WHERE id = ?').run(id);
      this.db.prepare('DELETE FROM upload_tokens WHERE target_id = ?').run(id);
      const retired = this.dropRetired(id);
      return { record: before, blobKeys: before.blobKey ? [before.blobKey, ...retired] : retired };
    });
  }

  async setOrderings(productId: string, orderings: readonly { id: string; ordering: number }[]): Promise<boolean> {
    const update = this.db.prepare(
      `UPDATE images SET updated_at = CASE WHEN ordering = @ordering THEN updated_at ELSE @now END, ordering = @ordering
       WHERE id = @id AND product_id = @productId`,
    );
    const now = new Date().toISOString();
    try {
      return this.write(() => {
        for (const { id, ordering } of orderings) {
          if (update.run({ id, ordering: clampOrdering(ordering), now, productId }).changes !== 1) {
            throw new NothingChanged();
          }
        }
        return true;
      });
    } catch (err) {
      if (err instanceof NothingChanged) return false;
      throw err;
    }
  }

  async claimProcessing(lease: ProcessingLease, leaseEndedBefore: number, limit: number): Promise<ImageRecord[]> {
    const rows = this.write(
      () =>
        this.db
          .prepare(
            `UPDATE images SET processing_owner = @owner, processing_lease_until = @until
             WHERE id IN (SELECT id FROM images WHERE pending_revision IS NOT NULL
               AND (processing_lease_until IS NULL OR processing_lease_until < @before)
               ORDER BY updated_at LIMIT @limit)
             RETURNING *`,
          )
          .all({ owner: lease.owner, until: lease.until, before: leaseEndedBefore, limit }) as ImageRow[],
    );
    return rows.map(imageFromRow);
  }

  async imagesWithoutSummary(limit: number): Promise<ImageRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM images WHERE thumbhash IS NULL AND blob_key IS NOT NULL AND status = 'READY'
         ORDER BY created_at LIMIT ?`,
      )
      .all(limit) as ImageRow[];
    return rows.map(imageFromRow);
  }

  async setImageSummary(id: string, blobKey: string, summary: { thumbhash: string; dominantColor: string }) {
    const { changes } = this.write(() =>
      this.db
        .prepare('UPDATE images SET thumbhash = ?, dominant_color = ? WHERE id = ? AND blob_key = ?')
        .run(summary.thumbhash, summary.dominantColor, id, blobKey),
    );
    return changes > 0;
  }

  async renewProcessingLeases(lease: ProcessingLease, ids: readonly string[]): Promise<void> {
    this.db
      .prepare(
        `UPDATE images SET processing_lease_until = ?
         WHERE processing_owner = ? AND pending_revision IS NOT NULL AND id IN (SELECT value FROM json_each(?))`,
      )
      .run(lease.until, lease.owner, JSON.stringify(ids));
  }

  async releaseProcessingLeases(owner: string): Promise<void> {
    this.db
      .prepare('UPDATE images SET processing_owner = NULL, processing_lease_until = NULL WHERE processing_owner = ?')
      .run(owner);
  }

  async completeProcessing(
    id: string,
    pendingBlobKey: string,
    owner: string,
    patch: ImagePatch,
    options: { makeThumbnail?: boolean } = {},
  ): Promise<Written<ImageRecord> | undefined> {
    return this.write(() => {
      const held = this.db
        .prepare(
          `SELECT 1 FROM images WHERE id = ? AND processing_owner = ?
           AND json_extract(pending_revision, '$.blobKey') = ?`,
        )
        .get(id, owner, pendingBlobKey);
      if (!held) return undefined;
      return this.patchImage(id, { ...patch, pendingRevision: null }, options);
    });
  }

  async insertAll(rows: { images?: readonly ImageRecord[]; files?: readonly FileRecord[] }): Promise<void> {
    this.write(() => {
      for (const image of rows.images ?? []) this.insertImage(image);
      for (const file of rows.files ?? []) this.insertFile(file);
    });
  }

  async sweepExpiredPlaceholders(cutoffSeconds: number, tokensExpiredBefore: number): Promise<string[]> {
    return this.write(() => {
      const where = (table: string) => `status = 'AWAITING_UPLOAD' AND upload_expires_at IS NOT NULL
        AND upload_expires_at < ?
        AND NOT EXISTS (SELECT 1 FROM upload_claims c WHERE c.target_id = ${table}.id AND c.state = 'IN_PROGRESS')`;
      const ids = [
        ...(this.db
          .prepare(`DELETE FROM images WHERE ${where('images')} RETURNING id`)
          .pluck()
          .all(cutoffSeconds) as string[]),
        ...(this.db
          .prepare(`DELETE FROM files WHERE ${where('files')} RETURNING id`)
          .pluck()
          .all(cutoffSeconds) as string[]),
      ];
      this.db.prepare('DELETE FROM upload_tokens WHERE expires_at < ?').run(tokensExpiredBefore);
      return ids;
    });
  }

  async setCurrentUploadToken(targetId: string, tokenId: string, expiresAt: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO upload_tokens (target_id, token_id, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (target_id) DO UPDATE SET token_id = excluded.token_id, expires_at = excluded.expires_at`,
      )
      .run(targetId, tokenId, expiresAt);
  }

  async isCurrentUploadToken(targetId: string, tokenId: string): Promise<boolean> {
    const current = this.db.prepare('SELECT token_id FROM upload_tokens WHERE target_id = ?').pluck().get(targetId);
    return current === tokenId;
  }

  async currentUploadToken(targetId: string): Promise<{ tokenId: string; expiresAt: number } | undefined> {
    const row = this.db.prepare('SELECT token_id, expires_at FROM upload_tokens WHERE target_id = ?').get(targetId) as
      { token_id: string; expires_at: number } | undefined;
    return row && { tokenId: row.token_id, expiresAt: row.expires_at };
  }

  async uploadClaimState(tokenId: string): Promise<'IN_PROGRESS' | 'USED' | undefined> {
    return this.db.prepare('SELECT state FROM upload_claims WHERE token_id = ?').pluck().get(tokenId) as
      'IN_PROGRESS' | 'USED' | undefined;
  }

  async claimUploadToken(tokenId: string, targetId: string, expiresAt: number): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT INTO upload_claims (token_id, target_id, state, expires_at, claimed_at)
         SELECT @tokenId, @targetId, 'IN_PROGRESS', @expiresAt, @now
         WHERE EXISTS (SELECT 1 FROM upload_tokens WHERE target_id = @targetId AND token_id = @tokenId)
         ON CONFLICT (token_id) DO NOTHING`,
      )
      .run({ tokenId, targetId, expiresAt, now: Math.floor(Date.now() / 1000) });
    return result.changes === 1;
  }

  async releaseUploadToken(tokenId: string): Promise<void> {
    this.db.prepare(`DELETE FROM upload_claims WHERE token_id = ? AND state = 'IN_PROGRESS'`).run(tokenId);
  }

  async sweepUploadClaims(expiredBefore: number, inProgressClaimedBefore: number): Promise<void> {
    this.db
      .prepare(
        `DELETE FROM upload_claims WHERE expires_at < ?
         OR (state = 'IN_PROGRESS' AND (claimed_at IS NULL OR claimed_at < ?))`,
      )
      .run(expiredBefore, inProgressClaimedBefore);
  }

  async takeRetiredBlobKeys(retiredBefore: number): Promise<string[]> {
    return this.write(
      () =>
        this.db
          .prepare('DELETE FROM retired_blobs WHERE retired_at < ? RETURNING blob_key')
          .pluck()
          .all(retiredBefore) as string[],
    );
  }

  async referencedBlobKeys(): Promise<Set<string>> {
    const keys = this.db
      .prepare(
        `SELECT blob_key FROM images WHERE blob_key IS NOT NULL
         UNION ALL SELECT json_extract(pending_revision, '$.blobKey') FROM images WHERE pending_revision IS NOT NULL
         UNION ALL SELECT blob_key FROM files WHERE blob_key IS NOT NULL
         UNION ALL SELECT blob_key FROM retired_blobs`,
      )
      .pluck()
      .all() as string[];
    return new Set(keys);
  }

  async sharedSecret(generate: () => string): Promise<string> {
    return this.write(() => {
      this.db
        .prepare(`INSERT INTO settings (name, value) VALUES ('signing_secret', ?) ON CONFLICT (name) DO NOTHING`)
        .run(generate());
      return this.db.prepare(`SELECT value FROM settings WHERE name = 'signing_secret'`).pluck().get() as string;
    });
  }

  async ready(): Promise<boolean> {
    return this.db.open && schemaVersion(this.db) === LATEST_SCHEMA_VERSION;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private spend(tokenId: string): void {
    this.db.prepare(`UPDATE upload_claims SET state = 'USED' WHERE token_id = ?`).run(tokenId);
  }

  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private image(id: string): ImageRecord | undefined {
    const row = this.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as ImageRow | undefined;
    return row && imageFromRow(row);
  }

  private file(id: string): FileRecord | undefined {
    const row = this.db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined;
    return row && fileFromRow(row);
  }

  private exceeded(
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

  private insertImage(image: ImageRecord): void {
    this.db.prepare(insertSql('images', IMAGE_INSERT_COLUMNS)).run(imageValues(image).map(toColumnValue));
  }

  private insertFile(file: FileRecord): void {
    this.db.prepare(insertSql('files', FILE_INSERT_COLUMNS)).run(fileValues(file).map(toColumnValue));
  }

  /** Keeps a blob key a write moves away from, until the revision grace has passed. */
  private retireReplaced(ownerId: string, before: string | null, after: string | null | undefined): void {
    if (!before || after === undefined || after === before) return;
    this.db
      .prepare('INSERT INTO retired_blobs (blob_key, owner_id, retired_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
      .run(before, ownerId, Math.floor(Date.now() / 1000));
  }

  /** Deletes the retired revisions of a row, inside the caller's transaction; returns their keys. */
  private dropRetired(ownerId: string): string[] {
    return this.db
      .prepare('DELETE FROM retired_blobs WHERE owner_id = ? RETURNING blob_key')
      .pluck()
      .all(ownerId) as string[];
  }

  private update(table: 'images' | 'files', id: string, changes: [string, unknown][]): void {
    const sql = changes.map(([column]) => `${column} = ?`).join(', ');
    this.db.prepare(`UPDATE ${table} SET ${sql} WHERE id = ?`).run(...changes.map(([, v]) => toColumnValue(v)), id);
  }

  /** The body of {@link updateImage}, inside the caller's transaction. */
  private patchImage(id: string, patch: ImagePatch, options: { makeThumbnail?: boolean }) {
    const before = this.image(id);
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
    this.retireReplaced(id, before.blobKey, changes.blobKey);
    const abandoned = abandonedRevision(before, changes);
    if (abandoned) this.retireReplaced(id, abandoned, null);
    const columns = patchColumns(changes, IMAGE_COLUMNS);
    if (changes.pendingRevision === null) columns.push(['processing_owner', null], ['processing_lease_until', null]);
    this.update('images', id, columns);
    return { before, after: this.image(id)! };
  }
}

/** Rolls a transaction back on purpose. */
class NothingChanged extends Error {}
