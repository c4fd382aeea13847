/**
 * Versioned schema migrations. Append only: a migration that has shipped is
 * never edited, a change is a new entry with the next version.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'images, files and upload claims',
    sql: `
      CREATE TABLE images (
        id                TEXT PRIMARY KEY,
        provider          TEXT NOT NULL,
        product_id        TEXT NOT NULL,
        image_id          TEXT NOT NULL,
        provider_image_id TEXT,
        status            TEXT NOT NULL CHECK (status IN ('AWAITING_UPLOAD','PROCESSING','READY','FAILED')),
        name              TEXT,
        alt               TEXT,
        ordering          INTEGER NOT NULL DEFAULT 0,
        is_thumbnail      INTEGER NOT NULL DEFAULT 0 CHECK (is_thumbnail IN (0, 1)),
        enabled           INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        width             INTEGER,
        height            INTEGER,
        content_type      TEXT,
        byte_size         INTEGER,
        sha256            TEXT,
        blob_key          TEXT,
        variants          TEXT NOT NULL DEFAULT '[]',
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
      );
      CREATE INDEX images_by_product ON images (product_id, ordering, created_at);
      -- The database itself keeps a product to one thumbnail, whatever the callers do.
      CREATE UNIQUE INDEX images_one_thumbnail_per_product ON images (product_id) WHERE is_thumbnail = 1;

      CREATE TABLE files (
        id               TEXT PRIMARY KEY,
        provider         TEXT NOT NULL,
        product_id       TEXT NOT NULL,
        file_id          TEXT NOT NULL,
        provider_file_id TEXT,
        file_name        TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('AWAITING_UPLOAD','PROCESSING','READY','FAILED')),
        content_type     TEXT,
        byte_size        INTEGER,
        sha256           TEXT,
        blob_key         TEXT UNIQUE,
        download_url     TEXT,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
      );
      CREATE INDEX files_by_product ON files (product_id, created_at);

      -- One row per upload token that has been presented, so each token stores bytes at most once.
      CREATE TABLE upload_claims (
        token_id   TEXT PRIMARY KEY,
        target_id  TEXT NOT NULL,
        state      TEXT NOT NULL CHECK (state IN ('IN_PROGRESS', 'USED')),
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'placeholder expiry, current upload tokens, orderings inside GraphQL Int',
    sql: `
      -- Orderings outside 0..2147483647 (accepted before the rule existed) would fail every read of their product.
      UPDATE images SET ordering = MIN(MAX(ordering, 0), 2147483647) WHERE ordering < 0 OR ordering > 2147483647;

      -- When the upload URL of a placeholder (AWAITING_UPLOAD) expires; the sweep deletes it a grace period later.
      ALTER TABLE images ADD COLUMN upload_expires_at INTEGER;
      ALTER TABLE files ADD COLUMN upload_expires_at INTEGER;
      CREATE INDEX images_pending ON images (upload_expires_at) WHERE status = 'AWAITING_UPLOAD';
      CREATE INDEX files_pending ON files (upload_expires_at) WHERE status = 'AWAITING_UPLOAD';

      -- The newest upload token issued for each image or file: issuing a new URL revokes the older ones.
      CREATE TABLE upload_tokens (
        target_id  TEXT PRIMARY KEY,
        token_id   TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'shared signing key, claim times',
    sql: `
      -- Keys shared by every process on this index (the signing secret).
      CREATE TABLE settings (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      -- When an upload began; a sweep releases only claims older than the longest an upload can take.
      ALTER TABLE upload_claims ADD COLUMN claimed_at INTEGER;
    `,
  },
  {
    version: 4,
    name: 'failure reasons',
    sql: `
      -- Why an image or file ended FAILED (a direct upload that failed the checks, processing that failed).
      ALTER TABLE images ADD COLUMN failure_reason TEXT;
      ALTER TABLE files ADD COLUMN failure_reason TEXT;
    `,
  },
  {
    version: 5,
    name: 'retired revisions',
    sql: `
      -- A replaced revision's blob key, kept (and served) until MEDIA_REVISION_GRACE_SECONDS after it was retired.
      CREATE TABLE retired_blobs (
        blob_key   TEXT PRIMARY KEY,
        owner_id   TEXT NOT NULL,
        retired_at INTEGER NOT NULL
      );
      CREATE INDEX retired_blobs_by_owner ON retired_blobs (owner_id);
      CREATE INDEX retired_blobs_by_time ON retired_blobs (retired_at);
    `,
  },
  {
    version: 6,
    name: 'processing off the request',
    sql: `
      -- The revision being processed (JSON: blobKey, contentType, sha256): its source is stored, its renditions not yet.
      ALTER TABLE images ADD COLUMN pending_revision TEXT;
      -- Which process is making it, until when: a crashed process's work is taken up once its lease has passed.
      ALTER TABLE images ADD COLUMN processing_owner TEXT;
      ALTER TABLE images ADD COLUMN processing_lease_until INTEGER;
      CREATE INDEX images_processing ON images (processing_lease_until) WHERE pending_revision IS NOT NULL;
    `,
  },
  {
    version: 7,
    name: 'placeholders for storefronts',
    sql: `
      -- A ThumbHash (base64) and the dominant colour (#rrggbb) of the current revision, made when it is processed.
      ALTER TABLE images ADD COLUMN thumbhash TEXT;
      ALTER TABLE images ADD COLUMN dominant_color TEXT;
    `,
  },
];
