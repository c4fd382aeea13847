import pg from 'pg';
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
  type FileRow,
  type ImageRow,
} from '../rows';
import { LATEST_POSTGRES_VERSION, POSTGRES_MIGRATIONS } from './migrations';
import type { PoolUsage } from '../../observability/metrics';

/** Anything that runs a query: the pool, or one client inside a transaction. */
type Queryable = Pick<pg.PoolClient, 'query'>;

/** Advisory lock key under which migrations run, so replicas starting together apply each once. */
const MIGRATION_LOCK = 7_203_114_001;

/** BIGINT columns (sizes, Unix seconds) come back as numbers: every value stored fits in 2^53. */
const INT8_OID = 20;
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};

/** The batched reads: one statement each, whatever the number of keys (`= ANY($1)`), prepared once per connection. */
/**
 * The record's columns; `variants` as its JSON text, which rows.ts parses once per distinct text (the driver would
 * parse it again on every read, and every `_entities` call reads the same images).
 */
const IMAGE_READ_COLUMNS = IMAGE_INSERT_COLUMNS.map((c) => (c === 'variants' ? 'variants::text AS variants' : c)).join(
  ', ',
);

const BATCHED_READS: Record<ReadKind, string> = {
  imagesByProduct: `SELECT ${IMAGE_READ_COLUMNS} FROM images WHERE product_id = ANY($1) ORDER BY ordering, created_at, id`,
  imagesById: `SELECT ${IMAGE_READ_COLUMNS} FROM images WHERE id = ANY($1)`,
  filesByProduct: 'SELECT * FROM files WHERE product_id = ANY($1) ORDER BY created_at, id',
  filesById: 'SELECT * FROM files WHERE id = ANY($1)',
};

const insertSql = (table: string, columns: readonly string[]) =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;

/** jsonb takes JSON text (lists and records); every other value goes as it is. */
function toParam(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
}

/**
 * The index on PostgreSQL (`MEDIA_DATABASE_URL=postgres://...`), shared by any
 * number of replicas. Every statement is parameterised. Writes that touch a
 * product's rules (one thumbnail, limits) hold a transaction-scoped advisory
 * lock on the product, so concurrent writers on any replica take turns; the
 * partial unique index on thumbnails stands behind that.
 */
export class PostgresMediaIndex implements MediaIndex {
  readonly shared = true;
  readonly reads: Record<ReadKind, number> = readCounters();

  private constructor(private readonly pool: pg.Pool) {}

  poolUsage(): PoolUsage {
    const { totalCount, idleCount, waitingCount, options } = this.pool;
    return { total: totalCount, idle: idleCount, waiting: waitingCount, max: options.max ?? 10 };
  }

  /**
   * Connects with a pool of at most `poolSize` connections and applies pending
   * migrations, each in its own transaction, under an advisory lock.
   */
  static async open(connectionString: string, poolSize: number): Promise<PostgresMediaIndex> {
    const pool = new pg.Pool({
      connectionString,
      max: poolSize,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      // A statement stuck behind a lock fails instead of holding a request (and a connection) forever.
      statement_timeout: 30_000,
      application_name: 'product-media',
      types: TYPES,
    });
    // An idle connection that breaks is dropped by the pool; the next query reports the failure to its caller.
    pool.on('error', () => undefined);
    const index = new PostgresMediaIndex(pool);
    try {
      await index.migrate();
    } catch (err) {
      await pool.end();
      throw err;
    }
    return index;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      // A replica waits for another's migrations as long as they take.
      await client.query('SET statement_timeout = 0');
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TEXT NOT NULL
      )`);
      const applied = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
      );
      for (const migration of [...POSTGRES_MIGRATIONS].sort((a, b) => a.version - b.version)) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            new Date().toISOString(),
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      // The connection goes back to the pool: with its statement timeout again.
      await client.query('RESET statement_timeout').catch(() => undefined);
      client.release();
    }
  }

  private async read<Row extends pg.QueryResultRow>(kind: ReadKind, keys: readonly string[]): Promise<Row[]> {
    this.reads[kind] += 1;
    const result = await this.pool.query<Row>({ name: `read_${kind}`, text: BATCHED_READS[kind], values: [keys] });
    return result.rows;
  }

  async imagesByProductIds(productIds: readonly string[]): Promise<Map<string, ImageRecord[]>> {
    const rows = await this.read<ImageRow>('imagesByProduct', productIds);
    return groupBy(rows.map(imageFromRow), (image) => image.productId);
  }

  async imagesByIds(ids: readonly string[]): Promise<Map<string, ImageRecord>> {
    const rows = await this.read<ImageRow>('imagesById', ids);
    return new Map(rows.map((row) => [row.id, imageFromRow(row)]));
  }

  async filesByProductIds(productIds: readonly string[]): Promise<Map<string, FileRecord[]>> {
    const rows = await this.read<FileRow>('filesByProduct', productIds);
    return groupBy(rows.map(fileFromRow), (file) => file.productId);
  }

  async filesByIds(ids: readonly string[]): Promise<Map<string, FileRecord>> {
    const rows = await this.read<FileRow>('filesById', ids);
    return new Map(rows.map((row) => [row.id, fileFromRow(row)]));
  }

  getImage(id: string): Promise<ImageRecord | undefined> {
    return this.image(this.pool, id);
  }

  getFile(id: string): Promise<FileRecord | undefined> {
    return this.file(this.pool, id);
  }

  async fileByBlobKey(blobKey: string): Promise<FileRecord | undefined> {
    const { rows } = await this.pool.query<FileRow>('SELECT * FROM files WHERE blob_key = $1', [blobKey]);
    return rows[0] && fileFromRow(rows[0]);
  }

  async nextOrdering(productId: string): Promise<number> {
    const { rows } = await this.pool.query<{ max: number | null }>(
      'SELECT MAX(ordering) AS max FROM images WHERE product_id = $1',
      [productId],
    );
    const max = rows[0]?.max;
    return max === null || max === undefined ? 0 : Math.min(Number(max) + 1, MAX_ORDERING);
  }

  limitExceeded(
    productId: string,
    limits: ProductLimits,
    adding: { newImage: boolean; newPlaceholder: boolean },
  ): Promise<LimitExceeded | undefined> {
    return this.exceeded(this.pool, productId, limits, adding);
  }

  async updateImage(
    id: string,
    patch: ImagePatch,
    options: { makeThumbnail?: boolean } = {},
  ): Promise<Written<ImageRecord> | undefined> {
    const productId = await this.productOf('images', id);
    if (productId === undefined) return undefined;
    return this.transaction(productId, (client) => this.patchImage(client, id, patch, options));
  }

  upsertImage(
    image: ImageRecord,
    patch: ImagePatch,
    options: { makeThumbnail?: boolean } & InsertOptions = {},
  ): Promise<Written<ImageRecord> | LimitExceeded | undefined> {
    return this.transaction(image.productId, async (client) => {
      if (!(await this.image(client, image.id))) {
        if (!options.isNew) return undefined;
        const placeholder = (patch.status ?? image.status) === 'AWAITING_UPLOAD';
        const exceeded =
          options.limits &&
          (await this.exceeded(client, image.productId, options.limits, {
            newImage: true,
            newPlaceholder: placeholder,
          }));
        if (exceeded) return exceeded;
        await this.insertImage(client, { ...image, ordering: clampOrdering(image.ordering), isThumbnail: false });
      }
      if (options.pendingUntil !== undefined) {
        await client.query('UPDATE images SET upload_expires_at = $1 WHERE id = $2', [options.pendingUntil, image.id]);
      }
      if (options.spendToken !== undefined) await this.spend(client, options.spendToken);
      if (options.lease) {
        await client.query('UPDATE images SET processing_owner = $1, processing_lease_until = $2 WHERE id = $3', [
          options.lease.owner,
          options.lease.until,
          image.id,
        ]);
      }
      return (await this.patchImage(client, image.id, patch, options))!;
    });
  }

  async deleteImage(id: string): Promise<Deleted<ImageRecord> | undefined> {
    const existing = await this.getImage(id);
    if (!existing) return undefined;
    return this.transaction(existing.productId, async (client) => {
      const before = await this.image(client, id);
      if (!before) return undefined;
      await client.query('DELETE FROM images WHERE id = $1', [id]);
      await client.query('DELETE FROM upload_tokens WHERE target_id = $1', [id]);
      return { record: before, blobKeys: [...heldBlobKeys(before), ...(await this.dropRetired(client, id))] };
    });
  }

  async deleteFile(id: string): Promise<Deleted<FileRecord> | undefined> {
    const existing = await this.getFile(id);
    if (!existing) return undefined;
    return this.transaction(existing.productId, async (client) => {
      const before = await this.file(client, id);
      if (!before) return undefined;
      await client.query('DELETE FROM files WHERE id = $1', [id]);
      await client.query('DELETE FROM upload_tokens WHERE target_id = $1', [id]);
      const retired = await this.dropRetired(client, id);
      return { record: before, blobKeys: before.blobKey ? [before.blobKey, ...retired] : retired };
    });
  }

  async setOrderings(productId: string, orderings: readonly { id: string; ordering: number }[]): Promise<boolean> {
    const now = new Date().toISOString();
    try {
      return await this.transaction(productId, async (client) => {
        for (const { id, ordering } of orderings) {
          const { rowCount } = await client.query(
            `UPDATE images SET updated_at = CASE WHEN ordering = $1 THEN updated_at ELSE $2 END, ordering = $1
             WHERE id = $3 AND product_id = $4`,
            [clampOrdering(ordering), now, id, productId],
          );
          if (rowCount !== 1) throw new NothingChanged();
        }
        return true;
      });
    } catch (err) {
      if (err instanceof NothingChanged) return false;
      throw err;
    }
  }

  insertFileWithin(file: FileRecord, options: InsertOptions): Promise<LimitExceeded | undefined> {
    return this.transaction(file.productId, async (client) => {
      const exceeded =
        options.limits &&
        (await this.exceeded(client, file.productId, options.limits, {
          newImage: false,
          newPlaceholder: file.status === 'AWAITING_UPLOAD',
        }));
      if (exceeded) return exceeded;
      await this.insertFile(client, file);
      if (options.pendingUntil !== undefined) {
        await client.query('UPDATE files SET upload_expires_at = $1 WHERE id = $2', [options.pendingUntil, file.id]);
      }
      return undefined;
    });
  }

  async updateFile(
    id: string,
    patch: FilePatch,
    options: { spendToken?: string } = {},
  ): Promise<Written<FileRecord> | undefined> {
    const productId = await this.productOf('files', id);
    if (productId === undefined) return undefined;
    return this.transaction(productId, async (client) => {
      const before = await this.file(client, id);
      if (!before) return undefined;
      if (options.spendToken !== undefined) await this.spend(client, options.spendToken);
      await this.retireReplaced(client, id, before.blobKey, patch.blobKey);
      await this.update(
        client,
        'files',
        id,
        patchColumns({ ...patch, updatedAt: new Date().toISOString() }, FILE_COLUMNS),
      );
      return { before, after: (await this.file(client, id))! };
    });
  }

  async claimProcessing(lease: ProcessingLease, leaseEndedBefore: number, limit: number): Promise<ImageRecord[]> {
    // SKIP LOCKED: replicas claiming at once each take other rows, never the same one.
    const { rows } = await this.pool.query<ImageRow>(
      `UPDATE images SET processing_owner = $1, processing_lease_until = $2
       WHERE id IN (SELECT id FROM images WHERE pending_revision IS NOT NULL
         AND (processing_lease_until IS NULL OR processing_lease_until < $3)
         ORDER BY updated_at LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [lease.owner, lease.until, leaseEndedBefore, limit],
    );
    return rows.map(imageFromRow);
  }

  async imagesWithoutSummary(limit: number): Promise<ImageRecord[]> {
    const { rows } = await this.pool.query<ImageRow>(
      `SELECT * FROM images WHERE thumbhash IS NULL AND blob_key IS NOT NULL AND status = 'READY'
       ORDER BY created_at LIMIT $1`,
      [limit],
    );
    return rows.map(imageFromRow);
  }

  async setImageSummary(id: string, blobKey: string, summary: { thumbhash: string; dominantColor: string }) {
    const { rowCount } = await this.pool.query(
      'UPDATE images SET thumbhash = $1, dominant_color = $2 WHERE id = $3 AND blob_key = $4',
      [summary.thumbhash, summary.dominantColor, id, blobKey],
    );
    return (rowCount ?? 0) > 0;
  }

  async renewProcessingLeases(lease: ProcessingLease, ids: readonly string[]): Promise<void> {
    await this.pool.query(
      `UPDATE images SET processing_lease_until = $1
       WHERE processing_owner = $2 AND pending_revision IS NOT NULL AND id = ANY($3)`,
      [lease.until, lease.owner, ids],
    );
  }

  async releaseProcessingLeases(owner: string): Promise<void> {
    await this.pool.query(
      'UPDATE images SET processing_owner = NULL, processing_lease_until = NULL WHERE processing_owner = $1',
      [owner],
    );
  }

  async completeProcessing(
    id: string,
    pendingBlobKey: string,
    owner: string,
    patch: ImagePatch,
    options: { makeThumbnail?: boolean } = {},
  ): Promise<Written<ImageRecord> | undefined> {
    const productId = await this.productOf('images', id);
    if (productId === undefined) return undefined;
    return this.transaction(productId, async (client) => {
      const { rowCount } = await client.query(
        `SELECT 1 FROM images WHERE id = $1 AND processing_owner = $2 AND pending_revision->>'blobKey' = $3
         FOR UPDATE`,
        [id, owner, pendingBlobKey],
      );
      if (!rowCount) return undefined;
      return this.patchImage(client, id, { ...patch, pendingRevision: null }, options);
    });
  }

  insertAll(rows: { images?: readonly ImageRecord[]; files?: readonly FileRecord[] }): Promise<void> {
    return this.transaction(undefined, async (client) => {
      for (const image of rows.images ?? []) await this.insertImage(client, image);
      for (const file of rows.files ?? []) await this.insertFile(client, file);
    });
  }

  sweepExpiredPlaceholders(cutoffSeconds: number, tokensExpiredBefore: number): Promise<string[]> {
    return this.transaction(undefined, async (client) => {
      const where = (table: string) => `status = 'AWAITING_UPLOAD' AND upload_expires_at IS NOT NULL
        AND upload_expires_at < $1
        AND NOT EXISTS (SELECT 1 FROM upload_claims c WHERE c.target_id = ${table}.id AND c.state = 'IN_PROGRESS')`;
      const images = await client.query<{ id: string }>(`DELETE FROM images WHERE ${where('images')} RETURNING id`, [
        cutoffSeconds,
      ]);
      const files = await client.query<{ id: string }>(`DELETE FROM files WHERE ${where('files')} RETURNING id`, [
        cutoffSeconds,
      ]);
      await client.query('DELETE FROM upload_tokens WHERE expires_at < $1', [tokensExpiredBefore]);
      return [...images.rows, ...files.rows].map((row) => row.id);
    });
  }

  async setCurrentUploadToken(targetId: string, tokenId: string, expiresAt: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO upload_tokens (target_id, token_id, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (target_id) DO UPDATE SET token_id = excluded.token_id, expires_at = excluded.expires_at`,
      [targetId, tokenId, expiresAt],
    );
  }

  async isCurrentUploadToken(targetId: string, tokenId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ token_id: string }>(
      'SELECT token_id FROM upload_tokens WHERE target_id = $1',
      [targetId],
    );
    return rows[0]?.token_id === tokenId;
  }

  async currentUploadToken(targetId: string): Promise<{ tokenId: string; expiresAt: number } | undefined> {
    const { rows } = await this.pool.query<{ token_id: string; expires_at: number }>(
      'SELECT token_id, expires_at FROM upload_tokens WHERE target_id = $1',
      [targetId],
    );
    const row = rows[0];
    return row && { tokenId: row.token_id, expiresAt: row.expires_at };
  }

  async uploadClaimState(tokenId: string): Promise<'IN_PROGRESS' | 'USED' | undefined> {
    const { rows } = await this.pool.query<{ state: 'IN_PROGRESS' | 'USED' }>(
      'SELECT state FROM upload_claims WHERE token_id = $1',
      [tokenId],
    );
    return rows[0]?.state;
  }

  async claimUploadToken(tokenId: string, targetId: string, expiresAt: number): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO upload_claims (token_id, target_id, state, expires_at, claimed_at)
       SELECT $1, $2, 'IN_PROGRESS', $3, $4
       WHERE EXISTS (SELECT 1 FROM upload_tokens WHERE target_id = $2 AND token_id = $1)
       ON CONFLICT (token_id) DO NOTHING`,
      [tokenId, targetId, expiresAt, Math.floor(Date.now() / 1000)],
    );
    return result.rowCount === 1;
  }

  async releaseUploadToken(tokenId: string): Promise<void> {
    await this.pool.query(`DELETE FROM upload_claims WHERE token_id = $1 AND state = 'IN_PROGRESS'`, [tokenId]);
  }

  async sweepUploadClaims(expiredBefore: number, inProgressClaimedBefore: number): Promise<void> {
    await this.pool.query(
      `DELETE FROM upload_claims WHERE expires_at < $1
       OR (state = 'IN_PROGRESS' AND (claimed_at IS NULL OR claimed_at < $2))`,
      [expiredBefore, inProgressClaimedBefore],
    );
  }

  async takeRetiredBlobKeys(retiredBefore: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ blob_key: string }>(
      'DELETE FROM retired_blobs WHERE retired_at < $1 RETURNING blob_key',
      [retiredBefore],
    );
    return rows.map((row) => row.blob_key);
  }

  async referencedBlobKeys(): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ blob_key: string }>(
      `SELECT blob_key FROM images WHERE blob_key IS NOT NULL
       UNION ALL SELECT pending_revision->>'blobKey' FROM images WHERE pending_revision IS NOT NULL
       UNION ALL SELECT blob_key FROM files WHERE blob_key IS NOT NULL
       UNION ALL SELECT blob_key FROM retired_blobs`,
    );
    return new Set(rows.map((row) => row.blob_key));
  }

  async sharedSecret(generate: () => string): Promise<string> {
    await this.pool.query(
      `INSERT INTO settings (name, value) VALUES ('signing_secret', $1) ON CONFLICT (name) DO NOTHING`,
      [generate()],
    );
    const { rows } = await this.pool.query<{ value: string }>(
      `SELECT value FROM settings WHERE name = 'signing_secret'`,
    );
    return rows[0]!.value;
  }

  async ready(): Promise<boolean> {
    const { rows } = await this.pool.query<{ version: number }>(
      'SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations',
    );
    // A newer replica may have migrated past this one during a rolling deploy: migrations only add, so this
    // version still works on a newer schema (README, "Running several replicas").
    return (rows[0]?.version ?? 0) >= LATEST_POSTGRES_VERSION;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Runs `fn` in one transaction on one connection; with `productId`, first
   * takes that product's advisory lock (released at commit or rollback).
   */
  private async transaction<T>(productId: string | undefined, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (productId !== undefined) {
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [productId]);
      }
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Keeps a blob key a write moves away from, until the revision grace has passed. */
  private async retireReplaced(
    client: pg.PoolClient,
    ownerId: string,
    before: string | null,
    after: string | null | undefined,
  ): Promise<void> {
    if (!before || after === undefined || after === before) return;
    await client.query(
      'INSERT INTO retired_blobs (blob_key, owner_id, retired_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [before, ownerId, Math.floor(Date.now() / 1000)],
    );
  }

  /** Deletes the retired revisions of a row, inside the caller's transaction; returns their keys. */
  private async dropRetired(client: pg.PoolClient, ownerId: string): Promise<string[]> {
    const { rows } = await client.query<{ blob_key: string }>(
      'DELETE FROM retired_blobs WHERE owner_id = $1 RETURNING blob_key',
      [ownerId],
    );
    return rows.map((row) => row.blob_key);
  }

  private async spend(client: pg.PoolClient, tokenId: string): Promise<void> {
    await client.query(`UPDATE upload_claims SET state = 'USED' WHERE token_id = $1`, [tokenId]);
  }

  private async productOf(table: 'images' | 'files', id: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ product_id: string }>(`SELECT product_id FROM ${table} WHERE id = $1`, [
      id,
    ]);
    return rows[0]?.product_id;
  }

  private async image(db: Queryable, id: string): Promise<ImageRecord | undefined> {
    const { rows } = await db.query<ImageRow>('SELECT * FROM images WHERE id = $1', [id]);
    return rows[0] && imageFromRow(rows[0]);
  }

  private async file(db: Queryable, id: string): Promise<FileRecord | undefined> {
    const { rows } = await db.query<FileRow>('SELECT * FROM files WHERE id = $1', [id]);
    return rows[0] && fileFromRow(rows[0]);
  }

  private async exceeded(
    db: Queryable,
    productId: string,
    limits: ProductLimits,
    adding: { newImage: boolean; newPlaceholder: boolean },
  ): Promise<LimitExceeded | undefined> {
    if (adding.newImage) {
      const { rows } = await db.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM images WHERE product_id = $1', [
        productId,
      ]);
      if (rows[0]!.n >= limits.maxImages) return { limitExceeded: 'images', limit: limits.maxImages };
    }
    if (adding.newPlaceholder) {
      const { rows } = await db.query<{ n: number }>(
        `SELECT (SELECT COUNT(*) FROM images WHERE product_id = $1 AND status = 'AWAITING_UPLOAD')
              + (SELECT COUNT(*) FROM files WHERE product_id = $1 AND status = 'AWAITING_UPLOAD') AS n`,
        [productId],
      );
      if (rows[0]!.n >= limits.maxPendingUploads) {
        return { limitExceeded: 'pendingUploads', limit: limits.maxPendingUploads };
      }
    }
    return undefined;
  }

  private async insertImage(db: Queryable, image: ImageRecord): Promise<void> {
    await db.query(insertSql('images', IMAGE_INSERT_COLUMNS), imageValues(image).map(toParam));
  }

  private async insertFile(db: Queryable, file: FileRecord): Promise<void> {
    await db.query(insertSql('files', FILE_INSERT_COLUMNS), fileValues(file).map(toParam));
  }

  private async update(db: Queryable, table: 'images' | 'files', id: string, changes: [string, unknown][]) {
    const sql = changes.map(([column], i) => `${column} = $${i + 1}`).join(', ');
    await db.query(`UPDATE ${table} SET ${sql} WHERE id = $${changes.length + 1}`, [
      ...changes.map(([, value]) => toParam(value)),
      id,
    ]);
  }

  /** The body of {@link updateImage}, inside the caller's transaction (which holds the product's lock). */
  private async patchImage(
    client: pg.PoolClient,
    id: string,
    patch: ImagePatch,
    options: { makeThumbnail?: boolean },
  ): Promise<Written<ImageRecord> | undefined> {
    const before = await this.image(client, id);
    if (!before) return undefined;
    const changes: ImagePatch = { ...boundedPatch(patch), updatedAt: patch.updatedAt ?? new Date().toISOString() };
    if (options.makeThumbnail) {
      await client.query(
        'UPDATE images SET is_thumbnail = false, updated_at = $1 WHERE product_id = $2 AND is_thumbnail AND id <> $3',
        [changes.updatedAt, before.productId, id],
      );
      changes.isThumbnail = true;
    }
    await this.retireReplaced(client, id, before.blobKey, changes.blobKey);
    const abandoned = abandonedRevision(before, changes);
    if (abandoned) await this.retireReplaced(client, id, abandoned, null);
    const columns = patchColumns(changes, IMAGE_COLUMNS);
    if (changes.pendingRevision === null) columns.push(['processing_owner', null], ['processing_lease_until', null]);
    await this.update(client, 'images', id, columns);
    return { before, after: (await this.image(client, id))! };
  }
}

/** Rolls a transaction back on purpose. */
class NothingChanged extends Error {}
